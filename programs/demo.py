"""Demo records of the programme on the seed_demo enterprises (``seed_programs_demo``).

2022 reproduces what Lai Châu reported for the programme's own work: the expert team of that
year (six certified experts), three training courses with their trainees, and support given to
nine enterprises (consulting, co-funding certifications and productivity tools, a study tour),
against the year's plan. 2021 to 2026 follow a believable trend: the number of enterprises
supported grows by about 10–15 % a year (the national programme's target), each year has its
plan with targets (some reached, some missed, some exceeded) and the periods 2021–2025 and
2026–2030 have their targets; the figures no record backs (labour productivity growth, TFP
share, news items) are entered by hand for 2021–2025.

Running it again changes nothing: every record is found by a natural key (an expert by name, a
course by title and start, an activity by enterprise, title and date, a plan by year, a target
by indicator and period, an entered value by indicator and year). Every name is invented.
"""

import datetime
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from enterprises.models import AdministrativeUnit, Enterprise
from standards.models import Adoption

from .choices import CourseTopic, EnrollmentState, ExpertField, FundingSource, SupportKind
from .models import (
    AnnualPlan,
    CourseSession,
    Enrollment,
    Expert,
    ManualIndicatorValue,
    SupportActivity,
    SupportFunding,
    Target,
    TrainingCourse,
)
from .services_training import person_key

D = datetime.date
YEARS = range(2021, 2027)
ORGANISER = "Sở Khoa học và Công nghệ tỉnh Lai Châu"
#: Enterprises supported each year (distinct): +12,5 %, +11,1 %, +10 %, +18,2 %, +7,7 %.
SUPPORTED = {2021: 8, 2022: 9, 2023: 10, 2024: 11, 2025: 13, 2026: 14}
#: Of them, how many were supported twice in the year.
TWICE = {2021: 2, 2022: 3, 2023: 3, 2024: 4, 2025: 4, 2026: 2}

# (name, organisation, fields, year certified, joined, left)
EXPERTS = (
    ("Nguyễn Thị Thu Hà", "Chi cục Tiêu chuẩn Đo lường Chất lượng", ("standards",), 2021, None),
    ("Lò Văn Hưng", "Chi cục Tiêu chuẩn Đo lường Chất lượng", ("productivity_tools",), 2021, None),
    ("Trần Minh Tuấn", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng",
     ("measurement", "standards"), 2021, None),
    ("Vàng Thị Dung", "Sở Khoa học và Công nghệ", ("barcodes_traceability",), 2021,
     D(2024, 9, 30)),
    ("Phạm Quốc Khánh", "Công ty cổ phần Chè Than Uyên", ("productivity_tools",), 2022, None),
    ("Đỗ Thị Lan Anh", "Trường Cao đẳng Cộng đồng Lai Châu",
     ("productivity_tools", "digital_transformation"), 2022, None),
    ("Hoàng Văn Quý", "Chi cục Tiêu chuẩn Đo lường Chất lượng", ("standards",), 2023, None),
    ("Lường Thị Nga", "Sở Khoa học và Công nghệ", ("digital_transformation",), 2024, None),
    ("Bùi Đức Thắng", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng",
     ("productivity_tools",), 2024, None),
    ("Tạ Thị Hồng", "Hội Doanh nghiệp tỉnh Lai Châu", ("standards",), 2025, None),
    ("Chu Văn Lâm", "Sở Khoa học và Công nghệ", ("barcodes_traceability",), 2025, None),
)  # fmt: skip


@dataclass(frozen=True)
class DemoCourse:
    title: str
    topic: str
    starts: D
    days: int
    unit_code: str  # the unit of its time: a district before 07/2025, a commune after
    trainees: int
    cost: int


COURSES = (
    DemoCourse("Tập huấn nâng cao nhận thức về năng suất chất lượng", CourseTopic.STANDARDS,
               D(2021, 6, 15), 2, "105", 32, 45_000_000),
    DemoCourse("Tập huấn áp dụng công cụ 5S và Kaizen", CourseTopic.PRODUCTIVITY_TOOLS,
               D(2021, 10, 20), 2, "106", 28, 40_000_000),
    DemoCourse("Tập huấn áp dụng hệ thống quản lý chất lượng TCVN ISO 9001:2015",
               CourseTopic.STANDARDS, D(2022, 4, 12), 2, "105", 38, 52_000_000),
    DemoCourse("Tập huấn công cụ cải tiến năng suất (5S, Kaizen, KPI)",
               CourseTopic.PRODUCTIVITY_TOOLS, D(2022, 7, 6), 3, "110", 35, 60_000_000),
    DemoCourse("Tập huấn mã số mã vạch và truy xuất nguồn gốc sản phẩm",
               CourseTopic.BARCODES_TRACEABILITY, D(2022, 10, 18), 2, "111", 30, 48_000_000),
    DemoCourse("Tập huấn xây dựng và công bố tiêu chuẩn cơ sở", CourseTopic.STANDARDS,
               D(2023, 3, 21), 2, "105", 36, 50_000_000),
    DemoCourse("Tập huấn áp dụng Lean trong sản xuất chè", CourseTopic.PRODUCTIVITY_TOOLS,
               D(2023, 8, 8), 2, "106", 34, 55_000_000),
    DemoCourse("Tập huấn chuyển đổi số cho doanh nghiệp nhỏ và vừa",
               CourseTopic.DIGITAL_TRANSFORMATION, D(2023, 11, 14), 2, "108", 33, 50_000_000),
    DemoCourse("Đào tạo chuyên gia năng suất chất lượng cấp tỉnh", CourseTopic.EXPERTS,
               D(2024, 5, 13), 5, "105", 20, 90_000_000),
    DemoCourse("Tập huấn mã số mã vạch, truy xuất nguồn gốc nông sản",
               CourseTopic.BARCODES_TRACEABILITY, D(2024, 6, 25), 2, "109", 40, 52_000_000),
    DemoCourse("Tập huấn áp dụng VietGAP và HACCP", CourseTopic.STANDARDS,
               D(2024, 9, 10), 2, "107", 37, 50_000_000),
    DemoCourse("Tập huấn công cụ 5S cho hợp tác xã", CourseTopic.PRODUCTIVITY_TOOLS,
               D(2024, 11, 5), 2, "112", 35, 45_000_000),
    DemoCourse("Tập huấn năng suất xanh và sản xuất sạch hơn",
               CourseTopic.PRODUCTIVITY_TOOLS, D(2025, 4, 22), 2, "105", 39, 55_000_000),
    DemoCourse("Tập huấn sở hữu trí tuệ và nhãn hiệu sản phẩm OCOP",
               CourseTopic.INTELLECTUAL_PROPERTY, D(2025, 6, 10), 2, "110", 36, 50_000_000),
    DemoCourse("Tập huấn truy xuất nguồn gốc theo Thông tư 02/2024/TT-BKHCN",
               CourseTopic.BARCODES_TRACEABILITY, D(2025, 9, 16), 2, "03408", 42, 58_000_000),
    DemoCourse("Tập huấn chuyển đổi số trong quản lý chất lượng",
               CourseTopic.DIGITAL_TRANSFORMATION, D(2025, 11, 25), 2, "03595", 40, 56_000_000),
    DemoCourse("Tập huấn áp dụng TCVN ISO 9001:2015 cho cơ quan, doanh nghiệp",
               CourseTopic.STANDARDS, D(2026, 4, 14), 2, "03408", 41, 60_000_000),
    DemoCourse("Tập huấn công cụ Kaizen và KPI", CourseTopic.PRODUCTIVITY_TOOLS,
               D(2026, 8, 18), 2, "03598", 38, 55_000_000),
)  # fmt: skip

# Targets of each year's plan (indicator → value) and of the two periods.
YEAR_TARGETS: dict[int, dict[str, int]] = {
    2021: {"SUPPORTED_ENTERPRISES": 8, "SUPPORT_TURNS": 10, "COURSES": 2, "TRAINEES": 60,
           "EXPERTS": 4, "ENT_SYSTEM_APPLYING": 6, "ENT_TOOL_APPLYING": 4},
    2022: {"SUPPORTED_ENTERPRISES": 10, "SUPPORT_TURNS": 12, "COURSES": 3, "TRAINEES": 100,
           "EXPERTS": 6, "ENT_SYSTEM_APPLYING": 8, "ENT_TOOL_APPLYING": 5, "ENT_CERTIFIED": 8,
           "DECL_ESTABLISHMENTS": 25, "DECL_PRODUCTS": 40, "SUPPORTED_GROWTH": 10},
    2023: {"SUPPORTED_ENTERPRISES": 10, "SUPPORT_TURNS": 13, "COURSES": 3, "TRAINEES": 100,
           "EXPERTS": 7, "ENT_SYSTEM_APPLYING": 9, "ENT_CERTIFIED": 9, "SUPPORTED_GROWTH": 10},
    2024: {"SUPPORTED_ENTERPRISES": 12, "SUPPORT_TURNS": 15, "COURSES": 4, "TRAINEES": 130,
           "EXPERTS": 9, "ENT_SYSTEM_APPLYING": 10, "ENT_CERTIFIED": 10, "SUPPORTED_GROWTH": 10},
    2025: {"SUPPORTED_ENTERPRISES": 12, "SUPPORT_TURNS": 16, "COURSES": 4, "TRAINEES": 140,
           "EXPERTS": 10, "ENT_SYSTEM_APPLYING": 10, "ENT_CERTIFIED": 10, "SUPPORTED_GROWTH": 10,
           "LABOUR_PRODUCTIVITY_GROWTH": 6},
    2026: {"SUPPORTED_ENTERPRISES": 15, "SUPPORT_TURNS": 18, "COURSES": 4, "TRAINEES": 150,
           "EXPERTS": 11, "ENT_SYSTEM_APPLYING": 11, "ENT_CERTIFIED": 11, "SUPPORTED_GROWTH": 10,
           "LABOUR_PRODUCTIVITY_GROWTH": 6},
}  # fmt: skip
PERIOD_TARGETS: dict[tuple[int, int], dict[str, int]] = {
    (2021, 2025): {"SUPPORTED_ENTERPRISES": 30, "COURSES": 15, "TRAINEES": 500, "EXPERTS": 10,
                   "ENT_SYSTEM_APPLYING": 10, "ENT_TOOL_APPLYING": 8, "GS1_PREFIXES": 20},
    (2026, 2030): {"SUPPORTED_ENTERPRISES": 45, "COURSES": 20, "TRAINEES": 750, "EXPERTS": 15,
                   "ENT_SYSTEM_APPLYING": 20, "ENT_TOOL_APPLYING": 15, "GS1_PREFIXES": 35},
}  # fmt: skip
# (labour productivity growth %, TFP share %, news items) by year, as the statistics office
# and the press reported them.
ENTERED = {
    2021: (Decimal("3.8"), Decimal("32.5"), 18),
    2022: (Decimal("5.9"), Decimal("35.1"), 24),
    2023: (Decimal("6.1"), Decimal("36.4"), 27),
    2024: (Decimal("6.4"), Decimal("38.0"), 31),
    2025: (Decimal("6.3"), Decimal("39.2"), 35),
}
PLAN_NUMBERS = {2021: 38, 2022: 52, 2023: 41, 2024: 47, 2025: 55, 2026: 36}

SURNAMES = ("Nguyễn", "Lò", "Trần", "Vàng", "Lường", "Hoàng", "Tao", "Phạm", "Sùng", "Giàng")
MIDDLES = ("Văn", "Thị", "Đức", "Thị Thu", "Minh", "Văn", "Thị Hồng", "Quang")
GIVEN = ("An", "Bình", "Chung", "Dung", "Hà", "Hùng", "Hương", "Lan", "Mai", "Nam", "Pâng",
         "Quyết", "Sơn", "Thắng", "Thủy", "Tuấn", "Xuân", "Yến")  # fmt: skip

# What the programme gave, in turn (kind, title, {source: share of the amount}, amount).
SUPPORT_KINDS = (
    (SupportKind.CONSULTING, "Tư vấn áp dụng công cụ 5S",
     {FundingSource.PROVINCIAL_BUDGET: 7, FundingSource.ENTERPRISE: 3}, 40_000_000),
    (SupportKind.CERTIFICATION, "Hỗ trợ xây dựng và chứng nhận hệ thống quản lý",
     {FundingSource.CENTRAL_BUDGET: 5, FundingSource.PROVINCIAL_BUDGET: 2,
      FundingSource.ENTERPRISE: 3}, 120_000_000),
    (SupportKind.PRODUCTIVITY_TOOL, "Hỗ trợ áp dụng Kaizen và KPI",
     {FundingSource.PROVINCIAL_BUDGET: 6, FundingSource.ENTERPRISE: 4}, 60_000_000),
    (SupportKind.BARCODES_TRACEABILITY, "Hỗ trợ đăng ký mã số mã vạch, tem truy xuất",
     {FundingSource.PROVINCIAL_BUDGET: 5, FundingSource.LOCAL_BUDGET: 2,
      FundingSource.ENTERPRISE: 3}, 25_000_000),
    (SupportKind.STUDY_TOUR, "Tham quan học tập mô hình năng suất tại Hà Nội",
     {FundingSource.PROVINCIAL_BUDGET: 8, FundingSource.OTHER: 2}, 15_000_000),
    (SupportKind.DIGITAL_TOOLS, "Hỗ trợ phần mềm quản lý sản xuất",
     {FundingSource.CENTRAL_BUDGET: 4, FundingSource.PROVINCIAL_BUDGET: 3,
      FundingSource.ENTERPRISE: 3}, 50_000_000),
)  # fmt: skip


@dataclass
class Result:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in self.created.items()) or "không có gì mới"
        return f"Dữ liệu mẫu Chương trình: thêm mới {parts}."


def seed_programs_demo(*, officer) -> Result:
    """Add what is missing of the demo experts, courses, support, plans and targets."""
    result = Result()
    enterprises = list(Enterprise.objects.filter(is_archived=False).order_by("pk"))
    _experts(result)
    _courses(enterprises, officer, result)
    if enterprises:
        _support(enterprises, officer, result)
    _plans(officer, result)
    _entered(officer, result)
    return result


def _experts(result: Result) -> None:
    for name, organisation, fields, year, left in EXPERTS:
        _, created = Expert.objects.get_or_create(
            full_name=name,
            defaults={
                "organisation": organisation,
                "fields": [ExpertField(f).value for f in fields],
                "qualifications": "Chứng chỉ chuyên gia năng suất chất lượng (Viện Năng suất "
                "Việt Nam cấp)",
                "certified_year": year,
                "joined_on": D(year, 3, 1),
                "left_on": left,
                "is_active": left is None,
            },
        )
        result.add("chuyên gia", created)


def _unit(code: str):
    """The unit with ``code``, the newest when the code was reused."""
    return (
        AdministrativeUnit.objects.filter(code=code)
        .order_by(F("valid_from").desc(nulls_last=True))
        .first()
    )


def _courses(enterprises, officer, result: Result) -> None:
    for n, course in enumerate(COURSES):
        found = TrainingCourse.objects.filter(title=course.title, starts_on=course.starts).first()
        if found is not None:
            continue
        ends = course.starts + datetime.timedelta(days=course.days - 1)
        made = TrainingCourse.objects.create(
            title=course.title,
            topic=course.topic,
            starts_on=course.starts,
            ends_on=ends,
            place="Hội trường " + ("Sở Khoa học và Công nghệ" if n % 2 else "UBND"),
            admin_unit=_unit(course.unit_code),
            organiser=ORGANISER,
            trainers="ThS. Nguyễn Văn Thành (Viện Năng suất Việt Nam)",
            capacity=course.trainees + 10,
            cost=course.cost,
            cost_source=FundingSource.PROVINCIAL_BUDGET,
            enrolment_open=False,
        )
        CourseSession.objects.bulk_create(
            CourseSession(course=made, day=course.starts + datetime.timedelta(days=i))
            for i in range(course.days)
        )
        Enrollment.objects.bulk_create(_trainees(made, n, course.trainees, enterprises, officer))
        result.add("khóa đào tạo")
        result.add("học viên", course.trainees)


def _trainees(course, n: int, count: int, enterprises, officer):
    for i in range(count):
        name = (
            f"{SURNAMES[(n + i) % len(SURNAMES)]} {MIDDLES[(i * 3 + n) % len(MIDDLES)]} "
            f"{GIVEN[(i * 7 + n * 5) % len(GIVEN)]}"
        )
        phone = f"09{zlib.crc32(f'{n}-{i}'.encode()) % 100_000_000:08d}"
        # Three in four come from an enterprise; one in ten did not complete.
        enterprise = enterprises[(n * 7 + i) % len(enterprises)] if enterprises and i % 4 else None
        done = i % 10 != 9
        yield Enrollment(
            course=course,
            enterprise=enterprise,
            full_name=name,
            phone=phone,
            person_key=person_key(name, phone),
            state=EnrollmentState.COMPLETED if done else EnrollmentState.NOT_COMPLETED,
            completed_on=course.ends_on if done else None,
            completion_number=f"{i + 1:03d}/{course.starts_on.year}/K{n + 1}" if done else "",
            enrolled_by=officer,
        )


def _support(enterprises, officer, result: Result) -> None:
    for y, year in enumerate(YEARS):
        count = SUPPORTED[year]
        # A window moving through the enterprises: some supported again, some new each year.
        chosen = [enterprises[(y * 5 + k) % len(enterprises)] for k in range(count)]
        turns = [(e, 0) for e in chosen] + [(e, 1) for e in chosen[: TWICE[year]]]
        for t, (enterprise, second) in enumerate(turns):
            kind, title, shares, amount = SUPPORT_KINDS[(y + t) % len(SUPPORT_KINDS)]
            day = D(year, 3 + (t * 2 + second * 5) % 9, 5 + (t * 3) % 20)
            title = f"{title} ({year})"
            if SupportActivity.objects.filter(
                enterprise=enterprise, title=title, provided_on=day
            ).exists():
                continue
            adoption = None
            if kind == SupportKind.CERTIFICATION:
                adoption = Adoption.objects.filter(enterprise=enterprise, is_archived=False).first()
            activity = SupportActivity(
                enterprise=enterprise,
                kind=kind,
                title=title,
                provided_on=day,
                adoption=adoption,
                decision_number=f"{100 + y * 20 + t}/QĐ-SKHCN",
                decision_date=day - datetime.timedelta(days=20),
            )
            activity._history_user = officer
            activity.save()
            total = sum(shares.values())
            SupportFunding.objects.bulk_create(
                SupportFunding(activity=activity, source=source, amount=amount * part // total)
                for source, part in shares.items()
            )
            result.add("lượt hỗ trợ")


def _plans(officer, result: Result) -> None:
    for year in YEARS:
        plan, created = AnnualPlan.objects.get_or_create(
            year=year,
            defaults={
                "title": f"Kế hoạch thực hiện Chương trình năng suất chất lượng năm {year}",
                "document_number": f"{PLAN_NUMBERS[year]}/KH-UBND",
                "document_date": D(year, 1, 20 + year % 7),
            },
        )
        result.add("kế hoạch năm", created)
        for code, value in YEAR_TARGETS[year].items():
            _target(code, year, year, value, plan, result)
    for (first, last), targets in PERIOD_TARGETS.items():
        for code, value in targets.items():
            _target(code, first, last, value, None, result)


def _target(code: str, first: int, last: int, value: int, plan, result: Result) -> None:
    _, created = Target.objects.get_or_create(
        indicator=code,
        first_year=first,
        last_year=last,
        defaults={"value": value, "plan": plan},
    )
    result.add("chỉ tiêu", created)


def _entered(officer, result: Result) -> None:
    codes = ("LABOUR_PRODUCTIVITY_GROWTH", "TFP_SHARE", "COMMUNICATION_ITEMS")
    sources = (
        "Cục Thống kê tỉnh Lai Châu",
        "Cục Thống kê tỉnh Lai Châu",
        "Báo Lai Châu, Đài Phát thanh và Truyền hình tỉnh",
    )
    for year, values in ENTERED.items():
        for code, value, source in zip(codes, values, sources, strict=True):
            _, created = ManualIndicatorValue.objects.get_or_create(
                indicator=code,
                year=year,
                defaults={"value": value, "source": source, "entered_by": officer},
            )
            result.add("số liệu nhập tay", created)
