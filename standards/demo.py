"""Demo adoptions and certificates on the seed_demo enterprises (``seed_standards_demo``).

They make 2022 say what Lai Châu reported: exactly two enterprises with a TCVN ISO 9001:2015
certificate valid on 31/12/2022, both certified before 2022 ("kept applying"), and adopters of
ISO 22000, VietGAP (TCVN 11892-1:2017), Rainforest Alliance and HACCP, and of productivity tools
(5S, Kaizen, KPI, Lean). Around them, 2021 and 2023–2026 as a province would see them:
renewals, a lapse, a suspension lifted, a withdrawal, a certificate expiring within 90 days of
the day the demo is seeded and one whose surveillance audit is overdue (both computed from that
day, so they stay true on a fresh seed).

Certificates are made the way the services make them: their events, then ``derivation.rebuild``.
Running it again changes nothing: a certificate is found by its body and number, an adoption by
its enterprise and standard. Every certificate number is invented for the demo.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from enterprises.models import Enterprise
from laichau_nsc import jobs

from . import derivation
from .choices import AdoptionStatus, CertificateEventKind, ReviewState, StandardKind
from .models import Adoption, Certificate, CertificateEvent, CertificationBody, Standard
from .reminders import certificate_reminders_send

D = datetime.date
Event = CertificateEventKind

# The catalogue rows the demo (and generate_synthetic) needs, with the values of the shared
# ``standards_catalogue.csv``; ``load_standards`` loads the whole catalogue when it is there.
CATALOGUE: dict[str, tuple[str, str, bool, int | None]] = {
    "TCVN ISO 9001:2015": (
        "Hệ thống quản lý chất lượng – Các yêu cầu",
        StandardKind.MANAGEMENT_SYSTEM,
        True,
        36,
    ),
    "ISO 14001:2015": (
        "Hệ thống quản lý môi trường – Các yêu cầu và hướng dẫn sử dụng",
        StandardKind.MANAGEMENT_SYSTEM,
        True,
        36,
    ),
    "ISO 22000:2018": (
        "Hệ thống quản lý an toàn thực phẩm – Yêu cầu đối với các tổ chức trong chuỗi thực phẩm",
        StandardKind.MANAGEMENT_SYSTEM,
        True,
        36,
    ),
    "ISO 45001:2018": (
        "Hệ thống quản lý an toàn và sức khỏe nghề nghiệp – Các yêu cầu và hướng dẫn sử dụng",
        StandardKind.MANAGEMENT_SYSTEM,
        True,
        36,
    ),
    "FSSC 22000": (
        "Chương trình chứng nhận hệ thống an toàn thực phẩm FSSC 22000",
        StandardKind.SCHEME,
        True,
        36,
    ),
    "HACCP": (
        "Hệ thống phân tích mối nguy và điểm kiểm soát tới hạn (HACCP)",
        StandardKind.SCHEME,
        True,
        None,
    ),
    "TCVN 11892-1:2017": (
        "Thực hành nông nghiệp tốt (VietGAP) – Phần 1: Trồng trọt",
        StandardKind.SCHEME,
        True,
        24,
    ),
    "GLOBALG.A.P.": (
        "Thực hành nông nghiệp tốt toàn cầu (GLOBALG.A.P.)",
        StandardKind.SCHEME,
        True,
        12,
    ),
    "Rainforest Alliance 2020": (
        "Tiêu chuẩn Nông nghiệp bền vững 2020 của Rainforest Alliance",
        StandardKind.SCHEME,
        True,
        36,
    ),
    "TCVN 11041-6:2018": (
        "Nông nghiệp hữu cơ – Phần 6: Chè hữu cơ",
        StandardKind.SCHEME,
        True,
        None,
    ),
    "5S": (
        "5S (Sàng lọc – Sắp xếp – Sạch sẽ – Săn sóc – Sẵn sàng)",
        StandardKind.PRODUCTIVITY_TOOL,
        False,
        None,
    ),
    "Kaizen": ("Kaizen (cải tiến liên tục)", StandardKind.PRODUCTIVITY_TOOL, False, None),
    "Lean": ("Lean (sản xuất tinh gọn)", StandardKind.PRODUCTIVITY_TOOL, False, None),
    "KPI": ("KPI (chỉ số đo lường hiệu suất)", StandardKind.PRODUCTIVITY_TOOL, False, None),
}

ISO_9001 = "TCVN ISO 9001:2015"
ISO_22000 = "ISO 22000:2018"
VIETGAP = "TCVN 11892-1:2017"
RA = "Rainforest Alliance 2020"

# Certification bodies: name, acronym, accredited by.
QUACERT = ("Trung tâm Chứng nhận Phù hợp", "QUACERT", "BoA (VICAS)")
VINACERT = ("Công ty Cổ phần Chứng nhận và Giám định Vinacert", "VINACERT", "BoA (VICAS)")
CONTROL_UNION = ("Công ty TNHH Control Union Việt Nam", "CU", "Rainforest Alliance")
BODIES = (QUACERT, VINACERT, CONTROL_UNION)

# Demo enterprises by name (as seed_demo creates them).
TEA_A = "Công ty cổ phần Chè Tam Đường"  # doanhnghiep
COOP_B = "Hợp tác xã Nông nghiệp Tân Uyên"  # doanhnghiep2
TEA_THAN_UYEN = "Công ty cổ phần Chè Than Uyên"
TEA_TAN_UYEN = "Công ty cổ phần Trà Tân Uyên"
WATER = "Công ty cổ phần Nước khoáng Vàng Bó"
BUILDER = "Công ty cổ phần Xây dựng và Thương mại Lai Châu"
VEGETABLES = "Hợp tác xã Rau an toàn Bình Lư"
SHAN_TEA = "Hợp tác xã Chè Shan tuyết Khun Há"
TEA_MUONG_KHOA = "Công ty TNHH Chè Mường Khoa"
SPIRITS = "Công ty cổ phần Rượu Tây Bắc Lai Châu"
STURGEON = "Công ty TNHH Cá tầm Bản Chát"
CONCRETE = "Công ty cổ phần Bê tông Tân Phong"
NOODLES = "Công ty TNHH Miến dong Bình Lư"
TEA_SON_BINH = "Công ty TNHH Chè Sơn Bình"


@dataclass(frozen=True)
class DemoCertificate:
    enterprise: str
    standard: str
    body: tuple[str, str, str]
    number: str
    scope: str
    issued: D
    months: int
    #: Later events: (kind, date) or (kind, date, months of the new period) for a renewal.
    events: tuple = ()
    #: Annual surveillance audits are added until the next renewal (or today), unless False.
    audits: bool = True
    adoption_status: str = AdoptionStatus.MAINTAINED


@dataclass(frozen=True)
class DemoAdoption:
    enterprise: str
    standard: str
    status: str
    started: D
    supported: bool = False
    note: str = ""
    ended: D | None = None


@dataclass
class Result:
    adoptions: int = 0
    certificates: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"Áp dụng tiêu chuẩn mẫu: thêm mới {self.adoptions}; "
            f"chứng chỉ mẫu: thêm mới {self.certificates}."
        )
        if self.skipped:
            text += f" Bỏ qua (không có doanh nghiệp): {', '.join(sorted(set(self.skipped)))}."
        return text


def certificates(today: D) -> tuple[DemoCertificate, ...]:
    # Expiring 45 days after the seeding day: it shows in the "expiring within 90 days" list
    # and gets its 90-day reminder.
    expiring_issue = derivation.add_months(today + datetime.timedelta(days=46), -36)
    # Issued 14 months before the seeding day, never audited since: surveillance is overdue.
    unaudited_issue = derivation.add_months(today, -14)
    return (
        # The two ISO 9001 holders of 2022, both certified before 2022.
        DemoCertificate(
            TEA_A, ISO_9001, QUACERT, "HT 2631/1.19.13",
            "Sản xuất, chế biến và kinh doanh chè xanh, chè đen", D(2019, 6, 10), 36,
            ((Event.RENEWED, D(2022, 5, 25), 36), (Event.RENEWED, D(2025, 5, 15), 36)),
        ),
        DemoCertificate(
            TEA_THAN_UYEN, ISO_9001, VINACERT, "VICB 1187/QMS",
            "Trồng, chế biến chè búp tươi và chè thành phẩm", D(2020, 11, 16), 36,
            ((Event.RENEWED, D(2023, 11, 1), 36), (Event.RENEWED, D(2026, 10, 20), 36)),
        ),
        # ISO 9001 elsewhere, none valid on 31/12/2022: certified later, lapsed, withdrawn.
        DemoCertificate(
            TEA_TAN_UYEN, ISO_9001, QUACERT, "HT 3318/2.23.13",
            "Chế biến chè Ô long và chè xanh", D(2023, 3, 15), 36,
            adoption_status=AdoptionStatus.LAPSED,
        ),
        DemoCertificate(
            WATER, ISO_9001, QUACERT, "HT 1905/1.18.13",
            "Khai thác và đóng chai nước khoáng thiên nhiên", D(2018, 4, 2), 36,
            ((Event.WITHDRAWN, D(2020, 9, 15)),), adoption_status=AdoptionStatus.WITHDRAWN,
        ),
        DemoCertificate(
            BUILDER, ISO_9001, VINACERT, "VICB 2204/QMS",
            "Thi công xây dựng công trình dân dụng, giao thông, thủy lợi", D(2023, 8, 21), 36,
            ((Event.RENEWED, D(2026, 8, 10), 36),),
        ),
        # ISO 22000: a suspension lifted, renewals, and one expiring soon (doanhnghiep's).
        DemoCertificate(
            TEA_THAN_UYEN, ISO_22000, VINACERT, "VICB 0962/FSMS",
            "Chế biến chè đen, chè xanh đóng gói", D(2021, 3, 22), 36,
            (
                (Event.SUSPENDED, D(2023, 4, 10)),
                (Event.REINSTATED, D(2023, 6, 5)),
                (Event.RENEWED, D(2024, 3, 10), 36),
            ),
        ),
        DemoCertificate(
            WATER, ISO_22000, QUACERT, "HT 2755/2.21.22",
            "Sản xuất nước khoáng thiên nhiên đóng chai", D(2021, 10, 11), 36,
            ((Event.RENEWED, D(2024, 10, 1), 36),),
        ),
        DemoCertificate(
            TEA_A, ISO_22000, QUACERT, "HT 3790/2.24.22",
            "Chế biến và đóng gói chè xanh Tam Đường", expiring_issue, 36,
        ),
        # VietGAP (crops): a lapse, renewals, and doanhnghiep2's two certificates.
        DemoCertificate(
            COOP_B, VIETGAP, VINACERT, "VICB 0421/VG-TT",
            "Sản xuất chè búp tươi theo VietGAP, 35 ha", D(2021, 5, 10), 24,
            ((Event.RENEWED, D(2023, 4, 25), 24), (Event.RENEWED, D(2025, 4, 15), 24)),
        ),
        DemoCertificate(
            COOP_B, VIETGAP, QUACERT, "HT 4012/VG-TT",
            "Sản xuất rau cải và su hào theo VietGAP, 6 ha", unaudited_issue, 24, audits=False,
        ),
        DemoCertificate(
            VEGETABLES, VIETGAP, VINACERT, "VICB 0388/VG-TT",
            "Sản xuất rau an toàn theo VietGAP, 4,5 ha", D(2020, 9, 1), 24,
            ((Event.RENEWED, D(2022, 8, 20), 24),), adoption_status=AdoptionStatus.LAPSED,
        ),
        DemoCertificate(
            SHAN_TEA, VIETGAP, VINACERT, "VICB 0517/VG-TT",
            "Sản xuất chè Shan tuyết búp tươi theo VietGAP, 18 ha", D(2022, 3, 14), 24,
            ((Event.RENEWED, D(2024, 3, 1), 24), (Event.RENEWED, D(2026, 2, 20), 24)),
        ),
        # Rainforest Alliance.
        DemoCertificate(
            TEA_MUONG_KHOA, RA, CONTROL_UNION, "RA-CU-863201",
            "Trồng và chế biến chè theo Tiêu chuẩn Nông nghiệp bền vững 2020", D(2021, 9, 6), 36,
            ((Event.RENEWED, D(2024, 8, 26), 36),),
        ),
        DemoCertificate(
            TEA_THAN_UYEN, RA, CONTROL_UNION, "RA-CU-871455",
            "Vùng nguyên liệu chè Than Uyên, 220 ha", D(2022, 7, 1), 36,
            ((Event.RENEWED, D(2025, 6, 20), 36),),
        ),
        # HACCP.
        DemoCertificate(
            SPIRITS, "HACCP", QUACERT, "HT 2961/HACCP",
            "Sản xuất rượu ngô, rượu táo mèo đóng chai", D(2022, 2, 21), 36,
            ((Event.RENEWED, D(2025, 2, 10), 36),),
        ),
        DemoCertificate(
            STURGEON, "HACCP", VINACERT, "VICB 1133/HACCP",
            "Sơ chế, đóng gói cá tầm, cá hồi tươi", D(2021, 8, 2), 36,
            ((Event.RENEWED, D(2024, 7, 20), 36),),
        ),
    )  # fmt: skip


ADOPTIONS = (
    DemoAdoption(TEA_A, "5S", AdoptionStatus.MAINTAINED, D(2021, 4, 1), True,
                 "Hỗ trợ tư vấn áp dụng 5S tại xưởng chế biến (Kế hoạch năm 2021)."),
    DemoAdoption(TEA_A, "Kaizen", AdoptionStatus.PLANNED, D(2027, 1, 1)),
    DemoAdoption(CONCRETE, "5S", AdoptionStatus.APPLIED, D(2021, 9, 1), True,
                 "Hỗ trợ đào tạo và đánh giá 5S (Kế hoạch năm 2021)."),
    DemoAdoption(CONCRETE, "KPI", AdoptionStatus.APPLIED, D(2022, 3, 1)),
    DemoAdoption(CONCRETE, "Lean", AdoptionStatus.IMPLEMENTING, D(2024, 6, 1), True),
    DemoAdoption(BUILDER, "5S", AdoptionStatus.APPLIED, D(2020, 5, 1)),
    DemoAdoption(NOODLES, "5S", AdoptionStatus.APPLIED, D(2022, 4, 15), True,
                 "Hỗ trợ áp dụng 5S cho cơ sở chế biến miến dong (Kế hoạch năm 2022)."),
    DemoAdoption(TEA_THAN_UYEN, "Kaizen", AdoptionStatus.MAINTAINED, D(2021, 1, 1), True),
    DemoAdoption(TEA_SON_BINH, "Kaizen", AdoptionStatus.APPLIED, D(2023, 5, 1)),
    DemoAdoption(TEA_SON_BINH, "5S", AdoptionStatus.WITHDRAWN, D(2019, 3, 1),
                 ended=D(2021, 12, 31)),
    DemoAdoption(SHAN_TEA, "TCVN 11041-6:2018", AdoptionStatus.IMPLEMENTING, D(2025, 3, 1), True,
                 "Xây dựng vùng chè Shan tuyết hữu cơ, dự kiến đánh giá chứng nhận năm 2027."),
    DemoAdoption(COOP_B, "5S", AdoptionStatus.PLANNED, D(2027, 3, 1)),
)  # fmt: skip


def ensure_standards(codes=None) -> dict[str, Standard]:
    """The catalogue rows named in ``codes`` (all of ``CATALOGUE`` by default), created with the
    shared CSV's values when missing; existing rows are left as the officers keep them."""
    wanted = list(codes or CATALOGUE)
    found = {s.code: s for s in Standard.objects.filter(code__in=wanted)}
    for code in wanted:
        if code not in found:
            title, kind, certified, months = CATALOGUE[code]
            standard = Standard(
                code=code,
                title=title,
                kind=kind,
                third_party_certified=certified,
                validity_months=months,
            )
            standard.full_clean()
            standard.save()
            found[code] = standard
    return found


def ensure_bodies() -> dict[str, CertificationBody]:
    bodies = {}
    for name, acronym, accredited_by in BODIES:
        body, _ = CertificationBody.objects.get_or_create(
            name=name,
            defaults={"acronym": acronym, "accredited": True, "accredited_by": accredited_by},
        )
        bodies[name] = body
    return bodies


def seed_standards_demo(*, officer, today: D | None = None) -> Result:
    """Add what is missing of the demo adoptions and certificates (see the module docstring)."""
    today = today or timezone.localdate()
    standards = ensure_standards()
    bodies = ensure_bodies()
    names = {c.enterprise for c in certificates(today)} | {a.enterprise for a in ADOPTIONS}
    enterprises = {e.name: e for e in Enterprise.objects.filter(name__in=names)}
    result = Result()
    for plan in ADOPTIONS:
        enterprise = enterprises.get(plan.enterprise)
        if enterprise is None:
            result.skipped.append(plan.enterprise)
            continue
        _adoption(enterprise, standards[plan.standard], plan, officer, result)
    for plan in certificates(today):
        enterprise = enterprises.get(plan.enterprise)
        if enterprise is None:
            result.skipped.append(plan.enterprise)
            continue
        _certificate(enterprise, standards[plan.standard], bodies[plan.body[0]], plan, officer,
                     today, result)  # fmt: skip
    # As if the nightly job had run on the seeding day (`make run` has no celery beat): the
    # demo users find their reminders in the bell. Once a day, like the nightly job.
    jobs.submit_daily(certificate_reminders_send, day=today)
    return result


def _adoption(enterprise, standard, plan: DemoAdoption, officer, result: Result) -> Adoption:
    existing = Adoption.objects.filter(
        enterprise=enterprise, standard=standard, is_archived=False
    ).first()
    if existing is not None:
        return existing
    adoption = Adoption(
        enterprise=enterprise,
        standard=standard,
        status=plan.status,
        started_on=plan.started,
        ended_on=plan.ended,
        programme_supported=plan.supported,
        support_note=plan.note,
        review_state=ReviewState.VERIFIED,
        reviewed_by=officer,
        reviewed_at=timezone.now(),
    )
    adoption.full_clean()
    adoption._history_user = officer
    adoption.save()
    result.adoptions += 1
    return adoption


def _certificate(enterprise, standard, body, plan: DemoCertificate, officer, today, result):
    if Certificate.objects.filter(body=body, number=plan.number).exists():
        return
    periods = _periods(plan)
    last_end = periods[-1][1]
    ended = plan.adoption_status in (AdoptionStatus.LAPSED, AdoptionStatus.WITHDRAWN)
    adoption = _adoption(
        enterprise,
        standard,
        DemoAdoption(
            plan.enterprise,
            plan.standard,
            plan.adoption_status,
            plan.issued - datetime.timedelta(days=180),
            ended=_end_of(plan, last_end) if ended else None,
        ),
        officer,
        result,
    )
    certificate = Certificate(
        enterprise=enterprise,
        standard=standard,
        adoption=adoption,
        number=plan.number,
        body=body,
        scope=plan.scope,
        sites=enterprise.address,
        first_issued_on=plan.issued,
        issued_on=plan.issued,
        expires_on=periods[0][1],
        review_state=ReviewState.VERIFIED,
        reviewed_by=officer,
        reviewed_at=timezone.now(),
    )
    certificate.full_clean()
    certificate._history_user = officer
    certificate.save()
    events = [(Event.ISSUED, plan.issued, periods[0][1])]
    for event in plan.events:
        kind, day = event[0], event[1]
        expires = next((end for start, end in periods if start == day), None)
        events.append((kind, day, expires if kind == Event.RENEWED else None))
    if plan.audits:
        events += [(Event.SURVEILLANCE_PASSED, day, None) for day in _audits(periods, plan)]
    CertificateEvent.objects.bulk_create(
        CertificateEvent(
            certificate=certificate, kind=kind, happened_on=day, expires_on=expires,
            recorded_by=officer,
        )
        for kind, day, expires in events
        if day <= today  # nothing the seeding day has not seen yet
    )  # fmt: skip
    derivation.rebuild(certificate)
    result.certificates += 1


def _periods(plan: DemoCertificate) -> list[tuple[D, D]]:
    """(issue, expiry) of the issue and each renewal."""
    starts = [(plan.issued, plan.months)] + [
        (event[1], event[2]) for event in plan.events if event[0] == Event.RENEWED
    ]
    return [
        (start, derivation.add_months(start, months) - datetime.timedelta(days=1))
        for start, months in starts
    ]


def _end_of(plan: DemoCertificate, last_end: D) -> D:
    withdrawn = [event[1] for event in plan.events if event[0] == Event.WITHDRAWN]
    return withdrawn[0] if withdrawn else last_end


def _audits(periods: list[tuple[D, D]], plan: DemoCertificate) -> list[D]:
    """A surveillance audit passed a week before each anniversary of an issue, until the next
    renewal or the withdrawal."""
    stop = min([e[1] for e in plan.events if e[0] == Event.WITHDRAWN], default=D.max)
    days = []
    for index, (start, end) in enumerate(periods):
        until = min(periods[index + 1][0] if index + 1 < len(periods) else end, stop)
        year = 1
        while (day := derivation.add_months(start, 12 * year) - datetime.timedelta(days=7)) < until:
            days.append(day)
            year += 1
    return days
