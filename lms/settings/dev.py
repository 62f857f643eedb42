"""Development: debug on, emails printed to the console, SQLite unless DATABASE_URL is set."""

from .base import *

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
