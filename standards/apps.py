from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Tiêu chuẩn và sản phẩm")

    def ready(self) -> None:
        from enterprises import catalogues

        from .filters import CATALOGUE
        from .models import CertificationBody, Standard

        # A changed standard or body renews the lists' cached select options.
        for model in (Standard, CertificationBody):
            catalogues.renew_on_change(model, CATALOGUE)
