"""Every indicator on hand-built records whose answers are known: an enterprise that moved
from a district to a merged commune, one known only by its current commune, a certificate that
lapsed mid-year, one withdrawn mid-year, records archived later, hand-entered values, targets."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Sector, SectorCrosswalk, UnitAssignment, UnitOrigin
from programs.choices import EnrollmentState
from programs.indicators import (
    BREAKDOWNS,
    Period,
    all_indicators,
    get,
    period_table,
    snapshot,
    year_table,
)
from programs.indicators.base import Measure
from programs.indicators.compute import _computed, figures
from programs.models import AnnualPlan, ManualIndicatorValue, Target
from standards.choices import CertificateEventKind, DeclarationState, StandardKind
from standards.models import Declaration
from tests.enterprises.factories import AdministrativeUnitFactory, EnterpriseFactory
from tests.programs.indicator_factories import (
    CENTRAL,
    ENTERPRISE,
    PROVINCIAL,
    IndicatorExpertFactory,
    IndicatorSupportFactory,
)
from tests.programs.training_factories import CourseFactory, EnrollmentFactory
from tests.standards.factories import (
    AdoptionFactory,
    CertificateFactory,
    StandardFactory,
    ToolFactory,
)
from tests.standards.factories_products import BarcodeRegistrationFactory, ProductFactory
from tests.standards.factories_traceability import InForceDeclarationFactory, LotFactory

D = datetime.date
GROUPING = connection.vendor == "postgresql"
pytestmark = pytest.mark.django_db


def values(year: int, **kwargs) -> dict:
    return {row.code: row.value for row in year_table(year, **kwargs)}


def breakdown(year: int, by: str, code: str) -> dict:
    row = next(r for r in year_table(year, by=by, codes=[code]))
    return {label: value for _key, label, value in row.breakdown}


@pytest.fixture
def world():
    """Two districts until 30/06/2025 and the communes formed from them on 01/07/2025."""
    w = type("World", (), {})()
    end, start = D(2025, 6, 30), D(2025, 7, 1)
    w.d1 = AdministrativeUnitFactory(
        code="105", name="Huyện Một", level="district", valid_from=None, valid_to=end
    )
    w.d2 = AdministrativeUnitFactory(
        code="106", name="Huyện Hai", level="district", valid_from=None, valid_to=end
    )
    w.old_commune = AdministrativeUnitFactory(
        code="03001", name="Xã Cũ", level="commune", parent=w.d1, valid_from=None, valid_to=end
    )
    w.n1 = AdministrativeUnitFactory(code="03400", name="Xã Mới Một", valid_from=start)
    w.n2 = AdministrativeUnitFactory(code="03500", name="Xã Mới Hai", valid_from=start)
    UnitOrigin.objects.create(successor=w.n1, predecessor=w.d1)
    UnitOrigin.objects.create(successor=w.n2, predecessor=w.d2)
    sec18 = Sector.objects.create(version="VSIC2018", code="C", level="section", name="Chế biến")
    sec25 = Sector.objects.create(version="VSIC2025", code="C", level="section", name="Chế tạo")
    s18 = Sector.objects.create(
        version="VSIC2018", code="10", level="division", parent=sec18, name="Thực phẩm"
    )
    s25 = Sector.objects.create(
        version="VSIC2025", code="10", level="division", parent=sec25, name="Thực phẩm 2025"
    )
    SectorCrosswalk.objects.create(source=s18, target=s25)
    # Moved: district until the merger, then a commune formed from it.
    w.moved = EnterpriseFactory(name="Công ty Chuyển", admin_unit=w.n1, sector=s18)
    UnitAssignment.objects.create(enterprise=w.moved, unit=w.d1, valid_to=end)
    UnitAssignment.objects.create(enterprise=w.moved, unit=w.n1, valid_from=start)
    # No unit history: its current commune's former district stands for the years before.
    w.current_only = EnterpriseFactory(name="Công ty Hiện Tại", admin_unit=w.n2, sector=s18)
    # In an old commune (reports under its district) until the merger.
    w.old = EnterpriseFactory(name="Hợp tác xã Cũ", admin_unit=w.n1, sector=s18)
    UnitAssignment.objects.create(enterprise=w.old, unit=w.old_commune, valid_to=end)
    UnitAssignment.objects.create(enterprise=w.old, unit=w.n1, valid_from=start)
    w.iso = StandardFactory()
    w.haccp = StandardFactory(code="HACCP", kind=StandardKind.SCHEME)
    w.tool = ToolFactory()
    return w


def test_enterprises_applying_count_each_enterprise_once_on_the_last_day(world):
    AdoptionFactory(enterprise=world.moved, standard=world.iso, started_on=D(2021, 1, 1))
    AdoptionFactory(enterprise=world.moved, standard=world.haccp, started_on=D(2022, 1, 1))
    # Stopped mid-2022: not applying on 31/12/2022, applying on 31/12/2021.
    AdoptionFactory(
        enterprise=world.current_only,
        standard=world.iso,
        started_on=D(2020, 1, 1),
        ended_on=D(2022, 6, 30),
    )
    AdoptionFactory(enterprise=world.old, standard=world.tool, started_on=D(2022, 3, 1))
    AdoptionFactory(enterprise=world.old, standard=world.haccp, status="planned")
    got = values(2022)
    assert got["ENT_SYSTEM_APPLYING"] == 1
    assert got["ENT_TOOL_APPLYING"] == 1
    assert values(2021)["ENT_SYSTEM_APPLYING"] == 2
    assert breakdown(2022, "standard", "ENT_SYSTEM_APPLYING") == {
        "HACCP": 1,
        "TCVN ISO 9001:2015": 1,
    }


def test_certificates_valid_at_year_end_and_newly_issued(world):
    CertificateFactory(enterprise=world.moved, standard=world.iso, issued_on=D(2021, 3, 1))
    # Lapsed mid-year: expired 30/06/2022.
    CertificateFactory(enterprise=world.current_only, standard=world.iso, issued_on=D(2019, 7, 1))
    # Issued in 2022, withdrawn in August: new in 2022, not valid at its end.
    CertificateFactory(
        enterprise=world.old,
        standard=world.haccp,
        issued_on=D(2022, 2, 1),
        events=[(CertificateEventKind.WITHDRAWN, D(2022, 8, 1))],
    )
    got = values(2022)
    assert (got["CERT_VALID"], got["ENT_CERTIFIED"], got["CERT_ISSUED"]) == (1, 1, 1)
    assert values(2021)["CERT_VALID"] == 2
    # On a date: the lapsed one is valid through its last day, not the day after.
    on_day = {
        day: period_table(Period.on(day), codes=["CERT_VALID"])[0].value
        for day in (D(2022, 6, 30), D(2022, 7, 1))
    }
    assert on_day == {D(2022, 6, 30): 3, D(2022, 7, 1): 2}


def test_unit_breakdown_follows_the_units_of_the_year(world):
    for enterprise in (world.moved, world.current_only, world.old):
        CertificateFactory(enterprise=enterprise, standard=world.iso, issued_on=D(2022, 1, 10))
    # 2022: districts; the old commune's enterprise under its district; the enterprise known
    # only by its current commune under the district that commune came from.
    assert breakdown(2022, "unit", "CERT_VALID") == {"Huyện Một": 2, "Huyện Hai": 1}
    # 2024 at the end of the certificates' period is still districts; after the merger communes.
    assert breakdown(2024, "unit", "CERT_VALID") == {"Huyện Một": 2, "Huyện Hai": 1}
    CertificateFactory(enterprise=world.moved, standard=world.haccp, issued_on=D(2025, 1, 10))
    assert breakdown(2025, "unit", "CERT_VALID") == {"Xã Mới Một": 1}


def test_sector_breakdown_uses_the_version_of_the_year(world):
    CertificateFactory(enterprise=world.moved, standard=world.iso, issued_on=D(2024, 1, 10))
    assert breakdown(2024, "sector", "CERT_VALID") == {"C – Chế biến": 1}
    assert breakdown(2025, "sector", "CERT_VALID") == {"C – Chế tạo": 1}


def test_records_archived_later_no_longer_count(world):
    """Archiving is the portal's deletion: an archived record counts in no year (an approved
    year keeps the figures of its snapshot)."""
    certificate = CertificateFactory(
        enterprise=world.moved, standard=world.iso, issued_on=D(2021, 3, 1)
    )
    before = snapshot(2022)["indicators"]["CERT_VALID"]["value"]
    certificate.is_archived = True
    certificate.save()
    assert before == 1
    assert values(2022)["CERT_VALID"] == 0
    IndicatorSupportFactory(enterprise=world.old, funding={PROVINCIAL: 10})
    world.old.is_archived = True
    world.old.save()
    assert values(2022)["SUPPORTED_ENTERPRISES"] == 0


def test_declarations_establishments_products_and_the_procedure(world):
    """Declared in 2022 (in effect from a day of it) are counted for 2022; a declaration of 2021
    that lapsed in May 2022 still stands in force at the end of 2021, not of 2022."""
    p1, p2, p3 = (ProductFactory(enterprise=world.moved) for _ in range(3))
    archived = ProductFactory(enterprise=world.moved, is_archived=True)
    recorded = {"enterprise": world.moved, "state": DeclarationState.RECORDED}
    InForceDeclarationFactory(
        **recorded,
        standard=world.iso,
        declared_on=D(2022, 3, 1),
        effective_on=D(2022, 3, 1),
        products=[p1, p2, archived],
    )
    InForceDeclarationFactory(
        **recorded,
        standard=world.haccp,
        declared_on=D(2022, 4, 1),
        effective_on=D(2022, 4, 1),
        products=[p2, p3],
    )
    q = ProductFactory(enterprise=world.old)
    InForceDeclarationFactory(
        enterprise=world.old,
        standard=world.iso,
        declared_on=D(2021, 1, 1),
        effective_on=D(2021, 1, 1),
        valid_until=D(2022, 5, 1),
        products=[q],
    )
    filed = {"enterprise": world.old, "standard": world.iso, "must_be_filed": True}
    aware = datetime.datetime(2022, 11, 1, 9, tzinfo=datetime.UTC)
    InForceDeclarationFactory(
        **filed,
        state=DeclarationState.SUBMITTED,
        submitted_at=aware,
        declared_on=None,
        effective_on=None,
        decision_due_on=D(2022, 11, 8),
    )
    InForceDeclarationFactory(
        **filed,
        state=DeclarationState.ACCEPTED,
        submitted_at=aware,
        declared_on=None,
        receipt_number="12/TB-SKHCN",
        receipt_date=D(2022, 11, 5),
        effective_on=D(2022, 11, 5),
    )
    got = values(2022)
    # Declared in 2022: the two recorded of the moved enterprise, the one accepted of the old.
    assert (got["DECL_ESTABLISHMENTS"], got["DECL_PRODUCTS"]) == (2, 3)
    assert got["DECL_PRODUCTS_IN_FORCE"] == 3
    assert values(2021)["DECL_PRODUCTS_IN_FORCE"] == 1
    # Received: two filed in November, two recorded with a 2022 date; accepted: one; overdue:
    # the one still waiting past 08/11/2022.
    assert (got["DECL_RECEIVED"], got["DECL_ACCEPTED"], got["DECL_OVERDUE"]) == (4, 1, 1)
    assert breakdown(2022, "standard", "DECL_PRODUCTS") == {"HACCP": 2, "TCVN ISO 9001:2015": 2}
    assert Declaration.objects.declared_in(2022).count() == 3


def test_company_prefixes_gtins_and_traced_products(world):
    reg = BarcodeRegistrationFactory(enterprise=world.moved, registered_on=D(2022, 5, 1))
    BarcodeRegistrationFactory(
        enterprise=world.old, registered_on=D(2019, 5, 1), revoked_on=D(2022, 2, 1)
    )
    ProductFactory(enterprise=world.moved, barcode_registration=reg, gtin="8935000000019")
    traced = ProductFactory(enterprise=world.moved, is_published=True)
    LotFactory(product=traced, produced_on=D(2022, 10, 1))
    late = ProductFactory(enterprise=world.moved, is_published=True)
    LotFactory(product=late, produced_on=D(2023, 1, 5))
    got = values(2022)
    assert (got["GS1_PREFIXES"], got["GS1_PREFIXES_ISSUED"], got["GTINS"]) == (1, 1, 1)
    assert got["PRODUCTS_TRACED"] == 1
    assert values(2021)["GS1_PREFIXES"] == 1
    assert values(2021)["GTINS"] == 0


def test_training_courses_trainees_and_enterprises_reached(world):
    course = CourseFactory(starts_on=D(2022, 4, 4), ends_on=D(2022, 4, 5), admin_unit=world.n1)
    CourseFactory(starts_on=D(2023, 4, 4), ends_on=D(2023, 4, 5))
    EnrollmentFactory(course=course, enterprise=world.moved, state=EnrollmentState.COMPLETED)
    EnrollmentFactory(course=course, enterprise=world.moved)
    EnrollmentFactory(course=course, enterprise=world.old, state=EnrollmentState.WITHDRAWN)
    EnrollmentFactory(course=course)
    got = values(2022)
    assert (got["COURSES"], got["TRAINEES"], got["TRAINEES_COMPLETED"]) == (1, 3, 1)
    assert got["TRAINED_ENTERPRISES"] == 1
    # The course names the commune of today; in 2022 it was in the district it came from.
    assert breakdown(2022, "unit", "COURSES") == {"Huyện Một": 1}


def test_experts_in_the_team_at_year_end(world):
    IndicatorExpertFactory(certified_year=2021)
    IndicatorExpertFactory(certified_year=2022)
    IndicatorExpertFactory(certified_year=2020, left_on=D(2022, 6, 1), is_active=False)
    IndicatorExpertFactory(certified_year=2020, is_active=False)
    IndicatorExpertFactory(certified_year=2023)
    got = values(2022)
    assert (got["EXPERTS"], got["EXPERTS_CERTIFIED"]) == (2, 1)
    # 2021: the one certified then and the one who left in 2022 (not the one who left with no
    # date recorded: nobody knows since when).
    assert values(2021)["EXPERTS"] == 2


def test_support_enterprises_turns_money_by_source_and_growth(world):
    IndicatorSupportFactory(
        enterprise=world.moved, funding={PROVINCIAL: 50_000_000, ENTERPRISE: 20_000_000}
    )
    IndicatorSupportFactory(
        enterprise=world.moved, provided_on=D(2022, 9, 1), funding={CENTRAL: 30_000_000}
    )
    IndicatorSupportFactory(enterprise=world.current_only, provided_on=D(2022, 12, 31))
    IndicatorSupportFactory(
        enterprise=world.current_only, provided_on=D(2021, 5, 1), funding={PROVINCIAL: 10_000_000}
    )
    IndicatorSupportFactory(enterprise=world.old, is_archived=True, funding={PROVINCIAL: 1})
    got = values(2022)
    assert (got["SUPPORTED_ENTERPRISES"], got["SUPPORT_TURNS"]) == (2, 3)
    assert got["SUPPORT_VND"] == 100_000_000
    assert got["SUPPORT_VND_STATE"] == 80_000_000
    assert (got["SUPPORT_VND_CENTRAL"], got["SUPPORT_VND_PROVINCIAL"]) == (30_000_000, 50_000_000)
    assert (got["SUPPORT_VND_ENTERPRISE"], got["SUPPORT_VND_OTHER"]) == (20_000_000, 0)
    assert got["SUPPORTED_GROWTH"] == Decimal("100.0")
    growth_2021 = year_table(2021, codes=["SUPPORTED_GROWTH"])[0]
    assert (growth_2021.value, growth_2021.source) == (None, "missing")
    assert breakdown(2022, "unit", "SUPPORT_VND") == {"Huyện Một": 100_000_000}


def test_entered_values_are_marked_entered_everywhere(world):
    ManualIndicatorValue.objects.create(
        indicator="LABOUR_PRODUCTIVITY_GROWTH", year=2022, value=Decimal("6.5"), source="Cục TK"
    )
    row = year_table(2022, codes=["LABOUR_PRODUCTIVITY_GROWTH", "TFP_SHARE"])
    assert [(r.value, r.source) for r in row] == [(Decimal("6.5"), "entered"), (None, "missing")]
    shot = snapshot(2022)["indicators"]
    assert shot["LABOUR_PRODUCTIVITY_GROWTH"]["source"] == "entered"
    assert shot["LABOUR_PRODUCTIVITY_GROWTH"]["value"] == 6.5
    assert shot["CERT_VALID"]["source"] == "computed"


def test_progress_against_targets_is_honest(world):
    plan = AnnualPlan.objects.create(year=2022, title="Kế hoạch 2022")
    for code, value in (("SUPPORTED_ENTERPRISES", 4), ("SUPPORT_TURNS", 2)):
        Target.objects.create(
            indicator=code, plan=plan, first_year=2022, last_year=2022, value=value
        )
    Target.objects.create(
        indicator="SUPPORTED_GROWTH", plan=plan, first_year=2022, last_year=2022, value=10
    )
    for day in (D(2022, 3, 1), D(2022, 4, 1), D(2021, 3, 1)):
        IndicatorSupportFactory(enterprise=world.moved, provided_on=day)
    IndicatorSupportFactory(enterprise=world.old, provided_on=D(2022, 5, 1))
    rows = {r.code: r for r in year_table(2022)}
    assert rows["SUPPORTED_ENTERPRISES"].progress == "2 / 4 (50 %)"
    assert rows["SUPPORT_TURNS"].progress == "3 / 2 (150 %) – vượt chỉ tiêu"
    assert rows["SUPPORTED_GROWTH"].progress == "100,0 % / 10,0 % (đạt)"
    assert rows["CERT_VALID"].progress == "chưa có chỉ tiêu"
    assert rows["SUPPORT_TURNS"].target == 2


def test_period_targets_and_period_values(world):
    Target.objects.create(
        indicator="SUPPORTED_ENTERPRISES", first_year=2021, last_year=2025, value=3
    )
    IndicatorSupportFactory(enterprise=world.moved, provided_on=D(2021, 3, 1))
    IndicatorSupportFactory(enterprise=world.old, provided_on=D(2024, 3, 1))
    IndicatorSupportFactory(enterprise=world.moved, provided_on=D(2025, 3, 1))
    row = period_table(Period.of_years(2021, 2025), codes=["SUPPORTED_ENTERPRISES"])[0]
    assert (row.value, row.progress) == (2, "2 / 3 (67 %)")


def test_snapshot_is_json_with_every_indicator_and_breakdown(world):
    import json

    CertificateFactory(enterprise=world.moved, standard=world.iso, issued_on=D(2022, 1, 10))
    shot = json.loads(json.dumps(snapshot(2022)))
    assert shot["order"] == [i.code for i in all_indicators()]
    cert = shot["indicators"]["CERT_VALID"]
    assert cert["breakdowns"]["unit"] == [["105", "Huyện Một", 1]]
    assert cert["breakdowns"]["standard"] == [["TCVN ISO 9001:2015", "TCVN ISO 9001:2015", 1]]
    assert set(cert["breakdowns"]) == set(get("CERT_VALID").breakdowns)
    assert shot["unit_level"] == "district"


def test_every_indicator_says_how_it_is_counted():
    for indicator in all_indicators():
        assert len(str(indicator.how)) > 30, indicator.code
        assert indicator.manual == (indicator.measure is None)


def _selects(ctx) -> int:
    # Reads only: on PostgreSQL the table also sets and resets JIT in a savepoint.
    return sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))


def _queries(by):
    with CaptureQueriesContext(connection) as ctx:
        year_table(2022, by=by)
    return _selects(ctx)


def _more_records(world, n):
    for i in range(n):
        e = EnterpriseFactory(admin_unit=world.n1)
        CertificateFactory(enterprise=e, standard=world.iso, issued_on=D(2022, 1, 1 + i))
        IndicatorSupportFactory(enterprise=e, funding={PROVINCIAL: 5})
        AdoptionFactory(enterprise=e, standard=world.tool)


#: Indicators counting the same rows with the same keys as an earlier one: on PostgreSQL their
#: figures come from that one's query (one aggregate each over one pass of the rows).
SHARED_ROWS = {
    "ENT_CERTIFIED": "CERT_VALID",
    "SUPPORT_TURNS": "SUPPORTED_ENTERPRISES",
    # The funding of each source: the same funding rows, each sum narrowed to its sources.
    **dict.fromkeys(
        (
            "SUPPORT_VND_STATE",
            "SUPPORT_VND_CENTRAL",
            "SUPPORT_VND_PROVINCIAL",
            "SUPPORT_VND_LOCAL",
            "SUPPORT_VND_ENTERPRISE",
            "SUPPORT_VND_OTHER",
        ),
        "SUPPORT_VND",
    ),
}


def _shared(by) -> int:
    return len(SHARED_ROWS) if GROUPING and by else 0


@pytest.mark.parametrize("by", [None, "unit", "sector", "standard"])
def test_query_count_does_not_grow_with_the_records(world, by):
    _more_records(world, 1)
    few = _queries(by)
    _more_records(world, 15)
    assert _queries(by) == few
    computed = [i for i in all_indicators() if not i.manual]
    # Counted once and by standard (an enterprise holds several): a second GROUP BY, except
    # on PostgreSQL (GROUPING SETS).
    apart = [
        i
        for i in computed
        if by == "standard" and by in i.breakdowns and not i.measure.additive and not GROUPING
    ]
    # One query per computed indicator (its total and the breakdown from one GROUP BY; the
    # growth rate: last year's count, this year's is shared), the entered values, the targets
    # and the names of the groups.
    assert few == len(computed) - _shared(by) + len(apart) + 2 + (1 if by else 0)


def test_snapshot_query_count_does_not_grow_with_the_records(world):
    _more_records(world, 1)
    with CaptureQueriesContext(connection) as few:
        snapshot(2022)
    _more_records(world, 15)
    with CaptureQueriesContext(connection) as many:
        snapshot(2022)
    assert _selects(few) == _selects(many)
    computed = [i for i in all_indicators() if not i.manual]
    apart = [
        i
        for i in computed
        if "standard" in i.breakdowns and not i.measure.additive and not GROUPING
    ]
    assert _selects(many) == len(computed) - _shared("unit") + len(apart) + 2 + 3


@pytest.mark.skipif(not GROUPING, reason="one pass for several indicators: PostgreSQL")
def test_indicators_counting_the_same_rows_read_them_once(world):
    """The certificates valid and the enterprises holding them: one query over the
    certificates for both (and one for those issued), not one each."""
    _more_records(world, 3)
    with CaptureQueriesContext(connection) as ctx:
        shot = snapshot(2022)["indicators"]
    over_certificates = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "standards_certificate"' in q["sql"] and "GROUPING SETS" in q["sql"]
    ]
    assert len(over_certificates) == 2  # valid (two figures), issued
    assert shot["CERT_VALID"]["value"] == shot["ENT_CERTIFIED"]["value"] == 3


def test_figures_read_together_equal_each_indicator_alone(world):
    """Every computed indicator's total and breakdowns in the table (on PostgreSQL, shared
    passes) are those of its own query."""
    _more_records(world, 3)
    IndicatorSupportFactory(enterprise=world.moved, funding={PROVINCIAL: 7, CENTRAL: 3})
    IndicatorSupportFactory(enterprise=world.moved, funding={PROVINCIAL: 2})
    CertificateFactory(enterprise=world.moved, standard=world.haccp, issued_on=D(2021, 5, 1))
    CertificateFactory(enterprise=world.moved, standard=world.iso, issued_on=D(2021, 6, 1))
    period = Period.of_year(2022)
    computed = [i for i in all_indicators() if not i.manual and isinstance(i.measure, Measure)]
    together = _computed(computed, period, BREAKDOWNS)
    for indicator in computed:
        total, groups = figures(indicator, period, indicator.breakdowns)
        got_total, got_groups = together[indicator.code]
        assert got_total == total, indicator.code
        for by in indicator.breakdowns:
            # A shared pass may name a group none of this indicator's rows is in (zero).
            got = sorted(((k, v) for k, v in got_groups[by] if v), key=str)
            assert got == sorted(((k, v) for k, v in groups[by] if v), key=str), (
                indicator.code,
                by,
            )


def test_every_breakdown_adds_up_to_the_total_where_rows_are_in_one_group(world):
    _more_records(world, 3)
    IndicatorSupportFactory(enterprise=world.moved, funding={PROVINCIAL: 7, CENTRAL: 3})
    shot = snapshot(2022)["indicators"]
    for code in ("CERT_VALID", "ENT_CERTIFIED", "SUPPORT_VND", "SUPPORTED_ENTERPRISES"):
        for by in ("unit", "sector"):
            assert sum(v for _k, _l, v in shot[code]["breakdowns"][by]) == shot[code]["value"]
