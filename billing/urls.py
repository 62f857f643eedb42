from django.urls import path

from billing import booking_views, views

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
    # Mentor bookings (billing.booking_views)
    path("bookings/", booking_views.my_bookings, name="my_bookings"),
    path("bookings/book/", booking_views.book, name="book"),
    path("bookings/<int:booking_id>/cancel/", booking_views.booking_cancel, name="booking_cancel"),
    path(
        "bookings/<int:booking_id>/calendar.ics",
        booking_views.booking_calendar,
        name="booking_calendar",
    ),
    path("bookings/<int:booking_id>/mark/", booking_views.booking_mark, name="booking_mark"),
    path("mentor/availability/", booking_views.availability, name="availability"),
    path(
        "mentor/availability/slots/<int:slot_id>/remove/",
        booking_views.slot_remove,
        name="slot_remove",
    ),
    path(
        "mentor/availability/weekly/<int:weekly_id>/remove/",
        booking_views.weekly_remove,
        name="weekly_remove",
    ),
    path("mentor/sessions/", booking_views.mentor_sessions, name="mentor_sessions"),
]
