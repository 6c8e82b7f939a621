from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "laichau_nsc"
    verbose_name = _("Cổng NSC")

    def ready(self) -> None:
        from . import auth_log, checks  # noqa: F401  (connect the auth loggers, register checks)
        from .collation import register_sqlite_collation
        from .workdays import connect_signals

        connect_signals()  # a changed day off renews the cached working-day calendars

        # SQLite has no Vietnamese collation of its own: each new connection gets ours.
        connection_created.connect(register_sqlite_collation, dispatch_uid="vietnamese_collation")
