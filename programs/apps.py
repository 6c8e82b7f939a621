from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Chương trình NSC")

    def ready(self) -> None:
        from . import signals_summaries

        signals_summaries.connect()
