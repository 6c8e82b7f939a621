"""The enterprise list's rows are drawn in Python: the same bytes the template wrote."""

import pytest
from django.template import Context, Template
from django.utils import translation

from enterprises.choices import EnterpriseStatus, LegalForm
from enterprises.models import Enterprise
from enterprises.tables import enterprise_rows_html
from tests.enterprises.factories import AdministrativeUnitFactory, EnterpriseFactory, SectorFactory

# The loop of templates/enterprises/htmx/enterprise_table.html before the rows moved to Python.
TEMPLATE_ROWS = (
    "{% load i18n %}{% for row in rows %}{% with e=row %}\n"
    "    <tr>\n"
    "      <td><a href=\"{% url 'enterprises:enterprise_detail' e.pk %}\">{{ e.name }}</a>\n"
    "        {# Two lines: the name, then its legal form; a phone adds what its hidden columns "
    "hold. #}\n"
    '        <div class="small text-body-secondary"><span class="d-md-none">{{ e.tax_code }} · '
    '</span>{{ e.get_legal_form_display }}<span class="d-md-none"> · '
    '{{ e.admin_unit.name|default:"—" }}{% if e.status != "active" or e.is_archived %} · '
    '{{ e.get_status_display }}{% if e.is_archived %} · {% translate "lưu trữ" %}{% endif %}'
    "{% endif %}</span></div></td>\n"
    '      <td class="d-none d-md-table-cell text-nowrap">{{ e.tax_code }}</td>\n'
    '      <td class="d-none d-md-table-cell">{{ e.admin_unit.name|default:"—" }}</td>\n'
    '      <td class="d-none d-md-table-cell">{% if e.sector %}<span class="d-lg-none" '
    'title="{{ e.sector }}">{{ e.sector.code }}</span><span class="sector-name" '
    'title="{{ e.sector }}">{{ e.sector }}</span>{% else %}—{% endif %}</td>\n'
    '      <td class="d-none d-md-table-cell">{{ e.get_status_display }}{% if e.is_archived %} · '
    '{% translate "lưu trữ" %}{% endif %}</td>\n'
    "    </tr>\n"
    "  {% endwith %}{% empty %}\n"
    '    <tr><td colspan="5" class="text-body-secondary">{% translate "Không có doanh nghiệp '
    'nào phù hợp." %}</td></tr>\n'
    "  {% endfor %}"
)


@pytest.fixture
def varied(db) -> list[Enterprise]:
    """Rows that take every branch of the template: archived or not, each status, no unit, no
    sector, an English sector name, characters that must be escaped."""
    sector = SectorFactory(code="10", name="Sản xuất <thực phẩm>", name_en="Food & drink")
    unit = AdministrativeUnitFactory(name='Xã "Bình Lư" & Pa Ủ')
    rows = [
        EnterpriseFactory(name="Công ty <b>A</b> & Cộng sự", sector=sector, admin_unit=unit),
        EnterpriseFactory(
            status=EnterpriseStatus.SUSPENDED, legal_form=LegalForm.COOPERATIVE, admin_unit=None
        ),
        EnterpriseFactory(status=EnterpriseStatus.DISSOLVED, is_archived=True, sector=sector),
        EnterpriseFactory(is_archived=True, legal_form=LegalForm.HOUSEHOLD),
    ]
    unnamed = AdministrativeUnitFactory(name="")
    rows.append(EnterpriseFactory(admin_unit=unnamed))
    return list(
        Enterprise.objects.filter(pk__in=[e.pk for e in rows])
        .select_related("admin_unit", "sector")
        .order_by("pk")
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_rows_are_the_bytes_the_template_wrote(varied, language):
    with translation.override(language):
        expected = Template(TEMPLATE_ROWS).render(Context({"rows": varied}))
        assert enterprise_rows_html(varied) == expected


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_rows_is_the_template_s_empty_row(db, language):
    with translation.override(language):
        assert enterprise_rows_html([]) == Template(TEMPLATE_ROWS).render(Context({"rows": []}))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_rows_read_as_tuples_draw_the_rows_of_the_models(
    varied, language, django_assert_num_queries
):
    from enterprises.tables import EnterpriseTable

    ids = [e.pk for e in reversed(varied)]
    with django_assert_num_queries(1):
        records = EnterpriseTable([]).page_records(Enterprise.objects.all(), ids)

    assert [r.pk for r in records] == ids  # in the order asked for
    with translation.override(language):
        assert enterprise_rows_html(records) == enterprise_rows_html(list(reversed(varied)))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_labels_are_translated_once_not_at_every_use(language):
    from django.utils.functional import Promise

    from enterprises.tables import _labels

    with translation.override(language):
        labels = _labels(LegalForm, language)
        expected = str(LegalForm.COOPERATIVE.label)

    assert not any(isinstance(label, Promise) for label in labels.values())
    # Read in the other language, a kept label stays in the language it was made for.
    with translation.override("en" if language == "vi" else "vi"):
        assert labels[LegalForm.COOPERATIVE] == expected
