"""The layout's parts drawn once per kind of user (``layout_part`` in templatetags/nsc.py) give
the bytes that rendering them on every request gives (as ``DEBUG`` does), for every role, both
languages, any unread count and any name; and what changes per request (name, bell, path, CSRF
token, roles) is never taken from another request's copy."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from laichau_nsc.models import Notification
from laichau_nsc.notifications import UNREAD_COUNT_CAP
from laichau_nsc.templatetags import nsc
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
NOTIFICATIONS = reverse("notification_list")
LOGIN = reverse("login")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    # A masked CSRF token differs on each rendering; it must be there, in the same places.
    return TOKEN.sub('name="csrfmiddlewaretoken" value="…"', response.text)


def _both_ways(settings, client: Client, url: str) -> tuple[str, str]:
    settings.DEBUG = False
    kept = _page(client, url)
    kept_again = _page(client, url)  # from the copies made by the first request
    assert kept_again == kept
    settings.DEBUG = True  # every part rendered on the request, as {% include %} would
    rendered = _page(client, url)
    settings.DEBUG = False
    return kept, rendered


def _unread(user, n: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="test", title=f"Tin {i}") for i in range(n)
    )


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("persona", ["officer", "leader", "ent_a", "superuser", "anonymous"])
def test_kept_parts_give_the_bytes_of_a_rendering(settings, request, persona, language):
    if persona == "anonymous":
        client, url = Client(), f"{LOGIN}?next=/x%3Fa%3D%3Cb%3E%26c"
    elif persona == "superuser":
        user = UserFactory(username="quantri", is_superuser=True, is_staff=True, roles=["officer"])
        client, url = client_for(user), HOME
    else:
        user = request.getfixturevalue(persona)
        client, url = client_for(user), NOTIFICATIONS
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    kept, rendered = _both_ways(settings, client, url)

    assert kept == rendered
    assert 'name="csrfmiddlewaretoken" value="…"' in kept  # the language switcher's form


@pytest.mark.parametrize("unread", [0, 1, 7, UNREAD_COUNT_CAP])
def test_the_bell_shows_each_users_own_count(settings, officer, unread):
    _unread(officer, unread)
    kept, rendered = _both_ways(settings, client_for(officer), HOME)

    assert kept == rendered
    if unread == UNREAD_COUNT_CAP:
        assert ">99+</span>" in kept
    elif unread:
        assert f'aria-hidden="true">{unread}</span>' in kept
    else:
        assert "bi-bell-fill" not in kept


def test_names_and_paths_are_escaped_and_never_shared(settings, officer):
    other = UserFactory(username="canbo2", first_name='<b>"Lò"</b>', roles=["officer"])
    settings.DEBUG = False

    first = client_for(officer).get(f"{NOTIFICATIONS}?q=%3Cscript%3E").text
    second = client_for(other).get(NOTIFICATIONS).text

    assert "Cán bộ" in first
    assert "Cán bộ" not in second
    assert "&lt;b&gt;&quot;Lò&quot;&lt;/b&gt;" in second
    assert '<b>"Lò"</b>' not in second
    assert 'name="next" type="hidden" value="/thong-bao/?q=%3Cscript%3E"' in first
    assert 'name="next" type="hidden" value="/thong-bao/"' in second
    # Each page carries its own session's token, not the one of the page that made the copy.
    assert TOKEN.findall(first)
    assert TOKEN.findall(second)
    assert set(TOKEN.findall(first)).isdisjoint(TOKEN.findall(second))


def test_a_role_taken_away_shows_on_the_next_page(settings, officer):
    settings.DEBUG = False
    client = client_for(officer)
    enterprises = reverse("enterprises:enterprise_list")
    assert f'href="{enterprises}"' in client.get(HOME).text

    officer.groups.clear()
    officer.groups.add(*UserFactory(roles=["enterprise"]).groups.all())

    assert f'href="{enterprises}"' not in client.get(HOME).text


def test_each_part_is_drawn_once_per_kind_of_user(settings, officer):
    settings.DEBUG = False
    nsc._LAYOUT_PARTS.clear()
    client_for(officer).get(NOTIFICATIONS)
    drawn = dict(nsc._LAYOUT_PARTS)

    client_for(UserFactory(username="canbo3", roles=["officer"])).get(NOTIFICATIONS)

    # The head links, the navbar and the footer; another officer draws nothing new.
    assert len(drawn) == 3
    assert drawn == nsc._LAYOUT_PARTS
