"""The bench process's environment, set before Django starts, and its database."""

import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import psycopg

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nsc_bench"


def configure_environment(database_url: str) -> None:
    """Production settings (DEBUG off) on the bench database, served over plain local HTTP."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "0",
            "LOG_LEVEL": "WARNING",
            "AXES_VERBOSE": "0",
            # One address sends every request: the public pages' limit must not cut the load
            # (it is still counted, so its cache round trips are measured).
            "PORTAL_PUBLIC_PAGES_PER_HOUR": "1000000000",
            # The same for the API's limit per key (600/min by default).
            "API_THROTTLE_RATE": "1000000000/min",
            # The reminder measure writes real outbox rows: they are never sent.
            "EMAIL_URL": "dummymail://",
        }
    )
    # With a broker (a Redis database of its own, say) the jobs the bench queues are handed to
    # it as in production instead of running inline; nothing consumes them.
    if os.environ.get("BENCH_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = os.environ["BENCH_BROKER_URL"]
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    # A shared cache as in production (Redis, say); without it each worker keeps its own.
    if os.environ.get("BENCH_CACHE_URL"):
        os.environ["CACHE_URL"] = os.environ["BENCH_CACHE_URL"]
    os.environ.pop("PYTEST_VERSION", None)


def ensure_database(url: str, log) -> None:
    """Create the bench database when the server has none of that name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        # The bench writes a million synthetic rows: never into a database that is not for it.
        raise SystemExit(
            f"BENCH_DATABASE_URL must name a database containing 'bench', not {name!r}"
        )
    try:
        psycopg.connect(url, connect_timeout=5).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise SystemExit(f"Cannot reach the bench database: {exc}") from None
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    log(f"Created database {name}.")
