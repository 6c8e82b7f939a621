"""Property test: on random records, every computed indicator equals a plain Python count over
the same records, written from the words of its definition (not from its query)."""

import datetime
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enterprises.models import UnitAssignment, UnitOrigin
from programs.choices import EnrollmentState, FundingSource
from programs.indicators import Period, period_table
from standards.choices import (
    APPLYING_STATUSES,
    AdoptionStatus,
    CertificateEventKind,
    DeclarationState,
    StandardKind,
)
from tests.enterprises.factories import AdministrativeUnitFactory, EnterpriseFactory
from tests.programs.indicator_factories import IndicatorExpertFactory, IndicatorSupportFactory
from tests.programs.training_factories import CourseFactory, EnrollmentFactory
from tests.standards.factories import AdoptionFactory, CertificateFactory, StandardFactory
from tests.standards.factories_products import BarcodeRegistrationFactory, ProductFactory
from tests.standards.factories_traceability import InForceDeclarationFactory, LotFactory

D = datetime.date
MERGER = D(2025, 7, 1)
ENTERPRISES = 4
day = st.dates(D(2019, 1, 1), D(2026, 12, 31))
ent = st.integers(0, ENTERPRISES - 1)
maybe_ent = st.none() | ent
STD = ("iso", "haccp", "tool")
SOURCES = [s.value for s in FundingSource]

adoptions = st.lists(
    st.tuples(
        ent,
        st.sampled_from(STD),
        st.sampled_from(list(AdoptionStatus)),
        day,
        st.none() | st.integers(0, 900),
        st.booleans(),
        st.booleans(),
    ),
    max_size=8,
    unique_by=lambda a: (a[0], a[1]),
)
certificates = st.lists(
    st.tuples(
        ent,
        st.sampled_from(STD[:2]),
        day,
        st.integers(1, 40),
        st.none() | st.integers(0, 1200),
        st.booleans(),
        st.booleans(),
    ),
    max_size=8,
)
supports = st.lists(
    st.tuples(
        ent,
        day,
        st.booleans(),
        st.dictionaries(st.sampled_from(SOURCES), st.integers(0, 10**9), max_size=3),
    ),
    max_size=8,
)
courses = st.lists(
    st.tuples(
        day,
        st.booleans(),
        st.lists(st.tuples(maybe_ent, st.sampled_from(list(EnrollmentState))), max_size=4),
    ),
    max_size=3,
)
experts = st.lists(
    st.tuples(st.none() | st.integers(2018, 2026), st.none() | day, st.none() | day, st.booleans()),
    max_size=5,
)
prefixes = st.lists(
    st.tuples(ent, day, st.none() | st.integers(0, 2000), st.booleans()), max_size=4
)
products = st.lists(
    st.tuples(ent, st.booleans(), st.booleans(), st.booleans(), st.lists(day, max_size=2)),
    max_size=5,
)
declarations = st.lists(
    st.tuples(
        ent,
        st.sampled_from(
            [
                DeclarationState.RECORDED,
                DeclarationState.ACCEPTED,
                DeclarationState.DRAFT,
                DeclarationState.SUBMITTED,
            ]
        ),
        day,
        st.none() | st.integers(0, 1500),
        st.booleans(),
        st.lists(st.integers(0, 4), max_size=3),
    ),
    max_size=5,
)
records = st.fixed_dictionaries(
    {
        "archived_enterprises": st.sets(ent, max_size=2),
        "adoptions": adoptions,
        "certificates": certificates,
        "supports": supports,
        "courses": courses,
        "experts": experts,
        "prefixes": prefixes,
        "products": products,
        "declarations": declarations,
    }
)
periods = st.one_of(
    st.integers(2019, 2026).map(Period.of_year),
    day.map(Period.on),
    st.tuples(st.integers(2019, 2022), st.integers(0, 4)).map(
        lambda t: Period.of_years(t[0], t[0] + t[1])
    ),
)


def plus(d, days):
    return None if days is None else d + datetime.timedelta(days=days)


def add_months(d: datetime.date, months: int) -> datetime.date:
    from standards.derivation import add_months as months_after

    return months_after(d, months) - datetime.timedelta(days=1)


def between(d, p: Period) -> bool:
    return d is not None and p.start <= d <= p.end


def build(r):
    district = AdministrativeUnitFactory(
        code="105", name="Huyện", level="district", valid_from=None, valid_to=D(2025, 6, 30)
    )
    commune = AdministrativeUnitFactory(code="03400", name="Xã", valid_from=MERGER)
    UnitOrigin.objects.create(successor=commune, predecessor=district)
    ents = []
    for i in range(ENTERPRISES):
        e = EnterpriseFactory(admin_unit=commune, is_archived=i in r["archived_enterprises"])
        if i % 2:
            UnitAssignment.objects.create(enterprise=e, unit=district, valid_to=D(2025, 6, 30))
            UnitAssignment.objects.create(enterprise=e, unit=commune, valid_from=MERGER)
        ents.append(e)
    stds = {
        "iso": StandardFactory(),
        "haccp": StandardFactory(code="HACCP", kind=StandardKind.SCHEME),
        "tool": StandardFactory(
            code="5S",
            kind=StandardKind.PRODUCTIVITY_TOOL,
            third_party_certified=False,
            validity_months=None,
        ),
    }
    for e, s, status, start, length, verified, archived in r["adoptions"]:
        AdoptionFactory(
            enterprise=ents[e],
            standard=stds[s],
            status=status,
            started_on=start,
            ended_on=plus(start, length),
            is_archived=archived,
            review_state="verified" if verified else "proposed",
        )
    for e, s, issued, months, withdrawn, verified, archived in r["certificates"]:
        events = []
        if withdrawn is not None:
            events = [(CertificateEventKind.WITHDRAWN, plus(issued, withdrawn))]
        CertificateFactory(
            enterprise=ents[e],
            standard=stds[s],
            issued_on=issued,
            months=months,
            events=events,
            is_archived=archived,
            review_state="verified" if verified else "proposed",
        )
    for e, when, archived, funding in r["supports"]:
        IndicatorSupportFactory(
            enterprise=ents[e], provided_on=when, is_archived=archived, funding=funding
        )
    for starts, archived, people in r["courses"]:
        course = CourseFactory(starts_on=starts, ends_on=starts, is_archived=archived)
        for e, state in people:
            EnrollmentFactory(course=course, enterprise=None if e is None else ents[e], state=state)
    for year, joined, left, active in r["experts"]:
        IndicatorExpertFactory(
            certified_year=year, joined_on=joined, left_on=left, is_active=active
        )
    regs = []
    for e, registered, revoked, archived in r["prefixes"]:
        regs.append(
            BarcodeRegistrationFactory(
                enterprise=ents[e],
                registered_on=registered,
                revoked_on=plus(registered, revoked),
                is_archived=archived,
            )
        )
    made = []
    for n, (e, with_gtin, published, archived, lots) in enumerate(r["products"]):
        reg = next((g for g in regs if g.enterprise_id == ents[e].pk), None) if with_gtin else None
        product = ProductFactory(
            enterprise=ents[e],
            is_published=published,
            is_archived=archived,
            barcode_registration=reg,
            gtin=f"{reg.prefix}{n:05d}" if reg else "",
        )
        for produced in lots:
            LotFactory(product=product, produced_on=produced)
        made.append(product)
    for e, state, effective, length, archived, which in r["declarations"]:
        InForceDeclarationFactory(
            enterprise=ents[e],
            standard=stds["iso"],
            state=state,
            effective_on=effective,
            valid_until=plus(effective, length),
            is_archived=archived,
            receipt_number="1/TB" if state == DeclarationState.ACCEPTED else "",
            receipt_date=effective if state == DeclarationState.ACCEPTED else None,
            products=[made[i] for i in set(which) if i < len(made)],
        )


def expected(r, p: Period) -> dict:  # one plain count per indicator
    live = set(range(ENTERPRISES)) - set(r["archived_enterprises"])
    end = p.end
    kinds = {"iso": "system", "haccp": "system", "tool": "tool"}
    applying = defaultdict(set)
    for e, s, status, start, length, verified, archived in r["adoptions"]:
        stop = plus(start, length)
        if (
            e in live
            and verified
            and not archived
            and status in APPLYING_STATUSES
            and start <= end
            and (stop is None or stop >= end)
        ):
            applying[kinds[s]].add(e)
    valid, valid_ents, issued_new = 0, set(), 0
    for e, _s, issued, months, withdrawn, verified, archived in r["certificates"]:
        if e not in live or not verified or archived:
            continue
        gone = plus(issued, withdrawn)
        if issued <= end <= add_months(issued, months) and (gone is None or gone > end):
            valid += 1
            valid_ents.add(e)
        issued_new += between(issued, p)
    given_ = [s for s in r["supports"] if s[0] in live and not s[2] and between(s[1], p)]
    paid = defaultdict(int)
    for *_rest, funding in given_:
        for source, amount in funding.items():
            paid[source] += amount
    state_budget = ("central_budget", "provincial_budget", "local_budget")
    enrolled = [
        (e, state)
        for starts, archived, people in r["courses"]
        if not archived and between(starts, p)
        for e, state in people
        if state != "withdrawn" and (e is None or e in live)
    ]
    in_team = certified = 0
    for year, joined, left, active in r["experts"]:
        if (
            (joined is None or joined <= end)
            and (year is None or year <= end.year)
            and ((left is not None and left > end) or (left is None and active))
        ):
            in_team += 1
        if year is not None and p.start.year <= year <= end.year and (left is None or left > end):
            certified += 1
    regs_live = [g for g in r["prefixes"] if g[0] in live and not g[3]]
    in_use = sum(
        1 for e, reg, rev, _a in regs_live if reg <= end and (rev is None or plus(reg, rev) > end)
    )
    new_prefixes = sum(1 for _e, reg, _r, _a in regs_live if between(reg, p))
    gtins = traced = 0
    first_reg = {}
    for e, reg, _rev, archived in r["prefixes"]:
        first_reg.setdefault(e, (reg, archived))
    for e, with_gtin, published, archived, lots in r["products"]:
        if e not in live or archived:
            continue
        if with_gtin and e in first_reg and first_reg[e][0] <= end:
            gtins += 1
        if published and any(lot <= end for lot in lots):
            traced += 1
    decl_ents, decl_products, accepted = set(), set(), 0
    for e, state, effective, length, archived, which in r["declarations"]:
        if e not in live or archived:
            continue
        until = plus(effective, length)
        if (
            state in ("accepted", "recorded")
            and effective <= end
            and (until is None or until >= end)
        ):
            decl_ents.add(e)
            decl_products |= {
                i for i in which if i < len(r["products"]) and not r["products"][i][3]
            }
        accepted += state == "accepted" and between(effective, p)
    return {
        "ENT_SYSTEM_APPLYING": len(applying["system"]),
        "ENT_TOOL_APPLYING": len(applying["tool"]),
        "CERT_VALID": valid,
        "ENT_CERTIFIED": len(valid_ents),
        "CERT_ISSUED": issued_new,
        "DECL_ESTABLISHMENTS": len(decl_ents),
        "DECL_PRODUCTS": len(decl_products),
        "DECL_ACCEPTED": accepted,
        "GS1_PREFIXES": in_use,
        "GS1_PREFIXES_ISSUED": new_prefixes,
        "GTINS": gtins,
        "PRODUCTS_TRACED": traced,
        "COURSES": sum(1 for c in r["courses"] if not c[1] and between(c[0], p)),
        "TRAINEES": len(enrolled),
        "TRAINEES_COMPLETED": sum(1 for _e, s in enrolled if s == "completed"),
        "TRAINED_ENTERPRISES": len({e for e, _s in enrolled if e is not None}),
        "EXPERTS": in_team,
        "EXPERTS_CERTIFIED": certified,
        "SUPPORTED_ENTERPRISES": len({s[0] for s in given_}),
        "SUPPORT_TURNS": len(given_),
        "SUPPORT_VND": sum(paid.values()),
        "SUPPORT_VND_STATE": sum(paid[s] for s in state_budget),
        **{
            f"SUPPORT_VND_{k}": paid[v]
            for k, v in (
                ("CENTRAL", "central_budget"),
                ("PROVINCIAL", "provincial_budget"),
                ("LOCAL", "local_budget"),
                ("ENTERPRISE", "enterprise"),
                ("OTHER", "other"),
            )
        },
    }


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(r=records, p=periods)
def test_each_indicator_equals_a_plain_count(r, p):
    with transaction.atomic():
        build(r)
        want = expected(r, p)
        rows = {row.code: row for row in period_table(p, by="unit", codes=list(want))}
        got = {code: row.value for code, row in rows.items()}
        assert got == want
        # The unit breakdown adds up to the total wherever each row is in one unit.
        for code in ("CERT_VALID", "SUPPORT_TURNS", "SUPPORT_VND", "TRAINEES"):
            assert sum(v for _k, _l, v in rows[code].breakdown) == want[code]
        transaction.set_rollback(True)
