import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
application = get_wsgi_application()

# Run by any WSGI server (`pairaid serve`, or gunicorn pairaid.wsgi directly): a request's
# statements are limited in time; commands are not.
from pairaid.ops.serving import web_database_options  # noqa: E402

web_database_options()
