"""Every form and model of the project normalises its text input (DESIGN §4 "Input").

The guards walk what the project defines and uses — form classes in our packages, the forms of
every view in the URL configuration, every FilterSet's form, the admin forms of our models, and
our models with text fields — and fail for one that does not normalise, so a form or model added
later cannot forget it.
"""

import gc
from collections.abc import Iterator

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from enterprises.filters import EnterpriseFilterSet
from enterprises.models import Enterprise, Membership
from laichau_nsc.forms import CodeField, NormalizingFormMixin, PortalForm
from laichau_nsc.models import NormalizedTextMixin
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.factories import UserFactory

PROJECT_PACKAGES = ("laichau_nsc", "enterprises", "standards", "programs")
RLO, ZWSP = "\u202e", "\u200b"


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in PROJECT_PACKAGES


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        else:
            yield f"{namespace}{pattern.name}", pattern


def _filterset_form(filterset_class) -> type[forms.BaseForm]:
    queryset = filterset_class._meta.model._default_manager.none()
    return filterset_class(queryset=queryset).get_form_class()


def forms_in_use(urlconf: str | None = None) -> dict[str, type[forms.BaseForm]]:
    """Every form class the project defines or uses, by where it was found."""
    found: dict[str, type[forms.BaseForm]] = {}
    # Resolving the URLs imports every view module, and with it every form module.
    patterns = list(_patterns(get_resolver(urlconf)))
    for cls in _subclasses(forms.BaseForm):
        if _ours(cls):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    for cls in _subclasses(django_filters.FilterSet):
        if _ours(cls) and cls._meta.model is not None:
            found[f"{cls.__module__}.{cls.__qualname__}.form"] = _filterset_form(cls)
    for name, pattern in patterns:
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None:
            continue
        # The view as a request would build it: its own get_form_class() decides (LoginView
        # takes authentication_form, an UpdateView without form_class builds a ModelForm).
        view = view_class(**pattern.callback.view_initkwargs)
        view.setup(RequestFactory().get("/"))
        view.object = None
        if hasattr(view, "get_form_class"):
            found[f"view {name}: form"] = view.get_form_class()
        if getattr(view, "filterset_class", None) is not None:
            found[f"view {name}: filterset"] = _filterset_form(view.get_filterset_class())
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_PACKAGES:
            found[f"admin {model.__name__}"] = model_admin.form
            for inline in model_admin.inlines:
                found[f"admin {model.__name__}: {inline.__name__}"] = inline.form
    return found


def unnormalised_forms(urlconf: str | None = None) -> list[str]:
    return sorted(
        name
        for name, form_class in forms_in_use(urlconf).items()
        if not issubclass(form_class, NormalizingFormMixin)
    )


# Filter sets read the cached unit and sector catalogues from the database.
@pytest.mark.django_db
def test_every_form_normalises_its_input():
    found = forms_in_use()
    # The walk reaches what it should: our forms, Django's auth forms, filters and the admin.
    assert {"view login: form", "view password_change: form"} <= set(found)
    assert "view enterprises:enterprise_list: filterset" in found
    assert "admin Enterprise" in found
    assert "enterprises.forms.AccountRequestForm" in found
    assert unnormalised_forms() == []


# Filter sets read the cached unit and sector catalogues from the database.
@pytest.mark.django_db
def test_guard_catches_a_new_plain_form():
    class StrayForm(forms.Form):
        name = forms.CharField()

    StrayForm.__module__ = "enterprises.forms"  # as if added there
    try:
        assert [n for n in unnormalised_forms() if "StrayForm" in n] == [
            "enterprises.forms.test_guard_catches_a_new_plain_form.<locals>.StrayForm"
        ]
    finally:
        del StrayForm
        gc.collect()  # the class must not linger in forms.Form.__subclasses__()
    assert unnormalised_forms() == []


# A URL configuration with one of Django's own forms, as a view would use it by default.
urlpatterns = [path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="pw")]


# Filter sets read the cached unit and sector catalogues from the database.
@pytest.mark.django_db
def test_guard_catches_a_view_using_an_unnormalised_form():
    assert unnormalised_forms(urlconf=__name__) == ["view pw: form"]


def test_every_model_with_text_fields_normalises_them():
    missing = [
        model.__name__
        for app in PROJECT_PACKAGES
        for model in apps.get_app_config(app).get_models()
        if any(isinstance(f, models.CharField | models.TextField) for f in model._meta.fields)
        and not issubclass(model, NormalizedTextMixin)
        and not model.__name__.startswith("Historical")  # simple-history's copies
        # Written only by a database trigger from search text that is normalised already.
        and model.__name__ != "SearchWord"
    ]
    assert missing == []


# --- What the base classes do --------------------------------------------------------------


class SampleForm(PortalForm):
    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea)
    code = CodeField()
    password = forms.CharField(strip=False, widget=forms.PasswordInput)
    secret = forms.CharField(strip=False)
    tags = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])


SAMPLE = {
    "name": f"  Chè{ZWSP}\tTam\nĐu\u031bo\u031b\u0300ng{RLO}",
    "note": "Dòng 1\r\n\x00Dòng  2",
    "code": "６２８１５８７８２５",
    "password": f" mật{ZWSP}khẩu ",
    "secret": "\tbí mật ",
    "tags": ["a", "b"],
}
CLEAN = {
    "name": "Chè Tam Đường",
    "note": "Dòng 1\nDòng 2",
    "code": "6281587825",
    "password": f" mật{ZWSP}khẩu ",
    "secret": "\tbí mật ",
    "tags": ["a", "b"],
}


def _querydict(data: dict, prefix: str = "") -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(prefix + key, value if isinstance(value, list) else [value])
    return query


@pytest.mark.parametrize("kind", ["querydict", "dict", "prefixed"])
def test_form_normalises_text_keeps_lines_folds_codes_and_leaves_passwords(kind):
    if kind == "dict":
        form = SampleForm(SAMPLE)
    elif kind == "prefixed":
        form = SampleForm(_querydict(SAMPLE, "x-"), prefix="x")
    else:
        form = SampleForm(_querydict(SAMPLE))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == CLEAN


def test_form_shown_again_shows_the_normalised_value():
    form = SampleForm({**SAMPLE, "tags": ["z"]})
    assert not form.is_valid()
    assert 'value="Chè Tam Đường"' in str(form["name"])


# Filter sets read the cached unit and sector catalogues from the database.
@pytest.mark.django_db
def test_filter_form_normalises_the_search():
    filterset = EnterpriseFilterSet(
        QueryDict(f"q={RLO}ch%C3%A8{ZWSP}"), queryset=Enterprise.objects.none()
    )
    assert filterset.is_valid()
    assert filterset.form.cleaned_data["q"] == "chè"


@pytest.mark.django_db
def test_login_takes_the_user_name_in_any_width(client):
    UserFactory(username="canbo", roles=["officer"])
    response = client.post(
        reverse("login"), {"username": f"ｃａｎｂｏ{ZWSP}", "password": "mat-khau-Thu-nghiem-1"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_lockout_counts_every_spelling_of_a_user_name(client, settings):
    """Normalising the user name must not give a password guesser a new lock per spelling."""
    UserFactory(username="canbo", roles=["officer"])
    spellings = ["canbo", "ｃａｎｂｏ", f"canbo{ZWSP}", f"{RLO}canbo", " canbo"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        name = spellings[attempt % len(spellings)]
        client.post(reverse("login"), {"username": name, "password": "doan-mo"})
    response = client.post(
        reverse("login"), {"username": "canbo", "password": "mat-khau-Thu-nghiem-1"}
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_admin_forms_and_search_normalise(admin_client):
    enterprise = EnterpriseFactory(name="Công ty Chè Tam Đường")
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "name": f"Công ty{ZWSP}\tChè {RLO}Tam Đường",
            "tax_code": "".join(chr(ord(c) + 0xFEE0) for c in enterprise.tax_code),
            "sector": "",
            "admin_unit": enterprise.admin_unit_id,
            "unit_assignments-TOTAL_FORMS": "0",
            "unit_assignments-INITIAL_FORMS": "0",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    enterprise.refresh_from_db()
    assert enterprise.name == "Công ty Chè Tam Đường"
    changelist = reverse("admin:enterprises_enterprise_changelist")
    response = admin_client.get(changelist, {"q": f"Tam{ZWSP} Đường"})
    assert enterprise.name in response.text


# --- Models ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_full_clean_normalises_text_fields_and_codes():
    enterprise = EnterpriseFactory.build(
        name=f"Công ty{ZWSP}\tChè\nTam Đu\u031bo\u031b\u0300ng{RLO}",
        address="Bản\u00a0Nà\u2028Luông",
        tax_code="６２８１５８７８２５",
        phone="０９１２\u3000３４５\u3000６７８",
        admin_unit=None,
    )
    enterprise.full_clean()
    assert enterprise.name == "Công ty Chè Tam Đường"
    assert enterprise.address == "Bản Nà Luông"
    assert enterprise.tax_code == "6281587825"
    assert enterprise.phone == "0912 345 678"


@pytest.mark.django_db
def test_text_fields_keep_their_line_breaks():
    membership = MembershipFactory(note="")
    membership.note = "Dòng 1\r\n\tDòng 2\u2029Dòng 3\x00"
    membership.full_clean()
    assert membership.note == "Dòng 1\nDòng 2\nDòng 3"


@pytest.mark.django_db
def test_save_stores_a_full_width_tax_code_in_ascii():
    enterprise = EnterpriseFactory(tax_code="６２８１５８７８２５")
    assert Enterprise.objects.get(pk=enterprise.pk).tax_code == "6281587825"


def test_membership_phone_is_validated():
    membership = Membership(phone="gọi tôi")
    with pytest.raises(ValidationError) as error:
        membership.clean_fields(exclude=["user", "enterprise", "full_name", "email"])
    assert error.value.message_dict["phone"] == ["Số điện thoại không hợp lệ."]
