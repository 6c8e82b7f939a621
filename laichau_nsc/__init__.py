# Importing the Celery app here makes @shared_task use it (cookiecutter-django's pattern).
from .celery import app as celery_app

__all__ = ("celery_app",)
