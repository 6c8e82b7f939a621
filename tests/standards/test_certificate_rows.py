"""The certificate list's rows are drawn in Python: the same bytes the template wrote."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from standards.choices import CertificateEventKind as Event
from standards.choices import ReviewState
from standards.models import Certificate
from standards.tables import certificate_rows_html
from tests.enterprises.factories import AdministrativeUnitFactory, EnterpriseFactory
from tests.standards.factories import CertificateFactory, CertificationBodyFactory, StandardFactory

D = datetime.date
DAY = D(2022, 12, 31)

# The loop of templates/standards/htmx/certificate_table.html before the rows moved to Python.
TEMPLATE_ROWS = (
    "{% load i18n %}{% for c in rows %}{% with c=c %}\n"
    "    <tr>\n"
    "      <td><a href=\"{% url 'standards:certificate_detail' c.pk %}\">{{ c.number }}"
    '</a><span class="d-block d-md-none small text-body-secondary">'
    "{{ c.standard.code }}</span></td>\n"
    "      <td>{{ c.enterprise.name }}"
    '<span class="d-block small text-body-secondary">'
    '{{ c.enterprise.admin_unit.name|default:"" }}</span></td>\n'
    '      <td class="d-none d-md-table-cell">{{ c.standard.code }}</td>\n'
    '      <td class="d-none d-lg-table-cell">{{ c.body.acronym|default:c.body.name }'
    "}</td>\n"
    '      <td class="d-none d-md-table-cell text-nowrap">'
    '{{ c.issued_on|date:"d/m/Y" }}</td>\n'
    '      <td class="d-none d-sm-table-cell text-nowrap">'
    '{{ c.expires_on|date:"d/m/Y" }}</td>\n'
    '      <td><span class="d-block d-sm-none small text-nowrap">'
    '{{ c.expires_on|date:"d/m/Y" }}</span>'
    '{% include "standards/inc/status_badge.html" with status=c.status_on %}'
    '{% if c.review_state != "verified" %}'
    ' {% include "standards/inc/review_badge.html" with record=c %}{% endif %}'
    '{% if c.is_archived %} <span class="badge text-bg-secondary">'
    '{% translate "lưu trữ" %}</span>{% endif %}</td>\n'
    "    </tr>\n"
    "  {% endwith %}{% empty %}\n"
    '    <tr><td colspan="7" class="text-body-secondary">'
    '{% translate "Không có chứng chỉ nào phù hợp." %}</td></tr>\n'
    "  {% endfor %}"
)


@pytest.fixture
def varied(db) -> list[Certificate]:
    """Rows that take every branch of the template: each status on DAY, each review state,
    archived, an enterprise with no unit or an unnamed one, a body with no acronym, characters
    that must be escaped."""
    unit = AdministrativeUnitFactory(name='Xã "Bình Lư" & Pa Ủ')
    bare_body = CertificationBodyFactory(name="Trung tâm <Kiểm định> & Chứng nhận", acronym="")
    rows = [
        CertificateFactory(
            number="HT <01> & 2022",
            enterprise=EnterpriseFactory(name="Công ty <b>A</b> & Cộng sự", admin_unit=unit),
            standard=StandardFactory(code="TCVN ISO 22000:2018 <HACCP>"),
            body=bare_body,
        ),
        CertificateFactory(events=[(Event.SUSPENDED, D(2022, 5, 1))]),
        CertificateFactory(events=[(Event.WITHDRAWN, D(2022, 9, 1))]),
        CertificateFactory(issued_on=D(2019, 1, 1), enterprise=EnterpriseFactory(admin_unit=None)),
        CertificateFactory(
            issued_on=D(2023, 1, 1),
            enterprise=EnterpriseFactory(admin_unit=AdministrativeUnitFactory(name="")),
        ),
        CertificateFactory(review_state=ReviewState.PROPOSED),
        CertificateFactory(review_state=ReviewState.RETURNED, is_archived=True),
        CertificateFactory(is_archived=True),
    ]
    return list(
        Certificate.objects.filter(pk__in=[c.pk for c in rows])
        .with_status_on(DAY)
        .select_related("enterprise", "enterprise__admin_unit", "standard", "body")
        .order_by("pk")
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_rows_are_the_bytes_the_template_wrote(varied, language):
    assert len({c.status_on for c in varied}) == 5  # every status is drawn
    with translation.override(language):
        expected = Template(TEMPLATE_ROWS).render(Context({"rows": varied}))
        assert certificate_rows_html(varied) == expected


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_rows_is_the_template_s_empty_row(db, language):
    with translation.override(language):
        assert certificate_rows_html([]) == Template(TEMPLATE_ROWS).render(Context({"rows": []}))
