"""English catalogue; language by cookie only; Vietnamese dates and numbers in both languages."""

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils import translation

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
LOGIN = reverse("login")
# %(name)s, %(count)d, %s … as Python's %-formatting reads them; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdifr]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _entries() -> list[polib.POEntry]:
    return list(polib.pofile(str(PO_PATH)))


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: the singular, then every plural form against msgid_plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = sorted(entry.msgstr_plural.items())
    return [(entry.msgid if n == 0 else entry.msgid_plural, text) for n, text in forms]


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogue() -> None:
    """Compile the .po when its .mo is missing or older, as `make messages` does.

    `make test` compiles first; a bare `pytest` may not have. Written to a temporary file and
    renamed, so pytest-xdist workers never read a half-written catalogue.
    """
    mo_path = PO_PATH.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < PO_PATH.stat().st_mtime:
        tmp = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
        polib.pofile(str(PO_PATH)).save_as_mofile(str(tmp))
        os.replace(tmp, mo_path)
    # Django caches each language's catalogue once loaded; Django's own receiver for this signal
    # drops that cache, so an English catalogue loaded before the .mo existed is read again.
    setting_changed.send(
        sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
    )


def test_every_entry_is_translated_and_not_fuzzy():
    po = polib.pofile(str(PO_PATH))
    assert po.metadata["Language"] == "en"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    for entry in po:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid


def test_translations_keep_the_placeholders():
    wrong = [
        (source, text)
        for entry in _entries()
        for source, text in _translations(entry)
        if _placeholders(source) != _placeholders(text)
    ]
    assert wrong == []


def test_translations_keep_the_html_tags():
    wrong = [
        (source, text)
        for entry in _entries()
        for source, text in _translations(entry)
        if sorted(HTML_TAG.findall(source)) != sorted(HTML_TAG.findall(text))
    ]
    assert wrong == []


@pytest.mark.django_db
def test_language_cookie_shows_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(LOGIN).text
    assert '<html lang="en">' in text
    assert "Log in to the Productivity and Quality Portal" in text
    assert "Đăng nhập" not in text


@pytest.mark.django_db
def test_browser_language_alone_keeps_vietnamese(client):
    text = client.get(LOGIN, headers={"accept-language": "en"}).text
    assert '<html lang="vi">' in text
    assert "Đăng nhập" in text
    assert "Log in" not in text


@pytest.mark.django_db
def test_language_switcher_sets_the_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    text = client.get(response.url).text
    assert '<html lang="en">' in text
    assert "Đăng nhập" not in text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_and_amounts_look_vietnamese_in_both_languages(language):
    template = Template(
        '{% load nsc %}{{ d|date:"SHORT_DATE_FORMAT" }}|{{ amount|vnd }}|{{ count|number }}'
    )
    context = Context({"d": date(2026, 7, 1), "amount": 1500000, "count": 1234567})
    with translation.override(language):
        text = template.render(context)
    assert text == "01/07/2026|1.500.000 ₫|1.234.567"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_times_are_shown_in_vietnam_time(language):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    template = Template('{{ at|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override(language):
        text = template.render(Context({"at": datetime(2026, 1, 1, 17, 30, tzinfo=UTC)}))
    assert text == "02/01/2026 00:30"
