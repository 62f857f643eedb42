from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("bundles/", views.bundle_list, name="bundles"),
    path("bundles/<slug:slug>/checkout/", views.bundle_checkout, name="checkout"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("credits/", views.my_credits, name="credits"),
    path(
        "organisations/<int:organisation_id>/",
        views.organisation_detail,
        name="organisation",
    ),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
