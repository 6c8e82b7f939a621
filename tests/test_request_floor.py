"""What every signed-in request costs before its view's own work (README, Benchmarks): the
session, the user with its roles in one query, the bell's count; and that none of it is kept
longer than it is true: a deactivated user, a removed role, a changed password or a logout take
effect on the next request, with sessions in the database and with sessions in a shared cache.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from laichau_nsc.backends import PortalModelBackend
from laichau_nsc.roles import Role, roles_of
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory
from tests.helpers import count_queries

DB_SESSIONS = "django.contrib.sessions.backends.db"
CACHED_SESSIONS = "django.contrib.sessions.backends.cached_db"
ENTERPRISE_LIST = reverse("enterprises:enterprise_list")
NOTIFICATIONS = reverse("notification_list")
HOME = reverse("home")


@pytest.fixture(params=[DB_SESSIONS, CACHED_SESSIONS], ids=["db-sessions", "cached-sessions"])
def session_engine(request, settings):
    """Each test runs with sessions in the database (per-process caches) and in the shared
    cache with the database behind it (production with Redis)."""
    settings.SESSION_ENGINE = request.param
    return request.param


def link(url: str) -> str:
    return f'href="{url}"'


def _bare_signed_in(settings, code: str) -> str:
    settings.ROOT_URLCONF = "tests.bench.urls"
    return f"/bench/bare-signed-in/?tax_code={code}"


# --- The floor's queries ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_in_lookup_costs_the_session_the_user_and_the_lookup(settings, officer):
    url = _bare_signed_in(settings, EnterpriseFactory(name="Công ty Chè Tam Đường").tax_code)
    client = client_for(officer)

    status, count, sql = count_queries(client, url)

    assert status == 200
    # the session; the user with its groups (the roles, one left join); the lookup.
    assert count == 3, "\n".join(sql)
    assert "auth_group" in sql[1]


@pytest.mark.django_db
def test_a_cached_session_costs_no_query(settings, officer):
    settings.SESSION_ENGINE = CACHED_SESSIONS
    url = _bare_signed_in(settings, EnterpriseFactory().tax_code)
    client = client_for(officer)

    status, count, sql = count_queries(client, url)

    assert status == 200
    # the user with its roles; the lookup. The session came from the cache.
    assert count == 2, "\n".join(sql)
    assert not any("django_session" in q for q in sql)


@pytest.mark.django_db
def test_the_smallest_layout_page_costs_four_queries(ent_a):
    status, count, sql = count_queries(client_for(ent_a), NOTIFICATIONS)

    assert status == 200
    # the session; the user with its roles; the page's count of notifications (none, so no
    # rows are read); the bell's unread count. The menu is rendered once per process.
    assert count == 4, "\n".join(sql)


@pytest.mark.django_db
def test_the_bell_is_counted_by_one_query_of_the_unread(ent_a, officer):
    from tests.test_notifications import add_notifications

    add_notifications(ent_a, 3)
    add_notifications(ent_a, 2, read=True)
    add_notifications(officer, 4)

    _status, _count, sql = count_queries(client_for(ent_a), NOTIFICATIONS)
    html = client_for(ent_a).get(HOME).content.decode()

    assert len([q for q in sql if "read_at" in q and "IS NULL" in q]) == 1
    assert "3 thông báo chưa đọc" in html


# --- The user and its roles, read fresh -----------------------------------------------------


@pytest.mark.django_db
def test_the_backend_reads_every_role_of_the_user():
    user = UserFactory(roles=[Role.LEADER, Role.ENTERPRISE, "not-a-role"])
    loaded = PortalModelBackend().get_user(user.pk)
    assert loaded == user
    assert roles_of(loaded) == {Role.LEADER, Role.ENTERPRISE}


@pytest.mark.django_db
def test_the_backend_gives_a_user_without_groups_no_role_and_a_superuser_the_officers():
    plain = PortalModelBackend().get_user(UserFactory().pk)
    superuser = PortalModelBackend().get_user(UserFactory(is_superuser=True).pk)
    assert roles_of(plain) == frozenset()
    assert roles_of(superuser) == {Role.OFFICER}


@pytest.mark.django_db
def test_the_backend_refuses_an_inactive_or_missing_user(django_assert_num_queries):
    inactive = UserFactory(is_active=False, roles=[Role.OFFICER])
    with django_assert_num_queries(1):
        assert PortalModelBackend().get_user(inactive.pk) is None
    assert PortalModelBackend().get_user(inactive.pk + 1000) is None


@pytest.mark.django_db
def test_a_deactivated_user_is_signed_out_on_the_next_request(session_engine, officer):
    client = client_for(officer)
    assert client.get(ENTERPRISE_LIST).status_code == 200

    # Deactivated without a signal (a bulk update), as any tool could.
    get_user_model().objects.filter(pk=officer.pk).update(is_active=False)

    response = client.get(ENTERPRISE_LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_removed_role_is_refused_on_the_next_request(session_engine, officer):
    client = client_for(officer)
    assert client.get(ENTERPRISE_LIST).status_code == 200
    assert link(ENTERPRISE_LIST) in client.get(HOME).content.decode()  # the officers' menu

    # Removed behind the ORM's back too: the link row deleted, no m2m signal.
    get_user_model().groups.through.objects.filter(user=officer).delete()

    assert client.get(ENTERPRISE_LIST).status_code == 403
    html = client.get(HOME).content.decode()
    assert link(ENTERPRISE_LIST) not in html  # the menu of a user without a role
    assert "chưa được phân quyền" in html


@pytest.mark.django_db
def test_a_role_given_shows_on_the_next_request(session_engine):
    user = UserFactory(roles=[Role.ENTERPRISE])
    client = client_for(user)
    assert client.get(ENTERPRISE_LIST).status_code == 403

    user.groups.add(Group.objects.get_or_create(name=Role.LEADER)[0])

    assert client.get(ENTERPRISE_LIST).status_code == 200
    assert link(reverse("dashboard:dashboard")) in client.get(NOTIFICATIONS).content.decode()


@pytest.mark.django_db
def test_a_changed_password_ends_the_other_sessions(session_engine, officer):
    elsewhere = client_for(officer)
    assert elsewhere.get(ENTERPRISE_LIST).status_code == 200
    here = Client()
    signed_in = here.post(
        reverse("login"), {"username": officer.username, "password": "mat-khau-Thu-nghiem-1"}
    )
    assert signed_in.status_code == 302

    response = here.post(
        reverse("password_change"),
        {
            "old_password": "mat-khau-Thu-nghiem-1",
            "new_password1": "Che-Shan-Tuyet-2026",
            "new_password2": "Che-Shan-Tuyet-2026",
        },
    )
    assert response.status_code == 302

    # The session that changed it stays signed in; every other one is signed out.
    assert here.get(ENTERPRISE_LIST).status_code == 200
    assert elsewhere.get(ENTERPRISE_LIST).status_code == 302


@pytest.mark.django_db
def test_a_password_set_by_an_administrator_ends_every_session(session_engine, officer):
    client = client_for(officer)
    assert client.get(ENTERPRISE_LIST).status_code == 200

    officer.set_password("Mat-khau-moi-2026")
    officer.save()

    assert client.get(ENTERPRISE_LIST).status_code == 302


@pytest.mark.django_db
def test_a_session_ended_by_logout_cannot_be_replayed(session_engine, settings, officer):
    client = client_for(officer)
    assert client.get(ENTERPRISE_LIST).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post(reverse("logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie

    assert replay.get(ENTERPRISE_LIST).status_code == 302


# --- The menu, rendered once per set of roles and language ----------------------------------


@pytest.mark.django_db
def test_each_role_gets_its_own_menu_from_the_shared_renderings(officer, leader, ent_a):
    pages = {
        name: client_for(user).get(NOTIFICATIONS).content.decode()
        for name, user in (("officer", officer), ("leader", leader), ("ent_a", ent_a))
    }
    membership_requests = reverse("enterprises:membership_list")
    assert link(membership_requests) in pages["officer"]
    assert link(membership_requests) not in pages["leader"]
    assert link(ENTERPRISE_LIST) in pages["leader"]
    assert link(ENTERPRISE_LIST) not in pages["ent_a"]
    assert link(reverse("enterprises:my_enterprise")) in pages["ent_a"]


@pytest.mark.django_db
def test_the_menu_follows_the_language(officer):
    client = client_for(officer)
    assert "Doanh nghiệp" in client.get(NOTIFICATIONS).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": NOTIFICATIONS})
    html = client.get(NOTIFICATIONS).content.decode()
    assert ">Enterprises<" in html
    assert ">Doanh nghiệp<" not in html


def _menu(html: str) -> str:
    start = html.index('<ul class="navbar-nav me-auto">')
    return " ".join(html[start : html.index('<ul class="navbar-nav">', start)].split())


@pytest.mark.django_db
def test_the_shared_menu_is_the_menu_rendered_afresh(settings, officer, leader, ent_a):
    users = (officer, leader, ent_a, UserFactory())
    shared = [_menu(client_for(user).get(NOTIFICATIONS).content.decode()) for user in users]
    settings.DEBUG = True  # the menu is then rendered for every page
    fresh = [_menu(client_for(user).get(NOTIFICATIONS).content.decode()) for user in users]
    assert shared == fresh
    assert len(set(shared)) == 4
