from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", _("Doanh nghiệp")
    ADOPTIONS = "adoptions", _("Áp dụng tiêu chuẩn và chứng chỉ")
    PRODUCTS = "products", _("Sản phẩm và mã GTIN")
    DECLARATIONS = "declarations", _("Bản công bố đã ghi nhận")
    PARTICIPANTS = "participants", _("Học viên khóa đào tạo")


class ImportMode(models.TextChoices):
    PREVIEW = "preview", _("Kiểm tra thử")
    COMMIT = "commit", _("Ghi vào hệ thống")
