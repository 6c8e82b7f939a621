"""Every write to traceability records (lots) and their stages goes through these functions.

A lot is what Circular 02/2024/TT-BKHCN asks a traceability record to show for one batch of a
product: trace code, lot number, production date, best-before date or shelf life, and the stages
it went through (what, where, when). Its product's public page shows it once published.

Who may do what:

- an **officer** records and edits lots of any product;
- an **enterprise user** (approved member) records and edits the lots of its own enterprise's
  products, never another's (the product is fetched through ``for_user`` and checked again here);
- a **leader** changes nothing.

Both set the same fields (``LOT_FIELDS``); a field outside them (a forged ``product``,
``version``, ``created_at`` …) is refused, and the trace code cannot change once the lot exists:
it is printed on labels and encoded in their QR codes. Stages are replaced as a whole with each
save, in the order given; each is checked (a GLN of the enterprise itself, dates in order).

Every write also moves the product's ``updated_at``: the public page is cached under it
(``selectors_public_products.page_stamp``), so a changed lot shows at once.

A refused write raises ``ValidationError`` (a Vietnamese message, nothing changed) or
``PermissionDenied``; a stale version raises ``EditConflictError``.
"""

import datetime
import re
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laichau_nsc.editing import lock_for_update
from laichau_nsc.text import normalize_code

from .models import LocationNumber, Product, TraceabilityRecord, TraceabilityStage

# The certificate services' checks of who acts and which fields they set, shared on purpose:
# one rule for every record an enterprise proposes or edits.
from .services import _actor, _as_user, _only_fields

#: What an officer or an enterprise user sets on a new lot.
LOT_FIELDS = (
    "trace_code",
    "lot",
    "produced_on",
    "best_before",
    "shelf_life",
    "note",
    "is_published",
)
#: What they may change later: not the trace code, which is printed on labels.
LOT_UPDATE_FIELDS = tuple(f for f in LOT_FIELDS if f != "trace_code")
#: What each stage carries.
STAGE_FIELDS = ("what", "where", "location", "started_on", "ended_on")
MAX_STAGES = 30

#: Trace codes are read off a label and typed: no 0/O, 1/I/L to confuse.
TRACE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACE_CODE_LENGTH = 10
_TRACE_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{3,39}")
#: A lot number as GS1 can carry it (application identifier 10: up to 20 characters) and a
#: URL can hold without surprises: letters without diacritics, digits, - . / _
LOT_MAX_LENGTH = 20
_LOT = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]*")


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def new_trace_code() -> str:
    """A random trace code such as ``K7M4Q-9P2XH``: 31^10 ≈ 8·10^14 codes, grouped by five
    so it reads off a label, without characters that look alike."""
    chars = "".join(secrets.choice(TRACE_CODE_ALPHABET) for _ in range(TRACE_CODE_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def clean_trace_code(value: str) -> str:
    """A trace code as stored and looked up: NFKC, no spaces, upper case."""
    return normalize_code(value or "").replace(" ", "").upper()


# --- Checks ------------------------------------------------------------------------------------


def _check_product_open(product: Product) -> None:
    if product.is_archived or product.enterprise.is_archived:
        raise ValidationError(
            _("Sản phẩm “%(name)s” (hoặc doanh nghiệp của nó) đã lưu trữ; không ghi nhận lô mới.")
            % {"name": product.name}
        )


def _check_trace_code(record: TraceabilityRecord) -> None:
    code = record.trace_code
    if not _TRACE_CODE.fullmatch(code):
        raise ValidationError(
            {
                "trace_code": _(
                    "Mã truy xuất gồm 4 đến 40 chữ cái không dấu, chữ số và các dấu - . _ "
                    "(bắt đầu bằng chữ hoặc số). Để trống để hệ thống tự tạo."
                )
            }
        )
    if TraceabilityRecord.objects.filter(trace_code=code).exclude(pk=record.pk).exists():
        raise ValidationError(
            {
                "trace_code": _(
                    "Mã truy xuất %(code)s đã được dùng cho một lô khác. Hãy chọn mã khác, hoặc "
                    "để trống để hệ thống tự tạo."
                )
                % {"code": code}
            }
        )


def _free_trace_code() -> str:
    while True:  # a clash is a one-in-10^14 event; the loop only makes it harmless
        code = new_trace_code()
        if not TraceabilityRecord.objects.filter(trace_code=code).exists():
            return code


def _check_lot(record: TraceabilityRecord) -> None:
    lot = record.lot
    if not lot:
        raise ValidationError({"lot": _("Nhập số lô.")})
    if len(lot) > LOT_MAX_LENGTH or not _LOT.fullmatch(lot):
        raise ValidationError(
            {
                "lot": _(
                    "Số lô gồm tối đa %(max)d chữ cái không dấu, chữ số và các dấu - . / _ "
                    "(như mã vạch GS1 mang được), không có dấu cách."
                )
                % {"max": LOT_MAX_LENGTH}
            }
        )
    # "L01" and "l01" on two labels would be one lot to anyone reading them.
    duplicate = (
        TraceabilityRecord.objects.filter(product_id=record.product_id, lot__iexact=lot)
        .exclude(pk=record.pk)
        .first()
    )
    if duplicate is not None:
        raise ValidationError(
            {
                "lot": _(
                    "Sản phẩm “%(product)s” đã có lô “%(lot)s” (mã truy xuất %(code)s). Mỗi lô "
                    "của một sản phẩm có một số lô riêng: hãy sửa lô đó, hoặc dùng số lô khác."
                )
                % {
                    "product": record.product.name,
                    "lot": duplicate.lot,
                    "code": duplicate.trace_code,
                }
            }
        )


def _check_dates(record: TraceabilityRecord, today: datetime.date) -> None:
    errors: dict[str, list[str]] = {}
    if record.produced_on and record.produced_on > today:
        errors.setdefault("produced_on", []).append(
            _("Ngày sản xuất (%(day)s) ở tương lai: chỉ ghi nhận lô đã sản xuất.")
            % {"day": _day(record.produced_on)}
        )
    if record.best_before and record.produced_on and record.best_before < record.produced_on:
        errors.setdefault("best_before", []).append(
            _("Hạn sử dụng (%(best)s) trước ngày sản xuất (%(made)s).")
            % {"best": _day(record.best_before), "made": _day(record.produced_on)}
        )
    if errors:
        raise ValidationError(errors)


def _stage_day(stage: dict[str, Any]) -> datetime.date | None:
    """When a stage happened, for ordering: its start, else its end."""
    return stage.get("started_on") or stage.get("ended_on")


def _stage_problem(
    number: int, stage: dict[str, Any], previous: dict[str, Any] | None, today: datetime.date
) -> str | None:
    """Why the ``number``-th stage cannot be saved after ``previous`` (or None)."""
    start, end = stage.get("started_on"), stage.get("ended_on")
    if not stage.get("what"):
        return _("Công đoạn %(n)d: nhập tên công đoạn (làm gì).") % {"n": number}
    if start and end and end < start:
        return _(
            "Công đoạn %(n)d “%(what)s”: ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s)."
        ) % {
            "n": number,
            "what": stage["what"],
            "end": _day(end),
            "start": _day(start),
        }
    for day in (start, end):
        if day and day > today:
            return _("Công đoạn %(n)d “%(what)s”: ngày %(day)s ở tương lai.") % {
                "n": number,
                "what": stage["what"],
                "day": _day(day),
            }
    day, before = _stage_day(stage), _stage_day(previous) if previous else None
    if day and before and day < before:
        return _(
            "Công đoạn %(n)d “%(what)s” (ngày %(day)s) diễn ra trước công đoạn liền trước "
            "“%(previous)s” (ngày %(before)s). Hãy xếp các công đoạn theo thứ tự thời gian."
        ) % {
            "n": number,
            "what": stage["what"],
            "day": _day(day),
            "previous": previous["what"],
            "before": _day(before),
        }
    return None


def _clean_stages(
    stages: Sequence[dict[str, Any]], product: Product, today: datetime.date
) -> list[dict[str, Any]]:
    """The stages as they will be saved, or a ``ValidationError`` naming the first problem.

    A location (GLN) must be one of the product's enterprise's own, not archived: a GLN id
    posted from another enterprise's form is refused, not saved.
    """
    if len(stages) > MAX_STAGES:
        raise ValidationError(
            {"stages": _("Tối đa %(max)d công đoạn cho một lô.") % {"max": MAX_STAGES}}
        )
    cleaned: list[dict[str, Any]] = []
    own_locations = LocationNumber.objects.filter(
        registration__enterprise_id=product.enterprise_id, is_archived=False
    )
    wanted = {s["location"].pk for s in stages if s.get("location") is not None}
    allowed = set(own_locations.filter(pk__in=wanted).values_list("pk", flat=True))
    for number, stage in enumerate(stages, start=1):
        _only_fields(stage, STAGE_FIELDS)
        stage = {name: stage.get(name) for name in STAGE_FIELDS}
        stage["what"] = (stage["what"] or "").strip()
        stage["where"] = (stage["where"] or "").strip()
        location = stage["location"]
        if location is not None and location.pk not in allowed:
            raise ValidationError(
                {
                    "stages": _(
                        "Công đoạn %(n)d: địa điểm GLN %(gln)s không thuộc doanh nghiệp "
                        "“%(enterprise)s”."
                    )
                    % {"n": number, "gln": location.gln, "enterprise": product.enterprise.name}
                }
            )
        problem = _stage_problem(number, stage, cleaned[-1] if cleaned else None, today)
        if problem:
            raise ValidationError({"stages": problem})
        cleaned.append(stage)
    return cleaned


def _save_stages(record: TraceabilityRecord, stages: list[dict[str, Any]], user) -> None:
    """Replace the lot's stages by ``stages``, numbered in the order given."""
    for old in record.stages.all():
        _as_user(old, user)
        old.delete()
    for position, data in enumerate(stages, start=1):
        stage = TraceabilityStage(record=record, position=position, **data)
        stage.full_clean()
        _as_user(stage, user)
        stage.save()


def _touch_product(product_id: int) -> None:
    """Move the product's ``updated_at`` so its cached public page is built again. An update,
    not a save: the product itself did not change, so no history row and no version bump
    (which would refuse an edit of the product someone has open)."""
    Product.objects.filter(pk=product_id).update(updated_at=timezone.now())


def _validate(record: TraceabilityRecord) -> None:
    today = timezone.localdate()
    _check_trace_code(record)
    _check_lot(record)
    _check_dates(record, today)
    record.full_clean()


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def lot_create(
    *, product: Product, data: dict[str, Any], stages: Sequence[dict[str, Any]], user
) -> TraceabilityRecord:
    """Record a lot of ``product`` with its stages. The trace code is generated when none is
    given."""
    _actor(user, product.enterprise_id)
    _only_fields(data, LOT_FIELDS)
    # Locked, so two people recording the same lot number at once are served in turn and the
    # second is told the lot exists.
    product = Product.objects.select_for_update().select_related("enterprise").get(pk=product.pk)
    _check_product_open(product)
    record = TraceabilityRecord(product=product, **data)
    record.trace_code = clean_trace_code(record.trace_code) or _free_trace_code()
    record.lot = normalize_code(record.lot or "")
    _validate(record)
    cleaned = _clean_stages(stages, product, timezone.localdate())
    _as_user(record, user)
    record.save()
    _save_stages(record, cleaned, user)
    _touch_product(product.pk)
    return record


@transaction.atomic
def lot_update(
    *,
    lot_id: int,
    data: dict[str, Any],
    stages: Sequence[dict[str, Any]],
    version: int,
    user,
) -> TraceabilityRecord:
    """Change a lot loaded at ``version`` and replace its stages."""
    record = lock_for_update(TraceabilityRecord, pk=lot_id, version=version)
    product = (
        Product.objects.select_for_update().select_related("enterprise").get(pk=record.product_id)
    )
    _actor(user, product.enterprise_id)
    _only_fields(data, LOT_UPDATE_FIELDS)
    _check_product_open(product)
    for field, value in data.items():
        setattr(record, field, value)
    record.product = product
    record.lot = normalize_code(record.lot or "")
    _validate(record)
    cleaned = _clean_stages(stages, product, timezone.localdate())
    record.version += 1
    _as_user(record, user)
    record.save()
    _save_stages(record, cleaned, user)
    _touch_product(product.pk)
    return record


@transaction.atomic
def lot_set_published(*, lot_id: int, published: bool, user) -> TraceabilityRecord:
    """Show or hide a lot on its product's public page (kept either way, with its history)."""
    record = lock_for_update(TraceabilityRecord, pk=lot_id, version=None)
    _actor(user, record.product.enterprise_id)
    if record.is_published == published:
        return record
    record.is_published = published
    record.version += 1
    _as_user(record, user)
    record.save()
    _touch_product(record.product_id)
    return record
