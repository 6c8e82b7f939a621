"""E-mail through the outbox: templates kept as subject / text / html triplets.

``queue_mail`` renders the message in the recipient's language and saves it as an
``OutboundEmail`` row in the caller's transaction; the job runner sends it after the commit and
retries while the mail server (or the broker) is away. Nothing sends mail inside a request.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from . import jobs
from .models import OutboundEmail


def render_mail(*, template: str, context: dict[str, Any], language: str | None = None) -> dict:
    """Subject, text and html of ``template`` in ``language`` (the portal's default if None)."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    return {"subject": subject[:300], "body_text": text, "body_html": html}


def queue_mail(
    *,
    template: str,
    to: list[str],
    context: dict[str, Any],
    language: str | None = None,
    dedupe_key: str = "",
) -> OutboundEmail | None:
    """Put a message in the outbox; with a ``dedupe_key``, at most one message for that key."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    rendered = render_mail(template=template, context=context, language=language)
    return jobs.submit(
        OutboundEmail, dedupe_key=dedupe_key, template=template, to=recipients, **rendered
    )


def outbound_email_send(*, job: OutboundEmail, ctx: jobs.RunContext) -> dict:
    """The job runner's handler: send one outbox message (an error means: try again later)."""
    message = EmailMultiAlternatives(
        job.subject, job.body_text, settings.DEFAULT_FROM_EMAIL, list(job.to)
    )
    if job.body_html:
        message.attach_alternative(job.body_html, "text/html")
    ctx.check()
    message.send()
    return {}
