"""Every reported figure, defined once, in report order.

Counting rules shared by all: records archived (the portal's deletion) never count, for any
year; a stock (valid, applying, in force) is read on the period's last day, a flow (issued,
received, given) counts what happened from its first to its last day; an enterprise is counted
once however many records it has.
"""

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from programs.choices import STATE_BUDGET_SOURCES, EnrollmentState, FundingSource
from programs.models import Enrollment, Expert, SupportActivity, SupportFunding, TrainingCourse
from standards.choices import DeclarationState, StandardKind
from standards.models import (
    Adoption,
    BarcodeRegistration,
    Certificate,
    Declaration,
    Product,
    TraceabilityRecord,
)

from .base import Growth, Indicator, Measure, Period

G_STANDARDS = _("Áp dụng hệ thống quản lý, công cụ năng suất")
G_CERTIFICATES = _("Chứng nhận")
G_DECLARATIONS = _("Công bố tiêu chuẩn, hợp chuẩn, hợp quy")
G_BARCODES = _("Mã số mã vạch, truy xuất nguồn gốc")
G_TRAINING = _("Đào tạo, tập huấn")
G_EXPERTS = _("Chuyên gia năng suất chất lượng")
G_SUPPORT = _("Hỗ trợ doanh nghiệp")
G_OUTCOMES = _("Kết quả chung của Chương trình")

ENTERPRISES = _("doanh nghiệp")
VND = _("đồng")

SYSTEM_KINDS = (StandardKind.MANAGEMENT_SYSTEM, StandardKind.SCHEME)


def distinct_enterprises(path: str = "enterprise"):
    return lambda: Count(path, distinct=True)


def rows_counted():
    return Count("pk")


def amount_total():
    return Coalesce(Sum("amount"), 0)


# --- The rows each figure counts ------------------------------------------------------------


def applying(kinds):
    def rows(p: Period):
        return Adoption.objects.applying_on(p.end).filter(
            standard__kind__in=kinds, enterprise__is_archived=False
        )

    return rows


def certificates_valid(p: Period):
    return Certificate.objects.valid_on(p.end)


def certificates_issued(p: Period):
    return (
        Certificate.objects.active()
        .verified()
        .filter(first_issued_on__gte=p.start, first_issued_on__lte=p.end)
    )


def _each_year(p: Period, method: str):
    """``Declaration.objects.<method>(year)`` for every year the period touches, as one
    queryset (the declarations part defines them by year)."""
    found = Declaration.objects.none()
    for year in range(p.start.year, p.end.year + 1):
        found |= getattr(Declaration.objects, method)(year)
    return found


def declarations_declared(p: Period):
    """In effect from a day of the period: ``declared_in`` its years, within its days."""
    return _each_year(p, "declared_in").filter(effective_on__gte=p.start, effective_on__lte=p.end)


def declared_products(p: Period):
    return Declaration.products.through.objects.filter(
        declaration__in=declarations_declared(p).values("pk"), product__is_archived=False
    )


def products_in_force(p: Period):
    return Declaration.products.through.objects.filter(
        declaration__in=Declaration.objects.in_force_on(p.end).values("pk"),
        product__is_archived=False,
    )


def declarations_received(p: Period):
    """``received_in`` the period's years, within its days."""
    return _each_year(p, "received_in").filter(
        Q(submitted_at__date__gte=p.start, submitted_at__date__lte=p.end)
        | Q(state=DeclarationState.RECORDED, declared_on__gte=p.start, declared_on__lte=p.end)
    )


def declarations_accepted(p: Period):
    return Declaration.objects.accepted().filter(receipt_date__gte=p.start, receipt_date__lte=p.end)


def declarations_overdue(p: Period):
    return Declaration.objects.overdue_on(p.end)


def prefixes_in_use(p: Period):
    return (
        BarcodeRegistration.objects.active()
        .filter(registered_on__lte=p.end)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=p.end))
    )


def prefixes_issued(p: Period):
    return BarcodeRegistration.objects.active().filter(
        registered_on__gte=p.start, registered_on__lte=p.end
    )


def products_with_gtin(p: Period):
    return (
        Product.objects.active()
        .exclude(gtin="")
        .filter(
            Q(barcode_registration__registered_on__lte=p.end)
            | Q(barcode_registration__isnull=True, created_at__date__lte=p.end)
        )
    )


def products_traced(p: Period):
    lots = TraceabilityRecord.objects.filter(
        product=OuterRef("pk"), is_published=True, produced_on__lte=p.end
    )
    return Product.objects.published().filter(Exists(lots))


def courses_held(p: Period):
    return TrainingCourse.objects.active().filter(starts_on__gte=p.start, starts_on__lte=p.end)


def trainees(p: Period):
    return (
        Enrollment.objects.active()
        .filter(
            course__is_archived=False, course__starts_on__gte=p.start, course__starts_on__lte=p.end
        )
        .filter(Q(enterprise__isnull=True) | Q(enterprise__is_archived=False))
    )


def trainees_completed(p: Period):
    return trainees(p).filter(state=EnrollmentState.COMPLETED)


def trained_enterprises(p: Period):
    return trainees(p).filter(enterprise__isnull=False)


def experts_in_team(p: Period):
    """In the team on the last day: joined by then (or no date), not left by then, certified
    that year or before; a member who left without a date recorded counts no more."""
    return Expert.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=p.end),
        Q(certified_year__isnull=True) | Q(certified_year__lte=p.end.year),
    ).filter(Q(left_on__gt=p.end) | Q(left_on__isnull=True, is_active=True))


def experts_certified(p: Period):
    return Expert.objects.filter(
        certified_year__gte=p.start.year, certified_year__lte=p.end.year
    ).filter(Q(left_on__isnull=True) | Q(left_on__gt=p.end))


def support_given(p: Period):
    return SupportActivity.objects.active().filter(
        enterprise__is_archived=False, provided_on__gte=p.start, provided_on__lte=p.end
    )


def support_paid(p: Period):
    return SupportFunding.objects.filter(activity__in=support_given(p).values("pk"))


def from_sources(*sources) -> Q:
    """The funding of these sources (``Measure.where`` of ``support_paid``)."""
    return Q(source__in=sources)


# --- The figures --------------------------------------------------------------------------------

_SUPPORT_VND = {
    FundingSource.CENTRAL_BUDGET: "SUPPORT_VND_CENTRAL",
    FundingSource.PROVINCIAL_BUDGET: "SUPPORT_VND_PROVINCIAL",
    FundingSource.LOCAL_BUDGET: "SUPPORT_VND_LOCAL",
    FundingSource.ENTERPRISE: "SUPPORT_VND_ENTERPRISE",
    FundingSource.OTHER: "SUPPORT_VND_OTHER",
}


def _ind(code, name, unit, how, group, measure=None, *, manual=False, places=0) -> Indicator:
    breakdowns = measure.breakdowns() if isinstance(measure, Measure) else ()
    return Indicator(
        code=code,
        name=name,
        unit=unit,
        how=how,
        group=group,
        breakdowns=breakdowns,
        manual=manual,
        places=places,
        measure=measure,
    )


_SOURCE_NAMES = {
    FundingSource.CENTRAL_BUDGET: (
        _("Kinh phí hỗ trợ từ ngân sách trung ương"),
        _(
            "Tổng số tiền nguồn ngân sách trung ương của các hoạt động hỗ trợ có ngày hỗ trợ "
            "trong kỳ."
        ),
    ),
    FundingSource.PROVINCIAL_BUDGET: (
        _("Kinh phí hỗ trợ từ ngân sách tỉnh"),
        _("Tổng số tiền nguồn ngân sách tỉnh của các hoạt động hỗ trợ có ngày hỗ trợ trong kỳ."),
    ),
    FundingSource.LOCAL_BUDGET: (
        _("Kinh phí hỗ trợ từ ngân sách huyện, xã"),
        _(
            "Tổng số tiền nguồn ngân sách huyện, xã của các hoạt động hỗ trợ có ngày hỗ trợ "
            "trong kỳ."
        ),
    ),
    FundingSource.ENTERPRISE: (
        _("Kinh phí doanh nghiệp đóng góp"),
        _("Tổng số tiền doanh nghiệp đóng góp vào các hoạt động hỗ trợ có ngày hỗ trợ trong kỳ."),
    ),
    FundingSource.OTHER: (
        _("Kinh phí hỗ trợ từ nguồn khác"),
        _("Tổng số tiền từ nguồn khác của các hoạt động hỗ trợ có ngày hỗ trợ trong kỳ."),
    ),
}


def _support_vnd(source: FundingSource) -> Indicator:
    name, how = _SOURCE_NAMES[source]
    return _ind(
        _SUPPORT_VND[source],
        name,
        VND,
        how,
        G_SUPPORT,
        Measure(
            support_paid,
            amount_total,
            enterprise="activity__enterprise",
            standard="activity__adoption__standard_id",
            where=from_sources(source),
        ),
    )


INDICATORS: tuple[Indicator, ...] = (
    _ind(
        "ENT_SYSTEM_APPLYING",
        _("Số doanh nghiệp áp dụng hệ thống quản lý, chương trình chứng nhận"),
        ENTERPRISES,
        _(
            "Số doanh nghiệp (mỗi doanh nghiệp tính một lần) có ít nhất một áp dụng hệ thống "
            "quản lý hoặc chương trình chứng nhận (ISO 9001, ISO 22000, HACCP, VietGAP…) đã được "
            "cán bộ xác minh, ở tình trạng đã áp dụng, đã được chứng nhận hoặc duy trì vào ngày "
            "cuối kỳ. Phân tổ theo tiêu chuẩn: số doanh nghiệp áp dụng từng hệ thống."
        ),
        G_STANDARDS,
        Measure(
            applying(SYSTEM_KINDS),
            distinct_enterprises(),
            enterprise="enterprise",
            standard="standard_id",
        ),
    ),
    _ind(
        "ENT_TOOL_APPLYING",
        _("Số doanh nghiệp áp dụng công cụ cải tiến năng suất"),
        ENTERPRISES,
        _(
            "Số doanh nghiệp (mỗi doanh nghiệp tính một lần) có ít nhất một áp dụng công cụ năng "
            "suất (5S, Kaizen, Lean, TPM, KPI…) đã được xác minh, ở tình trạng đã áp dụng hoặc "
            "duy trì vào ngày cuối kỳ. Phân tổ theo tiêu chuẩn: số doanh nghiệp áp dụng từng "
            "công cụ."
        ),
        G_STANDARDS,
        Measure(
            applying((StandardKind.PRODUCTIVITY_TOOL,)),
            distinct_enterprises(),
            enterprise="enterprise",
            standard="standard_id",
        ),
    ),
    _ind(
        "CERT_VALID",
        _("Số chứng chỉ còn hiệu lực"),
        _("chứng chỉ"),
        _(
            "Số chứng chỉ đã xác minh còn hiệu lực vào ngày cuối kỳ (31/12 với một năm): có thời "
            "hạn hiệu lực bao trùm ngày đó, chưa bị thu hồi, không bị đình chỉ vào ngày đó."
        ),
        G_CERTIFICATES,
        Measure(certificates_valid, rows_counted, enterprise="enterprise", standard="standard_id"),
    ),
    _ind(
        "ENT_CERTIFIED",
        _("Số doanh nghiệp có chứng chỉ còn hiệu lực"),
        ENTERPRISES,
        _(
            "Số doanh nghiệp (mỗi doanh nghiệp tính một lần) có ít nhất một chứng chỉ còn hiệu "
            "lực vào ngày cuối kỳ, theo cùng định nghĩa “còn hiệu lực” của chỉ tiêu số chứng chỉ."
        ),
        G_CERTIFICATES,
        Measure(
            certificates_valid,
            distinct_enterprises(),
            enterprise="enterprise",
            standard="standard_id",
        ),
    ),
    _ind(
        "CERT_ISSUED",
        _("Số chứng chỉ cấp mới"),
        _("chứng chỉ"),
        _(
            "Số chứng chỉ đã xác minh có ngày cấp lần đầu trong kỳ (không tính cấp lại, tái "
            "chứng nhận), kể cả chứng chỉ đã hết hạn hoặc bị thu hồi sau đó."
        ),
        G_CERTIFICATES,
        Measure(certificates_issued, rows_counted, enterprise="enterprise", standard="standard_id"),
    ),
    _ind(
        "DECL_ESTABLISHMENTS",
        _("Số cơ sở công bố tiêu chuẩn, hợp chuẩn, hợp quy trong kỳ"),
        _("cơ sở"),
        _(
            "Số doanh nghiệp, cơ sở (mỗi cơ sở tính một lần) có bản công bố có hiệu lực từ một "
            "ngày trong kỳ: được Sở tiếp nhận (ngày thông báo tiếp nhận) hoặc được ghi nhận "
            "(ngày công bố)."
        ),
        G_DECLARATIONS,
        Measure(
            declarations_declared,
            distinct_enterprises(),
            enterprise="enterprise",
            standard="standard_id",
        ),
    ),
    _ind(
        "DECL_PRODUCTS",
        _("Số sản phẩm được công bố tiêu chuẩn, hợp chuẩn, hợp quy trong kỳ"),
        _("sản phẩm"),
        _(
            "Số sản phẩm (mỗi sản phẩm tính một lần) thuộc bản công bố có hiệu lực từ một ngày "
            "trong kỳ, như chỉ tiêu số cơ sở; không tính sản phẩm đã lưu trữ."
        ),
        G_DECLARATIONS,
        Measure(
            declared_products,
            lambda: Count("product", distinct=True),
            enterprise="product__enterprise",
            standard="declaration__standard_id",
        ),
    ),
    _ind(
        "DECL_PRODUCTS_IN_FORCE",
        _("Số sản phẩm có bản công bố còn hiệu lực"),
        _("sản phẩm"),
        _(
            "Số sản phẩm (mỗi sản phẩm tính một lần) thuộc ít nhất một bản công bố đã tiếp nhận "
            "hoặc ghi nhận và còn hiệu lực vào ngày cuối kỳ; không tính sản phẩm đã lưu trữ."
        ),
        G_DECLARATIONS,
        Measure(
            products_in_force,
            lambda: Count("product", distinct=True),
            enterprise="product__enterprise",
            standard="declaration__standard_id",
        ),
    ),
    _ind(
        "DECL_RECEIVED",
        _("Số hồ sơ công bố tiếp nhận"),
        _("hồ sơ"),
        _(
            "Số hồ sơ công bố Sở nhận trong kỳ: hồ sơ nộp lần đầu trong kỳ (dù sau đó được "
            "tiếp nhận hay không) và bản công bố được ghi nhận có ngày công bố trong kỳ; không "
            "tính bản nháp."
        ),
        G_DECLARATIONS,
        Measure(
            declarations_received, rows_counted, enterprise="enterprise", standard="standard_id"
        ),
    ),
    _ind(
        "DECL_ACCEPTED",
        _("Số hồ sơ công bố được ra thông báo tiếp nhận"),
        _("hồ sơ"),
        _("Số hồ sơ công bố có thông báo tiếp nhận của Sở ghi ngày trong kỳ."),
        G_DECLARATIONS,
        Measure(
            declarations_accepted, rows_counted, enterprise="enterprise", standard="standard_id"
        ),
    ),
    _ind(
        "DECL_OVERDUE",
        _("Số hồ sơ công bố quá hạn xử lý"),
        _("hồ sơ"),
        _(
            "Số hồ sơ đã nộp, đang chờ Sở xử lý mà hạn xử lý (5 ngày làm việc kể từ khi hồ sơ đầy "
            "đủ) đã qua trước ngày cuối kỳ."
        ),
        G_DECLARATIONS,
        Measure(
            declarations_overdue, rows_counted, enterprise="enterprise", standard="standard_id"
        ),
    ),
    _ind(
        "GS1_PREFIXES",
        _("Số mã doanh nghiệp GS1 đang sử dụng"),
        _("mã"),
        _(
            "Số mã doanh nghiệp GS1 (893…) đã cấp đến ngày cuối kỳ và chưa bị thu hồi vào ngày "
            "đó (kể cả mã đang quá hạn nộp phí duy trì)."
        ),
        G_BARCODES,
        Measure(prefixes_in_use, rows_counted, enterprise="enterprise"),
    ),
    _ind(
        "GS1_PREFIXES_ISSUED",
        _("Số mã doanh nghiệp GS1 cấp mới"),
        _("mã"),
        _("Số mã doanh nghiệp GS1 có ngày cấp trong kỳ."),
        G_BARCODES,
        Measure(prefixes_issued, rows_counted, enterprise="enterprise"),
    ),
    _ind(
        "GTINS",
        _("Số sản phẩm được gán mã GTIN"),
        _("sản phẩm"),
        _(
            "Số sản phẩm chưa lưu trữ có mã GTIN, thuộc mã doanh nghiệp đã cấp đến ngày cuối kỳ "
            "(sản phẩm không gắn mã doanh nghiệp: đã nhập vào hệ thống đến ngày cuối kỳ)."
        ),
        G_BARCODES,
        Measure(products_with_gtin, rows_counted, enterprise="enterprise"),
    ),
    _ind(
        "PRODUCTS_TRACED",
        _("Số sản phẩm có trang truy xuất nguồn gốc công khai"),
        _("sản phẩm"),
        _(
            "Số sản phẩm đang công khai trang truy xuất nguồn gốc và có ít nhất một lô công khai "
            "sản xuất đến ngày cuối kỳ."
        ),
        G_BARCODES,
        Measure(products_traced, rows_counted, enterprise="enterprise"),
    ),
    _ind(
        "COURSES",
        _("Số khóa đào tạo, tập huấn"),
        _("khóa"),
        _(
            "Số khóa đào tạo, tập huấn (chưa lưu trữ) khai giảng trong kỳ; phân tổ theo đơn vị "
            "hành chính nơi tổ chức."
        ),
        G_TRAINING,
        Measure(courses_held, rows_counted, unit="admin_unit"),
    ),
    _ind(
        "TRAINEES",
        _("Số lượt học viên"),
        _("lượt người"),
        _(
            "Số lượt người đăng ký (không tính người rút tên) các khóa khai giảng trong kỳ; một "
            "người học hai khóa tính hai lượt."
        ),
        G_TRAINING,
        Measure(trainees, rows_counted, enterprise="enterprise"),
    ),
    _ind(
        "TRAINEES_COMPLETED",
        _("Số lượt học viên hoàn thành khóa học"),
        _("lượt người"),
        _("Số lượt học viên được ghi nhận hoàn thành các khóa khai giảng trong kỳ."),
        G_TRAINING,
        Measure(trainees_completed, rows_counted, enterprise="enterprise"),
    ),
    _ind(
        "TRAINED_ENTERPRISES",
        _("Số doanh nghiệp có người được đào tạo"),
        ENTERPRISES,
        _(
            "Số doanh nghiệp (mỗi doanh nghiệp tính một lần) có ít nhất một người đăng ký (không "
            "rút tên) các khóa khai giảng trong kỳ."
        ),
        G_TRAINING,
        Measure(trained_enterprises, distinct_enterprises(), enterprise="enterprise"),
    ),
    _ind(
        "EXPERTS",
        _("Số chuyên gia năng suất chất lượng của tỉnh"),
        _("người"),
        _(
            "Số thành viên đội ngũ chuyên gia vào ngày cuối kỳ: đã tham gia và được công nhận "
            "đến năm đó, chưa thôi tham gia."
        ),
        G_EXPERTS,
        Measure(experts_in_team, rows_counted),
    ),
    _ind(
        "EXPERTS_CERTIFIED",
        _("Số chuyên gia được công nhận mới"),
        _("người"),
        _(
            "Số chuyên gia có năm được công nhận trong kỳ (không tính người đã thôi tham gia "
            "trước ngày cuối kỳ)."
        ),
        G_EXPERTS,
        Measure(experts_certified, rows_counted),
    ),
    _ind(
        "SUPPORTED_ENTERPRISES",
        _("Số doanh nghiệp được hỗ trợ"),
        ENTERPRISES,
        _(
            "Số doanh nghiệp (mỗi doanh nghiệp tính một lần) có ít nhất một hoạt động hỗ trợ "
            "của Chương trình (tư vấn, đồng tài trợ chứng nhận, công cụ năng suất, đào tạo, "
            "tham quan…) có ngày hỗ trợ trong kỳ."
        ),
        G_SUPPORT,
        Measure(
            support_given,
            distinct_enterprises(),
            enterprise="enterprise",
            standard="adoption__standard_id",
        ),
    ),
    _ind(
        "SUPPORT_TURNS",
        _("Số lượt hỗ trợ doanh nghiệp"),
        _("lượt"),
        _(
            "Số hoạt động hỗ trợ có ngày hỗ trợ trong kỳ; một doanh nghiệp được hỗ trợ hai lần "
            "tính hai lượt."
        ),
        G_SUPPORT,
        Measure(
            support_given, rows_counted, enterprise="enterprise", standard="adoption__standard_id"
        ),
    ),
    _ind(
        "SUPPORT_VND",
        _("Tổng kinh phí hỗ trợ doanh nghiệp"),
        VND,
        _(
            "Tổng số tiền mọi nguồn (ngân sách các cấp, doanh nghiệp đóng góp, nguồn khác) của "
            "các hoạt động hỗ trợ có ngày hỗ trợ trong kỳ."
        ),
        G_SUPPORT,
        Measure(
            support_paid,
            amount_total,
            enterprise="activity__enterprise",
            standard="activity__adoption__standard_id",
        ),
    ),
    _ind(
        "SUPPORT_VND_STATE",
        _("Kinh phí hỗ trợ từ ngân sách nhà nước"),
        VND,
        _(
            "Tổng số tiền từ ngân sách trung ương, tỉnh, huyện và xã của các hoạt động hỗ trợ có "
            "ngày hỗ trợ trong kỳ."
        ),
        G_SUPPORT,
        Measure(
            support_paid,
            amount_total,
            enterprise="activity__enterprise",
            standard="activity__adoption__standard_id",
            where=from_sources(*STATE_BUDGET_SOURCES),
        ),
    ),
    *(_support_vnd(source) for source in FundingSource),
    _ind(
        "SUPPORTED_GROWTH",
        _("Tăng trưởng số doanh nghiệp được hỗ trợ so với năm trước"),
        "%",
        _(
            "(Số doanh nghiệp được hỗ trợ trong kỳ − số của cùng kỳ năm trước) ÷ số của cùng kỳ "
            "năm trước × 100. Chương trình quốc gia (QĐ 1322/QĐ-TTg) đặt mục tiêu tăng 10–15 % "
            "mỗi năm. Không tính được khi năm trước không có doanh nghiệp nào được hỗ trợ."
        ),
        G_OUTCOMES,
        Growth(of="SUPPORTED_ENTERPRISES"),
        places=1,
    ),
    _ind(
        "LABOUR_PRODUCTIVITY_GROWTH",
        _("Tốc độ tăng năng suất lao động của tỉnh"),
        "%",
        _("Nhập tay theo số liệu của Cục Thống kê tỉnh (không có bản ghi trong hệ thống)."),
        G_OUTCOMES,
        manual=True,
        places=1,
    ),
    _ind(
        "TFP_SHARE",
        _("Tỷ lệ đóng góp của năng suất các nhân tố tổng hợp (TFP) vào tăng trưởng"),
        "%",
        _("Nhập tay theo số liệu của Cục Thống kê tỉnh (không có bản ghi trong hệ thống)."),
        G_OUTCOMES,
        manual=True,
        places=1,
    ),
    _ind(
        "COMMUNICATION_ITEMS",
        _("Số tin, bài tuyên truyền về năng suất chất lượng"),
        _("tin, bài"),
        _(
            "Nhập tay theo báo cáo của các cơ quan báo chí, truyền thông (không có bản ghi trong "
            "hệ thống)."
        ),
        G_OUTCOMES,
        manual=True,
    ),
)
