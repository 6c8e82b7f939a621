"""The bench data: migrated, topped up to the wanted size, and a signed-in officer."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from enterprises.models import Enterprise
from laichau_nsc.roles import Role
from standards.models import Certificate

Log = Callable[[str], None]
BENCH_USERNAME = "bench_officer"


def migrate_and_fill(enterprises: int, certificates: int, log: Log) -> tuple[int, int]:
    """Migrate, then generate enterprises and certificates until at least that many exist;
    the counts."""
    call_command("migrate", interactive=False, verbosity=0)
    have = Enterprise.objects.count()
    if have < enterprises:
        log(f"Database holds {have:,} enterprises; generating {enterprises - have:,} more…")
        started = time.perf_counter()
        call_command("generate_synthetic", enterprises=enterprises - have, verbosity=1)
        log(f"Generated in {time.perf_counter() - started:.0f} s.")
    held = Certificate.objects.count()
    if held < certificates:
        log(f"Database holds {held:,} certificates; generating {certificates - held:,} more…")
        started = time.perf_counter()
        call_command(
            "generate_synthetic", certificates=certificates - held, batch=50_000, verbosity=1
        )
        log(f"Generated in {time.perf_counter() - started:.0f} s.")
    return Enterprise.objects.count(), Certificate.objects.count()


def officer_session() -> tuple[object, str]:
    """The bench officer and a ``Cookie`` header of a signed-in session.

    The session is made directly (``force_login``): the login form is throttled by axes.
    """
    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USERNAME, defaults={"email": "bench@example.vn"}
    )
    user.groups.add(Group.objects.get(name=Role.OFFICER))
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return user, f"{settings.SESSION_COOKIE_NAME}={cookie}"
