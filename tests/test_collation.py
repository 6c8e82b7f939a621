"""Vietnamese sort order: the same on SQLite (our collation) and PostgreSQL (ICU)."""

import random

import pytest
from django.db import connection
from django.urls import reverse

from enterprises.models import Enterprise, Membership
from enterprises.synthetic import vocabulary as v
from enterprises.synthetic.rows import EnterpriseRows, UnitChoice
from laichau_nsc.collation import VietnameseCollate, sort_key
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.helpers import require_postgresql

# In Vietnamese order: letters first (ă after a, đ after d, ơ after ô, ư after u), then tones
# (none, huyền, hỏi, ngã, sắc, nặng), then case (lower first). Byte order differs on most pairs.
EXPECTED = [
    "An Bình",
    "Ăn uống Mường Thanh",
    "Ẩm thực Tây Bắc",
    "ba",
    "Ba",
    "bà",
    "bả",
    "bã",
    "bá",
    "bạ",
    "Bản Bo",
    "Bình Lư",
    "Bum Tở",
    "Công ty cổ phần Chè Tam Đường",
    "Công ty TNHH Chè Tam Đường",
    "Cơ sở sản xuất Nấm",
    "Dào San",
    "Đoàn Kết",
    "Hợp tác xã Chè",
    "Nậm Nhùn",
    "Ô Quy Hồ",
    "Ơ Hay",
    "Pu Sam Cáp",
    "Tủa Sín Chải",
    "Ưu Việt",
    "Xuân",
]


def test_python_key_sorts_vietnamese_names():
    shuffled = random.Random(1).sample(EXPECTED, len(EXPECTED))
    assert sorted(shuffled, key=sort_key) == EXPECTED
    assert sorted(EXPECTED) != EXPECTED  # byte order really is different


@pytest.mark.django_db
def test_database_sorts_names_in_vietnamese_order():
    """Meta.ordering (and the list, the exports) on whichever database runs the suite."""
    for name in reversed(EXPECTED):
        EnterpriseFactory(name=name)

    assert list(Enterprise.objects.values_list("name", flat=True)) == EXPECTED
    names = Enterprise.objects.order_by(VietnameseCollate("name").desc(), "-pk")
    assert list(names.values_list("name", flat=True)) == EXPECTED[::-1]


@pytest.mark.django_db
def test_enterprise_list_and_its_name_column_sort_in_vietnamese_order(officer):
    names = ["Công ty TNHH Nam", "Nậm Nhùn Xanh", "Công ty cổ phần Nam", "Ẩm thực Lai Châu"]
    for name in names:
        EnterpriseFactory(name=name)
    expected = ["Ẩm thực Lai Châu", "Công ty cổ phần Nam", "Công ty TNHH Nam", "Nậm Nhùn Xanh"]
    client = client_for(officer)

    for params, order in (({}, expected), ({"sort": "name"}, expected), ({"sort": "-name"}, None)):
        response = client.get(reverse("enterprises:enterprise_list"), params)
        shown = [row.record.name for row in response.context["table"].page.object_list]
        assert shown == (order or expected[::-1])


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["enterprise", "full_name"])
def test_membership_queue_sorts_names_in_vietnamese_order(officer, sort):
    pairs = [("Công ty TNHH Bắc", "Vũ Văn Ư"), ("Công ty cổ phần Bắc", "Ân Thị Hà")]
    for enterprise, person in pairs:
        MembershipFactory(
            enterprise=EnterpriseFactory(name=enterprise), full_name=person, state="requested"
        )

    response = client_for(officer).get(reverse("enterprises:membership_list"), {"sort": sort})

    rows = [row.record for row in response.context["table"].page.object_list]
    assert [m.enterprise.name for m in rows] == ["Công ty cổ phần Bắc", "Công ty TNHH Bắc"]
    assert isinstance(rows[0], Membership)


def realistic_names(count: int) -> list[str]:
    """Names as the synthetic generator makes them, plus places, people and their casing."""
    rows = EnterpriseRows(
        rng=random.Random(7),
        units=[UnitChoice(id=1, valid_from=None, former_id=None, address_suffix="")],
        unit_weights=[1],
        sector_ids={},
    )
    names = [rows.naming(rows.rng.choice(LEGAL_FORMS), rows.person())[0] for _ in range(count)]
    names += list(v.PLACES) + list(v.VILLAGES) + list(v.BRAND_SYLLABLES) + list(v.GIVEN_NAMES)
    names += [n.upper() for n in v.PLACES] + [n.lower() for n in v.SURNAMES]
    return names


LEGAL_FORMS = ("llc_single", "llc_multi", "joint_stock", "cooperative", "household", "private")


@pytest.mark.django_db
def test_python_key_agrees_with_icu_on_realistic_names():
    require_postgresql()
    names = realistic_names(300)
    assert len(set(names)) > 400

    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT n FROM unnest(%s::text[]) AS n ORDER BY n COLLATE "vi-x-icu"', [names]
        )
        icu = [row[0] for row in cursor.fetchall()]

    assert sorted(names, key=sort_key) == icu


@pytest.mark.django_db
@pytest.mark.parametrize("filtered", ["", "admin_unit", "sector"])
def test_list_order_walks_a_collated_index_on_postgresql(officer, filtered):
    """With sorting disabled the planner must still serve the ORDER BY: from an index whose
    collation matches (enterprise_name_idx, enterprise_unit_name_idx, …_sector_name_idx)."""
    require_postgresql()
    from enterprises.selectors import filtered_enterprises

    enterprise = EnterpriseFactory(sector=None)
    params = {"admin_unit": enterprise.admin_unit_id} if filtered == "admin_unit" else {}
    if filtered == "sector":
        from tests.enterprises.factories import SectorFactory

        enterprise.sector = SectorFactory()
        enterprise.save()
        params = {"sector": enterprise.sector_id}
    ids = filtered_enterprises(user=officer, params=params).values_list("pk", flat=True)[:1001]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = ids.explain()

    assert "Sort" not in plan, plan
    expected = {"": "enterprise_name_idx", "admin_unit": "enterprise_unit_name_idx"}
    assert expected.get(filtered, "enterprise_sector_name_idx") in plan, plan


@pytest.mark.django_db
def test_exports_list_names_in_vietnamese_order(officer):
    from enterprises.selectors import enterprise_export_rows

    for name in ("Công ty TNHH Nam", "Nậm Nhùn Xanh", "Công ty cổ phần Nam", "Ẩm thực Lai Châu"):
        EnterpriseFactory(name=name)

    rows = enterprise_export_rows(user=officer, params={}, fields=["name"], limit=100)

    assert [name for (name,) in rows] == [
        "Ẩm thực Lai Châu",
        "Công ty cổ phần Nam",
        "Công ty TNHH Nam",
        "Nậm Nhùn Xanh",
    ]
