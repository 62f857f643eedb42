"""Django admin (/django-admin/) for the credentials domain: data operations for admins."""

# --- Records ---------------------------------------------------------------------------------


# --- Imports ---------------------------------------------------------------------------------


# --- Pathways, applications, awards ----------------------------------------------------------
