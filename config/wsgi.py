import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Everything loaded by now (Django, the apps, the URLconf, the templates' machinery) lives as
# long as the process. Frozen out of the cyclic collector's sight, a full collection scans only
# what requests allocate: on the portal's heavier pages, full collections of the whole heap
# were the slowest twentieth of requests (p95 about 300 ms at 200,000 orders, 75 ms frozen).
get_resolver().url_patterns  # noqa: B018 - load the URLconf (and every view module) now
gc.freeze()
