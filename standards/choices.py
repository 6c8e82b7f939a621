from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardKind(models.TextChoices):
    MANAGEMENT_SYSTEM = "management_system", _("Hệ thống quản lý")
    SCHEME = "scheme", _("Chương trình chứng nhận")
    PRODUCTIVITY_TOOL = "productivity_tool", _("Công cụ cải tiến năng suất")
    NATIONAL_STANDARD = "national_standard", _("Tiêu chuẩn quốc gia (TCVN)")
    TECHNICAL_REGULATION = "technical_regulation", _("Quy chuẩn kỹ thuật (QCVN)")
    COMPANY_STANDARD = "company_standard", _("Tiêu chuẩn cơ sở (TCCS)")


class AdoptionStatus(models.TextChoices):
    """Where an enterprise is with a standard or tool (DESIGN §3)."""

    PLANNED = "planned", _("Dự kiến áp dụng")
    IMPLEMENTING = "implementing", _("Đang xây dựng")
    APPLIED = "applied", _("Đã áp dụng")
    CERTIFIED = "certified", _("Đã được chứng nhận")
    MAINTAINED = "maintained", _("Duy trì, cải tiến")
    SUSPENDED = "suspended", _("Tạm dừng")
    WITHDRAWN = "withdrawn", _("Thôi áp dụng")
    LAPSED = "lapsed", _("Hết hiệu lực")


#: Statuses in which an enterprise counts as applying the standard or tool.
APPLYING_STATUSES = (
    AdoptionStatus.APPLIED,
    AdoptionStatus.CERTIFIED,
    AdoptionStatus.MAINTAINED,
)


class ReviewState(models.TextChoices):
    """An officer's check of what an enterprise proposed (adoptions, certificates)."""

    PROPOSED = "proposed", _("Chờ cán bộ xác minh")
    VERIFIED = "verified", _("Đã xác minh")
    RETURNED = "returned", _("Trả lại để bổ sung")


class CertificateEventKind(models.TextChoices):
    ISSUED = "issued", _("Cấp mới")
    SURVEILLANCE_PASSED = "surveillance_passed", _("Đánh giá giám sát đạt")
    SUSPENDED = "suspended", _("Đình chỉ")
    REINSTATED = "reinstated", _("Hủy đình chỉ")
    WITHDRAWN = "withdrawn", _("Thu hồi")
    RENEWED = "renewed", _("Cấp lại (tái chứng nhận)")
    TRANSFERRED = "transferred", _("Chuyển tổ chức chứng nhận")


#: Events that open a validity period; they carry the period's expiry date.
ISSUING_EVENTS = (CertificateEventKind.ISSUED, CertificateEventKind.RENEWED)


class CertificateStatus(models.TextChoices):
    """A certificate's status on a day, derived from its periods and events, never typed."""

    NOT_YET_VALID = "not_yet_valid", _("Chưa có hiệu lực")
    VALID = "valid", _("Còn hiệu lực")
    SUSPENDED = "suspended", _("Bị đình chỉ")
    WITHDRAWN = "withdrawn", _("Bị thu hồi")
    EXPIRED = "expired", _("Hết hạn")


class ReminderKind(models.TextChoices):
    EXPIRY_90 = "expiry_90", _("Còn 90 ngày hết hạn")
    EXPIRY_30 = "expiry_30", _("Còn 30 ngày hết hạn")
    EXPIRY_7 = "expiry_7", _("Còn 7 ngày hết hạn")
    SURVEILLANCE_OVERDUE = "surveillance_overdue", _("Quá hạn đánh giá giám sát")


#: Days before expiry at which a reminder goes out, most distant first.
EXPIRY_THRESHOLDS = (
    (90, ReminderKind.EXPIRY_90),
    (30, ReminderKind.EXPIRY_30),
    (7, ReminderKind.EXPIRY_7),
)


# --- Products, barcodes, declarations (issue 8) -------------------------------------------------


class ProductCategory(models.TextChoices):
    AGRICULTURE = "agriculture", _("Nông sản tươi")
    PROCESSED_FOOD = "processed_food", _("Thực phẩm chế biến")
    BEVERAGE = "beverage", _("Đồ uống")
    TEA = "tea", _("Chè và sản phẩm từ chè")
    HERBAL = "herbal", _("Dược liệu, sản phẩm từ dược liệu")
    HANDICRAFT = "handicraft", _("Thủ công mỹ nghệ")
    TEXTILE = "textile", _("Dệt may, thổ cẩm")
    BUILDING_MATERIAL = "building_material", _("Vật liệu xây dựng")
    INDUSTRIAL = "industrial", _("Sản phẩm công nghiệp")
    SERVICE = "service", _("Dịch vụ, du lịch")
    OTHER = "other", _("Khác")


class BarcodeStatus(models.TextChoices):
    """A company prefix's status on a day, derived from its fees and revocation."""

    ACTIVE = "active", _("Đang sử dụng")
    FEE_OVERDUE = "fee_overdue", _("Quá hạn nộp phí duy trì")
    REVOKED = "revoked", _("Đã thu hồi")


class DeclarationKind(models.TextChoices):
    COMPANY_STANDARD = "company_standard", _("Công bố tiêu chuẩn cơ sở (TCCS)")
    APPLIED_STANDARD = "applied_standard", _("Công bố tiêu chuẩn áp dụng")
    CONFORMITY_STANDARD = "conformity_standard", _("Công bố hợp chuẩn (theo TCVN)")
    CONFORMITY_REGULATION = "conformity_regulation", _("Công bố hợp quy (theo QCVN)")


class DeclarationBasis(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    CERTIFICATE = "certificate", _("Chứng nhận của tổ chức chứng nhận")


class DeclarationState(models.TextChoices):
    """Stored states of a declaration; "expired" is derived from ``valid_until``."""

    DRAFT = "draft", _("Bản nháp")
    RECORDED = "recorded", _("Đã ghi nhận")
    SUBMITTED = "submitted", _("Đã nộp, chờ xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    REJECTED = "rejected", _("Không tiếp nhận")
    CANCELLED = "cancelled", _("Đã hủy")
