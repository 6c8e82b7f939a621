from django.db import models
from django.utils.translation import gettext_lazy as _

from laichau_nsc.models import JobState  # noqa: F401  (jobs of every app share its states)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Huyện/Thị xã/Thành phố thuộc tỉnh")
    WARD = "ward", _("Phường")
    COMMUNE = "commune", _("Xã")
    TOWNSHIP = "township", _("Thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")


class SectorLevel(models.TextChoices):
    SECTION = "section", _("Ngành cấp 1")
    DIVISION = "division", _("Ngành cấp 2")


class ClassificationVersion(models.TextChoices):
    VSIC2018 = "VSIC2018", _("VSIC 2018 (QĐ 27/2018/QĐ-TTg)")
    VSIC2025 = "VSIC2025", _("VSIC 2025 (QĐ 36/2025/QĐ-TTg)")


#: The classification new records use: VSIC 2025 since 15/11/2025 (older records keep theirs).
CURRENT_SECTOR_VERSION = ClassificationVersion.VSIC2025


class LegalForm(models.TextChoices):
    LLC_SINGLE = "llc_single", _("Công ty TNHH một thành viên")
    LLC_MULTI = "llc_multi", _("Công ty TNHH hai thành viên trở lên")
    JOINT_STOCK = "joint_stock", _("Công ty cổ phần")
    PARTNERSHIP = "partnership", _("Công ty hợp danh")
    PRIVATE = "private", _("Doanh nghiệp tư nhân")
    STATE_OWNED = "state_owned", _("Doanh nghiệp nhà nước")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_UNION = "cooperative_union", _("Liên hiệp hợp tác xã")
    COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
    HOUSEHOLD = "household", _("Hộ kinh doanh")
    ESTABLISHMENT = "establishment", _("Cơ sở sản xuất")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Siêu nhỏ")
    SMALL = "small", _("Nhỏ")
    MEDIUM = "medium", _("Vừa")
    LARGE = "large", _("Lớn")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    SUSPENDED = "suspended", _("Tạm ngừng kinh doanh")
    DISSOLVED = "dissolved", _("Đã giải thể/chấm dứt")


class MembershipRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Người đại diện")
    STAFF = "staff", _("Nhân viên được ủy quyền")


class MembershipState(models.TextChoices):
    REQUESTED = "requested", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REFUSED = "refused", _("Bị từ chối")
    REVOKED = "revoked", _("Đã thu hồi")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (XLSX)")
    CSV = "csv", _("CSV")
