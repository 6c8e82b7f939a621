"""Personas and shared fixtures.

Personas (STYLE.md): anonymous, officer, leader, enterprise user of A, enterprise user of B.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.servers.basehttp import WSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import translation

from laichau_nsc.celery import app as celery_app
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.factories import UserFactory

pytest_plugins = ["tests.celery_worker"]


class _SerialLiveServer(WSGIServer):
    """The browser tests' server answering one request at a time.

    On SQLite the test database lives in memory and every live-server thread shares the test's
    one connection; two requests at once (an htmx search still running when the next page is
    asked for) then fail with "database table is locked". PostgreSQL keeps Django's threaded
    server. Responses say ``Connection: close``, so a browser's idle connection never blocks.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LiveServerThread.server_class = _SerialLiveServer

PERSONAS = ("anonymous", "officer", "leader", "ent_a", "ent_b")


def _is_transaction_test(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transaction test restores the migrations' rows after emptying the tables.

    A transaction test without ``serialized_rollback`` leaves the next test in its process with
    no units, sectors, catalogue or declaration rules, and with content types re-created under
    new ids, which the next ``serialized_rollback`` test then fails to restore (a duplicate key
    that depends on the order the tests ran in). One rule for all, so a new test cannot forget
    it. It is set on the ``django_db`` marker, the one place pytest-django reads both when it
    decides to serialize the test database at set-up and when it runs the test.
    """
    for item in items:
        if not _is_transaction_test(item):
            continue
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker is not None else {}
        if kwargs.get("serialized_rollback"):
            continue
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (throttling counters live there), and so does the
    certificate list's per-process cache: a test's rolled-back writes take the data version back
    to a value an earlier test saw (on SQLite; PostgreSQL's never repeats)."""
    from standards import list_cache

    cache.clear()
    list_cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _word_index_statistics_read(monkeypatch):
    """A web process reads the word index's statistics once and keeps them ten minutes
    (``enterprises.search``): a test's query count must not depend on whether an earlier test in
    the same process read them. Each test starts with them read (and empty)."""
    from enterprises import search

    monkeypatch.setattr(search, "_statistics", search._Statistics({}, 0.0))


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English must not leave English active for the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _inline_tasks(request):
    """Tasks run inline unless a test asks for the real worker (``celery_worker`` marker)."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def officer(db):
    return UserFactory(username="canbo", first_name="Cán bộ", roles=["officer"])


@pytest.fixture
def leader(db):
    return UserFactory(username="lanhdao", roles=["leader"])


@pytest.fixture
def enterprise_a(db):
    return EnterpriseFactory(name="Công ty cổ phần Chè Tam Đường")


@pytest.fixture
def enterprise_b(db):
    return EnterpriseFactory(name="Hợp tác xã Nông nghiệp Tân Uyên", legal_form="cooperative")


@pytest.fixture
def ent_a(enterprise_a):
    user = UserFactory(username="doanhnghiep", roles=["enterprise"])
    MembershipFactory(user=user, enterprise=enterprise_a)
    return user


@pytest.fixture
def ent_b(enterprise_b):
    user = UserFactory(username="doanhnghiep2", roles=["enterprise"])
    MembershipFactory(user=user, enterprise=enterprise_b)
    return user


@dataclass
class Persona:
    name: str
    user: object
    client: Client


@pytest.fixture
def personas(officer, leader, ent_a, ent_b) -> dict[str, Persona]:
    """A logged-in client per persona (``anonymous`` has none)."""
    result = {"anonymous": Persona("anonymous", AnonymousUser(), Client())}
    for name, user in (
        ("officer", officer),
        ("leader", leader),
        ("ent_a", ent_a),
        ("ent_b", ent_b),
    ):
        client = Client()
        client.force_login(user)
        result[name] = Persona(name, user, client)
    return result


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
