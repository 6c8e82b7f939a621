from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "laichau_nsc"
    verbose_name = _("Cổng NSC")

    def ready(self) -> None:
        from . import auth_log, checks  # noqa: F401  (connect the auth loggers, register checks)
