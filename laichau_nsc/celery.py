"""The Celery application.

Without ``CELERY_BROKER_URL`` tasks run inline (the embedded default, see settings). With a broker,
``celery -A laichau_nsc worker`` and ``celery -A laichau_nsc beat`` run them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laichau_nsc.settings")

app = Celery("laichau_nsc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
