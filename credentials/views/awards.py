"""awards views of the credentials app."""

urlpatterns: list = []
