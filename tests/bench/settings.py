"""Settings of the benchmark server: the production settings plus a bench-only URLconf.

The environment (DEBUG off, DATABASE_URL …) is prepared by ``python -m tests.bench``.
"""

from laichau_nsc.settings import *  # noqa: F403

# The baseline view lives only here, never in the portal's URLs.
ROOT_URLCONF = "tests.bench.urls"
# Plain static URLs: the bench requests no static file, so it needs no collectstatic (whose
# manifest lookup would cost the same dictionary access per URL).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise wants the directory to exist; it stays empty.
STATIC_ROOT = BASE_DIR / "bench-results" / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Sign-in events of the bench officer are not news.
LOGGING["loggers"]["axes"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["laichau_nsc.auth"]["level"] = "WARNING"  # noqa: F405
