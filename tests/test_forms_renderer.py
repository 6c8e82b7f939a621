"""The <input> widgets drawn in Python (``PortalFormRenderer``) and the filter forms' fields
(``{% filter_fields %}``) write the bytes Django's templates wrote for them."""

import datetime
import decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import get_resolver
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from laichau_nsc.filters import PortalFilterSet
from laichau_nsc.forms_renderer import INPUT_TEMPLATES, PortalFormRenderer

DJANGO = DjangoTemplates()
PORTAL = PortalFormRenderer()

VALUES = [
    None,
    "",
    "tam duong",
    "a \"quoted\" <b> & 'x'",
    mark_safe("<i>safe</i>"),
    0,
    12345,
    decimal.Decimal("1234.50"),
    datetime.date(2026, 1, 31),
    gettext_lazy("Doanh nghiệp"),
    ("a", "b"),
]
ATTRS = [
    {},
    {"class": "form-control", "placeholder": "Tên, mã số thuế…"},
    {"required": True, "disabled": False, "maxlength": 200, "step": 0},
    {"aria-describedby": 'x" onmouseover="y', "data-x": mark_safe("&amp;")},
    {"title": gettext_lazy("Tìm kiếm"), "min": decimal.Decimal("0.5")},
]
WIDGETS = [
    forms.TextInput(),
    forms.NumberInput(),
    forms.EmailInput(),
    forms.URLInput(),
    forms.SearchInput(),
    forms.TelInput(),
    forms.ColorInput(),
    forms.HiddenInput(),
    forms.PasswordInput(render_value=True),
    forms.PasswordInput(),
    forms.DateInput(format="%d/%m/%Y"),
    forms.DateInput(attrs={"type": "date"}),
    forms.DateTimeInput(),
    forms.TimeInput(),
    forms.CheckboxInput(),
    forms.FileInput(),
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_input_widgets_are_the_templates_bytes(widget, language):
    assert widget.template_name in INPUT_TEMPLATES
    with override(language):
        for value in VALUES:
            for attrs in ATTRS:
                expected = widget.render("q", value, attrs=attrs, renderer=DJANGO)
                drawn = widget.render("q", value, attrs=attrs, renderer=PORTAL)
                assert drawn == expected, (value, attrs)


def test_input_widgets_escape_the_name_and_type():
    widget = forms.TextInput()
    widget.input_type = 'text" autofocus="'
    expected = widget.render('a"<b>', "v", renderer=DJANGO)
    assert widget.render('a"<b>', "v", renderer=PORTAL) == expected
    assert "&quot;" in expected
    assert "<b>" not in expected


@pytest.mark.parametrize(
    "widget",
    [
        forms.Select(choices=[("1", "Một"), ("2", "Hai")]),
        forms.Textarea(),
        forms.RadioSelect(choices=[("1", "Một")]),
        forms.SplitDateTimeWidget(),
    ],
    ids=lambda w: type(w).__name__,
)
def test_other_widgets_keep_their_templates(widget):
    value = [datetime.date(2026, 1, 31), datetime.time(8, 30)] if widget.is_hidden else "1"
    if isinstance(widget, forms.SplitDateTimeWidget):
        value = datetime.datetime(2026, 1, 31, 8, 30)
    assert widget.render("f", value, renderer=PORTAL) == widget.render("f", value, renderer=DJANGO)


def test_forms_use_the_portal_renderer():
    form = forms.Form()
    assert isinstance(form.renderer, PortalFormRenderer)


# --- {% filter_fields %} against the template loop it replaced -------------------------------

#: generic/inc/filter_form.html before {% filter_fields %} (its comment left out).
OLD_FILTER_FORM = """
{% for field in form.hidden_fields %}{{ field }}{% endfor %}
{% for field in form.visible_fields %}
  <div class="mb-3">
    <label class="form-label" for="{{ field.auto_id }}">{{ field.label }}</label>
    {{ field }}
    {% for error in field.errors %}<div class="invalid-feedback d-block">{{ error }}</div>{% endfor %}
  </div>
{% endfor %}
"""  # noqa: E501


def _filtersets() -> list[type[PortalFilterSet]]:
    """Every FilterSet a page of the portal uses (their views import them)."""
    get_resolver().url_patterns  # noqa: B018  (imports every view)
    found, todo = [], [PortalFilterSet]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if getattr(cls._meta, "model", None) is not None:
            found.append(cls)
    return sorted(found, key=lambda c: c.__qualname__)


def _render(source: str, form) -> str:
    return Template(source).render(Context({"form": form}))


def _render_now(form) -> str:
    return get_template("generic/inc/filter_form.html").render({"form": form})


def test_every_portal_filterset_is_compared():
    names = {cls.__name__ for cls in _filtersets()}
    assert {"EnterpriseFilterSet", "CourseFilterSet", "LotFilterSet"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_filter_fields_are_the_template_loops_bytes(officer, language):
    request = RequestFactory().get("/")
    request.user = officer
    bad = "x<b>\"'&"
    for cls in _filtersets():
        model = cls._meta.model
        for data in (None, {}, dict.fromkeys(cls.base_filters, bad)):
            with override(language):
                query = None if data is None else RequestFactory().get("/", data).GET
                filterset = cls(query, queryset=model._default_manager.all(), request=request)
                form = filterset.form
                if data:
                    form.is_valid()
                old, new = _render(OLD_FILTER_FORM, form), _render_now(form)
            assert new == old, (cls.__name__, data)
            if data and form.errors:
                assert 'class="invalid-feedback d-block"' in new


@pytest.mark.django_db
def test_filter_fields_keep_hidden_fields_and_escape_labels(officer):
    class Form(forms.Form):
        enterprise = forms.IntegerField(widget=forms.HiddenInput)
        q = forms.CharField(label='Tìm "<b>"', required=False)

    form = Form({"enterprise": "x", "q": "a&b"})
    form.is_valid()
    old, new = _render(OLD_FILTER_FORM, form), _render_now(form)
    assert new == old
    assert 'type="hidden"' in new
    assert "Tìm &quot;&lt;b&gt;&quot;" in new
