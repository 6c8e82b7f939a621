"""Deployment checks of our own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Back ends that never deliver a message: fine while developing, wrong in production.
UNDELIVERED_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "console",
    "django.core.mail.backends.filebased.EmailBackend": "filebased",
    "django.core.mail.backends.locmem.EmailBackend": "locmem",
    "django.core.mail.backends.dummy.EmailBackend": "dummy",
}


@register(Tags.security, deploy=True)
def check_mail_is_delivered(app_configs, **kwargs) -> list[Error]:
    """Without DEBUG, mail must really be sent: a console back end writes password-reset links
    (which log anybody in) to the server's log, and officers and enterprises get nothing."""
    backend = settings.EMAIL_BACKEND
    if settings.DEBUG or backend not in UNDELIVERED_MAIL_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is the {UNDELIVERED_MAIL_BACKENDS[backend]} back end with DEBUG off: "
            "no e-mail reaches anyone, and password-reset links would be written to the log.",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.gov.vn:587.",
            id="nsc.E001",
        )
    ]
