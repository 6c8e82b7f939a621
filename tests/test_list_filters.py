"""The active-filter summary above every list: visible with the filter panel folded on a phone."""

import re

import pytest
from django.urls import reverse

from laichau_nsc.filters import PortalFilterSet
from tests.conftest import client_for
from tests.enterprises.factories import (
    AdministrativeUnitFactory,
    EnterpriseFactory,
    MembershipFactory,
    SectorFactory,
)
from tests.helpers import count_queries

LIST = reverse("enterprises:enterprise_list")
QUEUE = reverse("enterprises:membership_list")


def chips(response) -> list[tuple[str, str]]:
    return [(f.label, f.value) for f in response.context["active_filters"]]


@pytest.mark.django_db
def test_search_and_filters_are_listed_with_their_labels_and_count(officer):
    EnterpriseFactory(name="Hợp tác xã Chè Tam Đường", legal_form="cooperative")
    response = client_for(officer).get(
        LIST, {"q": "tam duong", "legal_form": "cooperative", "archived": "no", "sort": "-name"}
    )
    assert chips(response) == [("Tìm kiếm", "tam duong"), ("Loại hình", "Hợp tác xã")]
    text = response.text
    assert "Đang lọc theo 2 điều kiện" in text
    # The button that unfolds the panel on a phone carries the count too.
    assert re.search(r'id="filter-count">2</span>', text)


@pytest.mark.django_db
def test_each_condition_links_to_the_list_without_it(officer):
    response = client_for(officer).get(
        LIST, {"q": "che", "legal_form": "cooperative", "sort": "-name", "page": "2"}
    )
    search = response.context["active_filters"][0]
    assert search.name == "q"
    assert search.remove_query == "legal_form=cooperative&sort=-name"
    assert f'href="{LIST}?legal_form=cooperative&amp;sort=-name"' in response.text
    without = client_for(officer).get(f"{LIST}?{search.remove_query}")
    assert chips(without) == [("Loại hình", "Hợp tác xã")]


@pytest.mark.django_db
def test_records_chosen_as_filters_show_their_names(officer):
    unit = AdministrativeUnitFactory(name="Xã Bình Lư")
    sector = SectorFactory(code="01", name="Nông nghiệp")
    response = client_for(officer).get(LIST, {"admin_unit": unit.pk, "sector": sector.pk})
    assert ("Đơn vị hành chính", "Xã Bình Lư") in chips(response)
    assert ("Ngành kinh tế", str(sector)) in chips(response)


@pytest.mark.django_db
def test_defaults_and_empty_fields_are_not_active_filters(officer):
    # The filter form sends every field, empty ones included, and archived=no by default.
    query = {"q": "", "admin_unit": "", "sector": "", "legal_form": "", "archived": "no"}
    response = client_for(officer).get(LIST, query)
    assert chips(response) == []
    assert "Đang lọc theo" not in response.text
    assert 'id="filter-count"></span>' in response.text
    archived = client_for(officer).get(LIST, {"archived": "yes"})
    assert chips(archived) == [("Tình trạng lưu trữ", "Đã lưu trữ")]


@pytest.mark.django_db
def test_invalid_conditions_are_reported_not_listed(officer):
    response = client_for(officer).get(LIST, {"legal_form": "khong-co", "q": "che"})
    assert chips(response) == [("Tìm kiếm", "che")]
    assert "Điều kiện lọc không hợp lệ" in response.text


@pytest.mark.django_db
def test_request_queue_counts_only_states_other_than_its_default(officer, enterprise_a):
    MembershipFactory(enterprise=enterprise_a, state="approved")
    client = client_for(officer)
    assert chips(client.get(QUEUE)) == []
    assert chips(client.get(QUEUE, {"state": "requested"})) == []
    approved = client.get(QUEUE, {"state": "approved"})
    assert chips(approved) == [("Trạng thái", "Đã duyệt")]
    # Dropping the condition goes back to the queue's default, the pending requests.
    assert approved.context["active_filters"][0].remove_query == ""
    assert f'<a class="filter-chip-remove" href="{QUEUE}" ' in approved.text
    # Every state ("?state=", the empty choice) is a departure from the default too.
    assert chips(client.get(QUEUE, {"state": ""})) == [("Trạng thái", "Tất cả")]


@pytest.mark.django_db
def test_htmx_results_refresh_the_count_on_the_folded_panel_button(officer):
    response = client_for(officer).get(
        LIST, {"q": "che", "status": "active"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.text
    assert '<span class="filter-count" id="filter-count" hx-swap-oob="true">2</span>' in (
        response.text
    )


@pytest.mark.django_db
def test_listing_the_conditions_costs_no_query(officer, monkeypatch):
    unit = AdministrativeUnitFactory()
    sector = SectorFactory()
    EnterpriseFactory.create_batch(3, admin_unit=unit, sector=sector)
    url = f"{LIST}?q=che&admin_unit={unit.pk}&sector={sector.pk}&legal_form=joint_stock"
    client = client_for(officer)
    client.get(url)  # warm the session
    _status, with_chips, _sql = count_queries(client, url)
    assert len(client.get(url).context["active_filters"]) == 4
    monkeypatch.setattr(PortalFilterSet, "active_filters", lambda self, query: [])
    _status, without_chips, _sql = count_queries(client, url)
    assert with_chips == without_chips


@pytest.mark.django_db
def test_each_filter_set_gets_its_own_filters_sharing_what_nobody_changes():
    from django.http import QueryDict

    from standards.filters_declarations import DeclarationFilterSet

    first, second = DeclarationFilterSet(QueryDict()), DeclarationFilterSet(QueryDict())
    base = DeclarationFilterSet.base_filters
    for name in ("q", "queue", "admin_unit", "enterprise"):
        mine, theirs = first.filters[name], second.filters[name]
        assert mine is not theirs
        assert mine is not base[name]
        assert mine.parent is first
        assert theirs.parent is second
        assert mine.extra is not theirs.extra  # an __init__ may set its own choices
    # Fixed choice lists and labels are shared, not deep-copied for every request.
    assert first.filters["queue"].extra["choices"] is base["queue"].extra["choices"]
    # The catalogue's choices reach the form as they are (the units of the cached catalogue).
    units = first.form.fields["admin_unit"].choices.choices.choices
    assert units is not None
    assert units is second.form.fields["admin_unit"].choices.choices.choices
    # A method filter calls its own filter set.
    assert first.filters["queue"].filter.f is first.filters["queue"]
    assert first.qs.query is not None
    assert second.is_valid()


@pytest.mark.django_db
def test_a_filter_form_uses_its_own_fields_without_copying_them(monkeypatch):
    from django import forms
    from django.http import QueryDict

    from enterprises.filters import EnterpriseFilterSet

    copied = []
    original = forms.Field.__deepcopy__

    def counting(self, memo):
        copied.append(type(self).__name__)
        return original(self, memo)

    monkeypatch.setattr(forms.Field, "__deepcopy__", counting)
    first = EnterpriseFilterSet(QueryDict("q=che&legal_form=joint_stock"))
    second = EnterpriseFilterSet(QueryDict("q=tam"))
    assert first.is_valid()
    assert second.is_valid()

    # Django deep-copies every field (widget, choices, messages) for each form; the FilterSet
    # made these fields for this form alone.
    assert copied == []
    # Still, no two forms share a field or a widget: a change to one cannot reach the other.
    for name, field in first.form.fields.items():
        other = second.form.fields[name]
        assert field is not other
        assert field.widget is not other.widget
    assert first.form.cleaned_data["q"] == "che"
    assert second.form.cleaned_data["q"] == "tam"
