"""VSIC 2025 beside VSIC 2018: new records use 2025, old ones keep 2018 with a hint."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from enterprises.models import Enterprise, Sector
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory, valid_tax_code
from tests.enterprises.test_views import form_data

pytestmark = pytest.mark.django_db

LIST = reverse("enterprises:enterprise_list")
CREATE = reverse("enterprises:enterprise_create")


@pytest.fixture
def vsic(db):
    """Both classifications and the crosswalk, as seed_demo loads them."""
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("load_sectors", version="VSIC2018", **quiet)
    call_command("load_sectors", version="VSIC2025", **quiet)
    call_command("load_sector_crosswalk", **quiet)

    def get(version: str, code: str) -> Sector:
        return Sector.objects.get(version=f"VSIC{version}", code=code)

    return get


def test_new_record_form_offers_vsic_2025_divisions_by_section(officer, vsic):
    form = client_for(officer).get(CREATE).context["form"]
    field = form.fields["sector"]

    offered = {value for _group, options in field.choices[1:] for value, _label in options}
    assert offered == set(
        Sector.objects.filter(version="VSIC2025", level="division").values_list("pk", flat=True)
    )
    groups = [label for label, _options in field.choices[1:]]
    assert groups[0].startswith("A – NÔNG NGHIỆP")
    html = str(form["sector"])
    assert f'<option value="{vsic("2025", "62").pk}">62 – ' in html
    assert "<optgroup" in html


def test_new_record_cannot_take_a_vsic_2018_sector(officer, vsic):
    data = form_data(Enterprise(name="Công ty TNHH Ô tô Lai Châu", legal_form="llc_multi"))
    data.update(tax_code=valid_tax_code(4343), version="", sector=vsic("2018", "45").pk)

    response = client_for(officer).post(CREATE, data)

    assert response.status_code == 200
    assert response.context["form"].errors["sector"]
    assert not Enterprise.objects.filter(name="Công ty TNHH Ô tô Lai Châu").exists()


def test_new_record_saves_a_vsic_2025_sector(officer, vsic):
    data = form_data(Enterprise(name="Công ty TNHH Phần mềm Lai Châu", legal_form="llc_multi"))
    data.update(tax_code=valid_tax_code(4344), version="", sector=vsic("2025", "62").pk)

    response = client_for(officer).post(CREATE, data)

    assert response.status_code == 302
    assert Enterprise.objects.get(tax_code=valid_tax_code(4344)).sector == vsic("2025", "62")


def test_a_2018_record_keeps_its_sector_with_its_2025_counterparts_as_a_hint(officer, vsic):
    old = vsic("2018", "45")
    enterprise = EnterpriseFactory(name="Công ty TNHH Ô tô Tam Đường", sector=old)
    url = reverse("enterprises:enterprise_update", args=[enterprise.pk])
    client = client_for(officer)

    form = client.get(url).context["form"]

    field = form.fields["sector"]
    assert field.choices[1][0].startswith("Ngành đang ghi (VSIC 2018")
    assert field.choices[1][1] == [(old.pk, str(old))]
    assert "46 – Bán buôn" in field.help_text
    assert "95 – " in field.help_text
    assert "VSIC 2025" in field.help_text
    # Saved as it is, the record keeps its 2018 sector; it may move to a 2025 division.
    assert client.post(url, form_data(enterprise)).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.sector == old
    new = vsic("2025", "46")
    assert client.post(url, form_data(enterprise, sector=new.pk)).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.sector == new


def test_another_records_2018_sector_is_not_offered(officer, vsic):
    EnterpriseFactory(sector=vsic("2018", "45"))
    enterprise = EnterpriseFactory(sector=vsic("2025", "46"))
    url = reverse("enterprises:enterprise_update", args=[enterprise.pk])

    response = client_for(officer).post(url, form_data(enterprise, sector=vsic("2018", "45").pk))

    assert response.status_code == 200
    assert response.context["form"].errors["sector"]


def test_detail_shows_the_sector_name_and_its_2025_counterparts(officer, vsic):
    enterprise = EnterpriseFactory(sector=vsic("2018", "30"))
    client = client_for(officer)

    html = client.get(enterprise.get_absolute_url()).text

    assert "30 – Sản xuất phương tiện vận tải khác" in html
    assert "Tương ứng trong VSIC 2025 (QĐ 36/2025/QĐ-TTg):" in html
    assert f"25 – {vsic('2025', '25').name}" in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(enterprise.get_absolute_url()).text
    assert "30 – Manufacture of other transport equipment" in english


def test_detail_of_a_2025_record_shows_no_crosswalk(officer, vsic):
    enterprise = EnterpriseFactory(sector=vsic("2025", "62"))

    html = client_for(officer).get(enterprise.get_absolute_url()).text

    assert "62 – " in html
    assert 'id="sector-counterparts"' not in html


def test_sector_filter_groups_choices_by_version_and_a_section_finds_its_divisions(officer, vsic):
    EnterpriseFactory(name="Hợp tác xã Chè", sector=vsic("2018", "01"))
    EnterpriseFactory(name="Công ty Lâm sản", sector=vsic("2018", "02"))
    EnterpriseFactory(name="Công ty Chè mới", sector=vsic("2025", "01"))
    EnterpriseFactory(name="Công ty Xây dựng", sector=vsic("2018", "41"))
    client = client_for(officer)

    html = client.get(LIST).text
    new_group = html.index('<optgroup label="VSIC 2025 (QĐ 36/2025/QĐ-TTg)">')
    old_group = html.index('<optgroup label="VSIC 2018 (QĐ 27/2018/QĐ-TTg)">')
    assert new_group < old_group
    assert f'<option value="{vsic("2018", "41").pk}">\u00a0\u00a041 – Xây dựng nhà các loại' in html

    response = client.get(LIST, {"sector": vsic("2018", "A").pk})
    shown = {row.record.name for row in response.context["table"].page.object_list}
    assert shown == {"Hợp tác xã Chè", "Công ty Lâm sản"}
