"""Administrative units across the 2025 merger: the list's area filter, its choices, origins."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from enterprises import catalogues
from enterprises.models import AdministrativeUnit, UnitAssignment
from tests.conftest import client_for
from tests.enterprises.factories import AdministrativeUnitFactory, EnterpriseFactory
from tests.helpers import cache_reads, count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("enterprises:enterprise_list")
DISTRICTS_END = datetime.date(2025, 6, 30)
COMMUNES_START = datetime.date(2025, 7, 1)


@pytest.fixture
def lai_chau(db) -> dict[str, AdministrativeUnit]:
    """The province, its districts until 30/06/2025 and communes since, with their origins."""
    for command in ("load_admin_units", "load_unit_origins"):
        call_command(command, stdout=StringIO(), stderr=StringIO())
    return {u.name: u for u in AdministrativeUnit.objects.all()}


def enterprise_in(name: str, district: AdministrativeUnit | None, commune: AdministrativeUnit):
    """An enterprise in ``district`` until the merger and in ``commune`` since (as seed_demo)."""
    enterprise = EnterpriseFactory(name=name, admin_unit=commune)
    if district is not None:
        UnitAssignment.objects.create(
            enterprise=enterprise, unit=district, valid_to=DISTRICTS_END, valid_from=None
        )
    UnitAssignment.objects.create(enterprise=enterprise, unit=commune, valid_from=COMMUNES_START)
    return enterprise


@pytest.fixture
def placed(lai_chau) -> dict[str, object]:
    u = lai_chau
    return {
        "tea": enterprise_in("Công ty Chè Bình Lư", u["Huyện Tam Đường"], u["Xã Bình Lư"]),
        # Phường Tân Phong came from Thành phố Lai Châu and from Huyện Tam Đường.
        "hotel": enterprise_in("Khách sạn Tân Phong", u["Huyện Tam Đường"], u["Phường Tân Phong"]),
        "builder": enterprise_in(
            "Xây dựng Tân Phong", u["Thành phố Lai Châu"], u["Phường Tân Phong"]
        ),
        "new": enterprise_in("Hộ kinh doanh mới Bình Lư", None, u["Xã Bình Lư"]),
        "far": enterprise_in("Hợp tác xã Mường Tè", u["Huyện Mường Tè"], u["Xã Mường Tè"]),
    }


def listed(client, **params) -> set[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {row.record.name for row in response.context["table"].page.object_list}


def test_filter_by_a_ceased_district_finds_the_enterprises_that_were_in_it(
    officer, lai_chau, placed
):
    found = listed(client_for(officer), admin_unit=lai_chau["Huyện Tam Đường"].pk)

    # Both moved to communes on 01/07/2025 (one to a ward that was also partly another
    # district's); the household business founded after the merger never was in the district.
    assert found == {"Công ty Chè Bình Lư", "Khách sạn Tân Phong"}


def test_filter_by_a_current_commune_finds_the_enterprises_there_now(officer, lai_chau, placed):
    client = client_for(officer)

    assert listed(client, admin_unit=lai_chau["Phường Tân Phong"].pk) == {
        "Khách sạn Tân Phong",
        "Xây dựng Tân Phong",
    }
    assert listed(client, admin_unit=lai_chau["Xã Bình Lư"].pk) == {
        "Công ty Chè Bình Lư",
        "Hộ kinh doanh mới Bình Lư",
    }


def test_filter_by_the_province_finds_every_enterprise_of_it(officer, lai_chau, placed):
    EnterpriseFactory(name="Doanh nghiệp tỉnh khác")  # a unit outside Lai Châu

    found = listed(client_for(officer), admin_unit=lai_chau["Tỉnh Lai Châu"].pk)

    assert found == {e.name for e in placed.values()}


def test_filter_by_a_unit_includes_the_units_under_it(officer, lai_chau):
    # A district that still exists, with two communes under it (as before the merger).
    district = AdministrativeUnitFactory(name="Huyện Thử", level="district", valid_from=None)
    inside = AdministrativeUnitFactory(name="Xã Trong", parent=district)
    deeper = AdministrativeUnitFactory(name="Thôn Sâu", parent=inside)
    EnterpriseFactory(name="Ở huyện", admin_unit=district)
    EnterpriseFactory(name="Ở xã", admin_unit=inside)
    EnterpriseFactory(name="Ở thôn", admin_unit=deeper)
    EnterpriseFactory(name="Ở nơi khác", admin_unit=lai_chau["Xã Bình Lư"])
    client = client_for(officer)

    assert listed(client, admin_unit=district.pk) == {"Ở huyện", "Ở xã", "Ở thôn"}
    assert listed(client, admin_unit=inside.pk) == {"Ở xã", "Ở thôn"}


def test_filter_by_a_ceased_unit_includes_the_former_units_under_it(officer, lai_chau):
    district = lai_chau["Huyện Tam Đường"]
    old_commune = AdministrativeUnitFactory(
        name="Xã Bản Giang", parent=district, valid_from=None, valid_to=DISTRICTS_END
    )
    enterprise_in("Nhà nghỉ Bản Giang", old_commune, lai_chau["Phường Tân Phong"])

    assert listed(client_for(officer), admin_unit=district.pk) == {"Nhà nghỉ Bản Giang"}


def test_area_filter_keeps_a_constant_number_of_queries(officer, lai_chau, placed):
    client = client_for(officer)
    url = f"{LIST}?admin_unit={lai_chau['Huyện Tam Đường'].pk}"
    client.get(url)  # builds the catalogues

    status, queries, sql = count_queries(client, url)

    # session, user with its groups, the bounded ids (a semi-join with the unit periods), the page,
    # the bell's unread count.
    assert (status, queries) == (200, 5), "\n".join(sql)


def test_unit_choices_group_former_units_with_their_last_day(officer, lai_chau):
    html = client_for(officer).get(LIST).text

    current = html.index('<optgroup label="Đơn vị hiện nay">')
    former = html.index('<optgroup label="Đơn vị cũ (đến 30/06/2025)">')
    assert current < former
    tam_duong = lai_chau["Huyện Tam Đường"].pk
    assert f'<option value="{tam_duong}">Huyện Tam Đường (đến 30/06/2025)</option>' in html
    assert html.index("Huyện Tam Đường (đến 30/06/2025)") > former
    # A new commune says where it came from; the province comes first.
    assert "Xã Bình Lư (từ Huyện Tam Đường)</option>" in html
    assert "Phường Tân Phong (từ Thành phố Lai Châu, Huyện Tam Đường)</option>" in html
    assert html.index(">Tỉnh Lai Châu</option>") < html.index(">Phường Đoàn Kết (")


def test_unit_choices_are_in_vietnamese_order(lai_chau):
    groups = catalogues.units().choices(datetime.date(2026, 1, 1))
    current = [label.split(" (")[0] for _value, label in groups[0][1]]

    assert current[0] == "Tỉnh Lai Châu"
    # Byte order would put "Xã Bình Lư" after "Xã Bum Tở" and "Xã Ô…" after "Xã Tủa…".
    assert current.index("Xã Bình Lư") < current.index("Xã Bum Tở")
    assert current.index("Xã Bản Bo") < current.index("Xã Bình Lư")


def test_a_selected_former_unit_stays_selected(officer, lai_chau):
    tam_duong = lai_chau["Huyện Tam Đường"].pk
    html = client_for(officer).get(LIST, {"admin_unit": tam_duong}).text

    assert f'<option value="{tam_duong}" selected>Huyện Tam Đường (đến 30/06/2025)' in html


def test_catalogue_is_rebuilt_when_a_unit_changes(lai_chau):
    today = datetime.date(2026, 1, 1)
    before = catalogues.units()
    assert catalogues.units() is before  # kept while nothing changes

    unit = AdministrativeUnitFactory(name="Xã Mới Lập")

    after = catalogues.units()
    assert after is not before
    assert unit.pk in {value for _group, options in after.choices(today) for value, _ in options}


def test_catalogue_costs_no_query_once_built(lai_chau, django_assert_num_queries):
    catalogues.units()
    catalogues.sectors()

    with django_assert_num_queries(0):
        catalogues.units().choices(datetime.date(2026, 1, 1))
        catalogues.sectors().choices()


def test_detail_shows_where_a_new_commune_came_from(officer, lai_chau, placed):
    html = client_for(officer).get(placed["hotel"].get_absolute_url()).text

    assert "Phường Tân Phong" in html
    assert "(từ Thành phố Lai Châu, Huyện Tam Đường)" in html


def test_a_list_page_reads_the_catalogue_tokens_in_one_round_trip(officer, lai_chau, monkeypatch):
    client = client_for(officer)
    url = f"{LIST}?admin_unit={lai_chau['Huyện Tam Đường'].pk}"
    client.get(url)  # builds the catalogues
    reads = cache_reads(monkeypatch, "catalogue-version:")

    assert client.get(url).status_code == 200

    # The unit and sector selects and the area filter all ask; one read answers them.
    assert len(reads) == 1, reads
    assert {"catalogue-version:units", "catalogue-version:sectors"} <= set(reads[0])
    # The next request reads again: a change made by another process meanwhile is seen.
    client.get(url)
    assert len(reads) == 2


def test_outside_a_request_every_use_reads_the_token(lai_chau, monkeypatch):
    catalogues.units()
    reads = cache_reads(monkeypatch, "catalogue-version:")

    catalogues.units()
    catalogues.units()

    # A worker or a command runs for hours: it must see a change made elsewhere at once.
    assert len(reads) == 2


def test_a_change_made_during_a_request_is_seen_in_that_request(lai_chau):
    # What request_started and request_finished call (sending the signals themselves would
    # also close the test's database connection).
    catalogues._request_started()
    try:
        before = catalogues.units()
        assert catalogues.units() is before
        AdministrativeUnitFactory(name="Xã Mới Lập")
        assert catalogues.units() is not before
    finally:
        catalogues._request_finished()
