from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseTopic(models.TextChoices):
    STANDARDS = "standards", _("Tiêu chuẩn, quy chuẩn, hệ thống quản lý")
    PRODUCTIVITY_TOOLS = "productivity_tools", _("Công cụ cải tiến năng suất chất lượng")
    BARCODES_TRACEABILITY = "barcodes_traceability", _("Mã số mã vạch, truy xuất nguồn gốc")
    DIGITAL_TRANSFORMATION = "digital_transformation", _("Chuyển đổi số, sản xuất thông minh")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("Sở hữu trí tuệ, nhãn hiệu")
    EXPERTS = "experts", _("Đào tạo chuyên gia năng suất chất lượng")
    OTHER = "other", _("Khác")


class FundingSource(models.TextChoices):
    """Who paid: the state budget by level, the enterprise itself, or others."""

    CENTRAL_BUDGET = "central_budget", _("Ngân sách trung ương")
    PROVINCIAL_BUDGET = "provincial_budget", _("Ngân sách tỉnh")
    LOCAL_BUDGET = "local_budget", _("Ngân sách huyện, xã")
    ENTERPRISE = "enterprise", _("Doanh nghiệp đóng góp")
    OTHER = "other", _("Nguồn khác")


#: Sources that are state budget (for the "state support" figures).
STATE_BUDGET_SOURCES = (
    FundingSource.CENTRAL_BUDGET,
    FundingSource.PROVINCIAL_BUDGET,
    FundingSource.LOCAL_BUDGET,
)


class EnrollmentState(models.TextChoices):
    ENROLLED = "enrolled", _("Đã đăng ký")
    COMPLETED = "completed", _("Hoàn thành")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành")
    WITHDRAWN = "withdrawn", _("Rút tên")


class SupportKind(models.TextChoices):
    CONSULTING = "consulting", _("Tư vấn, hướng dẫn")
    CERTIFICATION = "certification", _("Hỗ trợ xây dựng, chứng nhận hệ thống quản lý, tiêu chuẩn")
    PRODUCTIVITY_TOOL = "productivity_tool", _("Hỗ trợ áp dụng công cụ năng suất")
    TRAINING = "training", _("Đào tạo, tập huấn")
    STUDY_TOUR = "study_tour", _("Tham quan, học tập kinh nghiệm")
    COMMUNICATION = "communication", _("Truyền thông, quảng bá")
    DIGITAL_TOOLS = "digital_tools", _("Công cụ số, sản xuất thông minh")
    BARCODES_TRACEABILITY = "barcodes_traceability", _("Mã số mã vạch, truy xuất nguồn gốc")
    OTHER = "other", _("Khác")


class ExpertField(models.TextChoices):
    STANDARDS = "standards", _("Tiêu chuẩn, hệ thống quản lý")
    PRODUCTIVITY_TOOLS = "productivity_tools", _("Công cụ cải tiến năng suất")
    MEASUREMENT = "measurement", _("Đo lường, thử nghiệm")
    BARCODES_TRACEABILITY = "barcodes_traceability", _("Mã số mã vạch, truy xuất nguồn gốc")
    DIGITAL_TRANSFORMATION = "digital_transformation", _("Chuyển đổi số")


class SupportExportSubject(models.TextChoices):
    """Which list a support export holds."""

    EXPERTS = "experts", _("Chuyên gia năng suất chất lượng")
    ACTIVITIES = "activities", _("Hoạt động hỗ trợ doanh nghiệp")
