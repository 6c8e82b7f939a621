"""In-portal notifications (the bell) and their e-mails, in each recipient's language.

``notify()`` is the one way the portal tells users something happened (a certificate about to
expire, later a declaration accepted): for each recipient it writes a ``Notification`` and puts
an e-mail in the outbox (``laichau_nsc.mail``), both rendered in the language the recipient last
chose (``UserProfile.language``; Vietnamese when they never chose). It runs in the caller's
transaction, so a caller that rolls back leaves neither, and it is idempotent per recipient and
``dedupe_key``: the notification's unique constraint and the outbox's unique key make a second
call (a second run of a nightly job, a concurrent one) add nothing.

A notification kind is a template prefix, e.g. ``standards/email/certificate_expiry``:

- ``<prefix>_subject.txt``: the notification's title and the e-mail's subject;
- ``<prefix>_notification.txt``: the notification's text (short: the list shows it);
- ``<prefix>_body.txt`` and ``<prefix>_body.html``: the e-mail.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .mail import queue_mail, render_mail
from .models import Notification, UserProfile
from .prepared import one_parameter_sql

#: The bell shows "99+" past this: counting stops there, so the query stays cheap however many
#: unread notifications pile up.
UNREAD_COUNT_CAP = 100


@dataclass(frozen=True)
class Recipient:
    pk: int
    email: str
    language: str


def recipients(users: Iterable[Model | int]) -> list[Recipient]:
    """Active users among ``users`` (objects or ids) with their e-mail and language: one query."""
    ids = {user if isinstance(user, int) else user.pk for user in users}
    if not ids:
        return []
    rows = (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .order_by("pk")
        .values_list("pk", "email", "portal_profile__language")
    )
    supported = {code for code, _name in settings.LANGUAGES}
    return [
        Recipient(pk, email, language if language in supported else settings.LANGUAGE_CODE)
        for pk, email, language in rows
    ]


@dataclass(frozen=True)
class Message:
    """One fact to tell ``users`` about (see ``notify``)."""

    users: tuple
    kind: str
    template: str
    context: dict[str, Any]
    url: str
    dedupe_key: str


def notify(
    users: Iterable[Model | int],
    *,
    kind: str,
    template: str,
    context: dict[str, Any],
    url: str,
    dedupe_key: str,
) -> int:
    """Notify each of ``users`` once per ``dedupe_key``: a notification and an e-mail each.

    ``url`` is the path of the record the notification is about (the list links to it; the
    e-mail gets it absolute as ``record_url``). Returns how many recipients were notified now
    (those notified before under the same key are left alone). Call it inside the transaction
    of the change it tells about.
    """
    return notify_many([Message(tuple(users), kind, template, context, url, dedupe_key)])


def notify_many(messages: list[Message]) -> int:
    """``notify`` for many facts at once (a nightly job's chunk): the recipients, the
    notifications already sent and the new notifications are one query each, whatever the
    number of messages; each e-mail is one outbox row."""
    if any(not message.dedupe_key for message in messages):
        raise ValueError("notify() needs a dedupe_key: a notification must be sent only once")
    people = {
        person.pk: person
        for person in recipients(user for message in messages for user in message.users)
    }
    if not people:
        return 0
    done = set(
        Notification.objects.filter(
            recipient_id__in=list(people), dedupe_key__in={m.dedupe_key for m in messages}
        ).values_list("recipient_id", "dedupe_key")
    )
    now = timezone.now()
    notifications, mails = [], []
    for message in messages:
        ids = dict.fromkeys(user if isinstance(user, int) else user.pk for user in message.users)
        todo = [people[pk] for pk in ids if pk in people and (pk, message.dedupe_key) not in done]
        rendered: dict[str, dict[str, str]] = {}
        for person in todo:
            if person.language not in rendered:
                rendered[person.language] = _render(
                    message.template, message.context, message.url, person.language
                )
            text = rendered[person.language]
            notifications.append(
                Notification(
                    recipient_id=person.pk,
                    kind=message.kind,
                    title=text["title"],
                    body=text["text"],
                    url=message.url,
                    dedupe_key=message.dedupe_key,
                    created_at=now,
                )
            )
            if person.email:
                mails.append((message, person))
    # A concurrent call that got there first keeps its row (ignore_conflicts); its e-mail has the
    # same outbox key as ours below, so the recipient still gets one of each.
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    for message, person in mails:
        queue_mail(
            template=message.template,
            to=[person.email],
            context={**message.context, "record_url": f"{settings.SITE_URL}{message.url}"},
            language=person.language,
            dedupe_key=f"notification:{message.dedupe_key}:{person.pk}",
        )
    return len(notifications)


def _render(template: str, context: dict[str, Any], url: str, language: str) -> dict[str, str]:
    mail_context = {**context, "record_url": f"{settings.SITE_URL}{url}"}
    title = render_mail(template=template, context=mail_context, language=language)["subject"]
    with translation.override(language):
        text = render_to_string(f"{template}_notification.txt", context).strip()
    return {"title": title[:300], "text": text}


# --- Reading and marking read ----------------------------------------------------------------


def unread_count(user: Model) -> int:
    """Unread notifications of ``user``, counted up to ``UNREAD_COUNT_CAP`` (one query on the
    partial index of unread rows; every page's bell runs it, so its SQL is compiled once)."""
    with connections[Notification.objects.db].cursor() as cursor:
        cursor.execute(_unread_count_sql(Notification.objects.db), [user.pk])
        return cursor.fetchone()[0]


# The recipient the count's SQL is compiled with; no user has it.
_NOBODY = -1_234_567


@functools.cache
def _unread_count_sql(alias: str) -> str:
    unread = Notification.objects.using(alias).filter(recipient_id=_NOBODY, read_at__isnull=True)
    ids = one_parameter_sql(unread.order_by().values("pk")[:UNREAD_COUNT_CAP], _NOBODY)
    return f"SELECT COUNT(*) FROM ({ids}) AS unread"  # noqa: S608  (the ORM's SQL, no value in it)


def notification_mark_read(*, user: Model, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read; another user's is ``DoesNotExist`` (a 404)."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: Model) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def language_remember(*, user: Model, language: str) -> None:
    """Keep the language ``user`` chose: their notifications and e-mails are written in it."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        return
    UserProfile.objects.update_or_create(user=user, defaults={"language": language})
