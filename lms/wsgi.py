import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

# Django, Wagtail and their modules are loaded now and live as long as the process. Moving
# them out of the collector's reach keeps full collections short: with ~250,000 of them
# tracked, one full collection paused a worker for ~120 ms (bench/README.md).
gc.freeze()
