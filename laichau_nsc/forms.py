"""Form base classes: every form of the portal normalises its input before validating it.

A form's bound data goes through ``laichau_nsc.text`` field by field before any field cleans it:
text fields with ``normalize_text``, multi-line ones (a ``Textarea``) keeping their line breaks,
codes and numbers (``CodeField``) with ``normalize_code``. Passwords (``strip=False`` or a
``PasswordInput``), files and JSON are left exactly as sent. Forms start from ``PortalForm`` /
``PortalModelForm`` (or put ``NormalizingFormMixin`` first among their bases);
``tests/test_normalisation.py`` walks the project's forms and fails for one that does not.
"""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .files import named_for_storage, validate_document
from .text import normalize_code, normalize_text


class CodeField(forms.CharField):
    """A code or number typed by hand (tax code, phone, GTIN, user name): NFKC-normalised, so
    full-width ６２８ typed with a Vietnamese IME is 628."""

    is_code = True


def _multiline(value: str) -> str:
    return normalize_text(value, multiline=True)


def field_normalizer(field: forms.Field) -> Callable[[str], str] | None:
    """How the posted values of ``field`` are normalised; None leaves them as sent."""
    if isinstance(field, forms.FileField | forms.JSONField):
        return None
    if getattr(field, "strip", True) is False or isinstance(field.widget, forms.PasswordInput):
        return None  # a password is exactly what was typed
    if getattr(field, "is_code", False):
        return normalize_code
    if isinstance(field.widget, forms.Textarea):
        return _multiline
    return normalize_text


def _data_keys(form: forms.BaseForm, name: str, field: forms.Field) -> list[str]:
    """The keys of ``form.data`` the field's widget reads (a MultiWidget reads several)."""
    html_name = form.add_prefix(name)
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        return [html_name + suffix for suffix in widget.widgets_names]
    return [html_name]


def _normalize_value(normalizer: Callable[[str], str], value):
    if isinstance(value, str):
        return normalizer(value)
    if isinstance(value, list | tuple):
        return [normalizer(v) if isinstance(v, str) else v for v in value]
    return value


def normalized_data(form: forms.BaseForm):
    """A copy of ``form.data`` with every field's values normalised (other keys as they were)."""
    data = form.data.copy()
    multi = hasattr(data, "getlist")
    for name, field in form.fields.items():
        normalizer = field_normalizer(field)
        if normalizer is None:
            continue
        for key in _data_keys(form, name, field):
            if key not in data:
                continue
            if multi:
                data.setlist(key, _normalize_value(normalizer, data.getlist(key)))
            else:
                data[key] = _normalize_value(normalizer, data[key])
    return data


class NormalizingFormMixin:
    """Normalises the bound data when the form validates, before any field cleans it.

    Done in ``full_clean`` rather than ``__init__`` so that fields a subclass adds or changes
    in its own ``__init__`` are normalised as they end up; a form shown again with its errors
    shows the normalised values.
    """

    def full_clean(self) -> None:
        if self.is_bound:
            self.data = normalized_data(self)
        super().full_clean()


class PortalForm(NormalizingFormMixin, forms.Form):
    """The base of every plain form."""


class PortalModelForm(NormalizingFormMixin, forms.ModelForm):
    """The base of every ModelForm (also the admin's, through ``laichau_nsc.admin``)."""


def _document_help_text() -> str:
    return gettext("PDF, JPEG hoặc PNG; tối đa %(size)s MB.") % {
        "size": settings.PORTAL_UPLOAD_MAX_BYTES // (1024 * 1024)
    }


# Evaluated when the form is shown, in the reader's language.
_document_help = lazy(_document_help_text, str)


class DocumentField(forms.FileField):
    """A scan or dossier: PDF, JPEG or PNG judged by its content (``laichau_nsc.files``).

    The cleaned file is renamed ``<stem><extension of its real type>``.
    """

    def __init__(self, *, stem: str = "tep", **kwargs):
        self.stem = stem
        kwargs.setdefault("help_text", _document_help())
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,application/pdf,image/*")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "seek"):
            kind = validate_document(upload)
            upload = named_for_storage(upload, kind, self.stem)
        return upload


# --- Authentication -----------------------------------------------------------------------------


class LoginForm(NormalizingFormMixin, auth_forms.AuthenticationForm):
    """Django's login form with Vietnamese labels and browser autocomplete hints.

    The user name is a code: NFKC, as Django normalises user names when it stores them, so
    "ｃａｎｂｏ" or "canbo" followed by a zero-width space is "canbo" (and counts against the
    same login-throttling lock).
    """

    username = CodeField(
        label=_("Tên đăng nhập"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class PasswordChangeForm(NormalizingFormMixin, auth_forms.PasswordChangeForm):
    """Django's form; all its fields are passwords, which are left as typed."""


class PasswordResetForm(NormalizingFormMixin, auth_forms.PasswordResetForm):
    """Django's form; the e-mail address is normalised like any text."""


class SetPasswordForm(NormalizingFormMixin, auth_forms.SetPasswordForm):
    """Django's form (password reset link); passwords are left as typed."""
