"""Every write to products, GS1 company prefixes (barcode registrations), their yearly fees and
GLNs goes through these functions (HackSoft's services, as ``standards.services``): keyword-only,
one transaction each, ``full_clean()`` before saving, the acting user recorded in the history, a
stale version refused with ``EditConflictError``.

Who may do what is decided here, not only in the views:

- an **officer** records barcode registrations, their fees and GLNs, and registers and edits any
  enterprise's products (OCOP rating included);
- an **enterprise user** (approved member) registers, edits, archives and restores the products
  of their own enterprise, setting only ``ENTERPRISE_PRODUCT_FIELDS``. The OCOP rating is the
  province's recognition, so it is the officers' word, like a programme's support on an
  adoption. A field outside the list (another enterprise, the archive flag, OCOP), or a company
  prefix that is not the enterprise's own, is refused;
- a **leader** changes nothing.

GS1 numbers are checked against each other (``standards.gs1`` checks their form):

- a GTIN-13 starts with one of the enterprise's OWN company prefixes, not revoked; the product
  is recorded under that prefix (``barcode_registration``), which is how a prefix's usage is
  counted. A GTIN-8, which GS1 Viet Nam allocates one by one, starts with 893 and is recorded
  under the registration the enterprise chose (its own, not revoked);
- a GTIN is unique in the whole database (its normalised digits); an archived product keeps its
  GTIN, because GS1 does not let a GTIN be reused for another product;
- two company prefixes never overlap (one the start of the other): they would number the same
  GTINs;
- a GLN starts with the prefix it is recorded under.
"""

import datetime
import hashlib
import io
import json
import tempfile
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.choices import ExportFormat
from enterprises.models import Enterprise
from laichau_nsc import jobs
from laichau_nsc.editing import lock_for_update
from laichau_nsc.exports import Column, ColumnKind, write_csv, write_xlsx
from laichau_nsc.files import (
    _delete_quietly,
    discard_on_error,
    named_for_storage,
    replace_file,
    validate_document,
)

from . import gs1
from .models import BarcodeExportJob, BarcodeFee, BarcodeRegistration, LocationNumber, Product
from .services import (
    _actor,
    _as_user,
    _check_enterprise_active,
    _day,
    _only_fields,
    _require_officer,
)

#: What an enterprise user may set on its own products.
ENTERPRISE_PRODUCT_FIELDS = (
    "name",
    "category",
    "unit",
    "description",
    "gtin",
    "barcode_registration",
    "is_published",
)
#: What an officer may set: the OCOP rating too.
OFFICER_PRODUCT_FIELDS = (*ENTERPRISE_PRODUCT_FIELDS, "ocop_stars", "ocop_score", "ocop_year")
OCOP_FIELDS = ("ocop_stars", "ocop_score", "ocop_year")
#: OCOP ranks by total score (out of 100), as the national OCOP criteria set them.
OCOP_BANDS = {1: (0, 29), 2: (30, 49), 3: (50, 69), 4: (70, 89), 5: (90, 100)}
#: The first provincial OCOP programmes (Quảng Ninh) date from 2013; the national one from 2018.
OCOP_FIRST_YEAR = 2013

#: What an officer sets on a barcode registration (the enterprise is the page's).
BARCODE_FIELDS = (
    "prefix",
    "registered_on",
    "certificate_number",
    "declared_on_national_db",
    "revoked_on",
    "note",
)
LOCATION_FIELDS = ("gln", "name", "address")
#: Product images: the content types of ``validate_document`` that are pictures.
IMAGE_TYPES = ("image/jpeg", "image/png")


def _save_unique(obj, field: str) -> None:
    """Save; a unique number taken by a concurrent request in the meantime (the checks before
    ran on what was committed then) is a refusal, not a server error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        message = _(
            "Mã %(number)s vừa được ghi nhận cho hồ sơ khác; vui lòng tải lại trang và kiểm "
            "tra lại."
        )
        raise ValidationError({field: message % {"number": getattr(obj, field)}}) from None


def _errors(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _not_future(errors: dict, field: str, day: datetime.date | None, label: str) -> None:
    if day is not None and day > timezone.localdate():
        _errors(errors, field, _("%(label)s không thể ở tương lai.") % {"label": label})


def _owner_name(registration: BarcodeRegistration, *, officer: bool) -> str:
    # An enterprise user is not told which other enterprise holds a prefix or a GTIN: an
    # unpublished product is private; officers need the name to sort the clash out.
    if officer:
        return _(" (doanh nghiệp “%(name)s”)") % {"name": registration.enterprise.name}
    return ""


# --- Company prefixes --------------------------------------------------------------------------


def _overlapping(prefix: str, *, exclude_pk: int | None) -> BarcodeRegistration | None:
    """A registered prefix that this one starts with, or that starts with this one."""
    shorter = [prefix[:n] for n in range(gs1.PREFIX_MIN_LENGTH, len(prefix) + 1)]
    return (
        BarcodeRegistration.objects.filter(Q(prefix__in=shorter) | Q(prefix__startswith=prefix))
        .exclude(pk=exclude_pk)
        .select_related("enterprise")
        .order_by("prefix")
        .first()
    )


def _validate_registration(registration: BarcodeRegistration) -> None:
    errors: dict[str, list[str]] = {}
    try:
        registration.prefix = gs1.validate_prefix(registration.prefix)
    except ValidationError as error:
        errors["prefix"] = error.messages
    _not_future(errors, "registered_on", registration.registered_on, _("Ngày cấp"))
    _not_future(errors, "revoked_on", registration.revoked_on, _("Ngày thu hồi"))
    if "prefix" not in errors:
        other = _overlapping(registration.prefix, exclude_pk=registration.pk)
        if other is not None:
            where = {
                "prefix": registration.prefix,
                "other": other.prefix,
                "enterprise": other.enterprise.name,
                "archived": _(", đang lưu trữ") if other.is_archived else "",
            }
            if other.prefix == registration.prefix:
                message = _(
                    "Mã doanh nghiệp GS1 %(prefix)s đã được ghi nhận cho “%(enterprise)s”"
                    "%(archived)s."
                )
            else:
                message = _(
                    "Mã doanh nghiệp GS1 %(prefix)s chồng lên mã %(other)s đã ghi nhận cho "
                    "“%(enterprise)s”%(archived)s: mã này là phần đầu của mã kia, nên hai mã "
                    "sẽ đánh số trùng sản phẩm. Hãy đối chiếu lại giấy chứng nhận."
                )
            _errors(errors, "prefix", message % where)
    _raise(errors)


def _numbers_under(registration: BarcodeRegistration) -> tuple[int, int]:
    """How many products and GLNs are recorded under a registration."""
    return registration.products.count(), registration.locations.count()


@transaction.atomic
def barcode_registration_create(
    *, enterprise: Enterprise, data: dict[str, Any], user
) -> BarcodeRegistration:
    """An officer records a GS1 company prefix granted to the enterprise."""
    _require_officer(user)
    _only_fields(data, BARCODE_FIELDS)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _check_enterprise_active(enterprise)
    registration = BarcodeRegistration(enterprise=enterprise, **data)
    _validate_registration(registration)
    registration.full_clean()
    _as_user(registration, user)
    _save_unique(registration, "prefix")
    return registration


@transaction.atomic
def barcode_registration_update(
    *, registration_id: int, data: dict[str, Any], version: int, user
) -> BarcodeRegistration:
    """Change a registration loaded at ``version``. The prefix itself can be corrected only
    while nothing is numbered under it."""
    _require_officer(user)
    _only_fields(data, BARCODE_FIELDS)
    registration = lock_for_update(BarcodeRegistration, pk=registration_id, version=version)
    old_prefix = registration.prefix
    for field, value in data.items():
        setattr(registration, field, value)
    _validate_registration(registration)
    if registration.prefix != old_prefix:
        products, locations = _numbers_under(registration)
        if products or locations:
            raise ValidationError(
                {
                    "prefix": _(
                        "Đã có %(products)s sản phẩm và %(locations)s mã GLN được ghi nhận theo "
                        "mã %(prefix)s, nên không thể đổi mã. Nếu mã được cấp khác, hãy ghi "
                        "nhận mã mới và chuyển sản phẩm sang mã đó."
                    )
                    % {"products": products, "locations": locations, "prefix": old_prefix}
                }
            )
    registration.full_clean()
    registration.version += 1
    _as_user(registration, user)
    registration.save()
    return registration


@transaction.atomic
def barcode_registration_set_archived(
    *, registration_id: int, archived: bool, user
) -> BarcodeRegistration:
    """Archive (hidden from lists, kept with its history, fees and GLNs) or restore."""
    _require_officer(user)
    registration = lock_for_update(BarcodeRegistration, pk=registration_id, version=None)
    if registration.is_archived == archived:
        return registration
    if not archived:
        _check_enterprise_active(registration.enterprise)
    registration.is_archived = archived
    registration.version += 1
    _as_user(registration, user)
    registration.save()
    return registration


@transaction.atomic
def barcode_fee_record(
    *,
    registration_id: int,
    year: int,
    paid_on: datetime.date,
    user,
    amount: int | None = None,
) -> BarcodeFee:
    """An officer records the yearly fee paid for a prefix (or corrects the year's record).

    A year before the registration, after its revocation or more than a year ahead is refused.
    """
    _require_officer(user)
    registration = lock_for_update(BarcodeRegistration, pk=registration_id, version=None)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    first = registration.registered_on.year
    last = today.year + 1
    if registration.revoked_on is not None:
        last = min(last, registration.revoked_on.year)
    if not first <= year <= last:
        _errors(
            errors,
            "year",
            _("Năm nộp phí phải từ %(first)s (năm cấp mã) đến %(last)s%(why)s.")
            % {
                "first": first,
                "last": last,
                "why": _(" (năm mã bị thu hồi)") if registration.revoked_on else "",
            },
        )
    _not_future(errors, "paid_on", paid_on, _("Ngày nộp"))
    if amount is not None and amount < 0:
        _errors(errors, "amount", _("Số tiền không thể âm."))
    if registration.is_archived:
        _errors(errors, "year", _("Mã đã lưu trữ; khôi phục trước khi ghi nhận phí."))
    _raise(errors)
    fee = BarcodeFee.objects.filter(registration=registration, year=year).first()
    fee = fee or BarcodeFee(registration=registration, year=year)
    fee.paid_on = paid_on
    fee.amount = amount
    fee.full_clean()
    fee.save()
    return fee


# --- GLNs ----------------------------------------------------------------------------------------


def _validate_location(location: LocationNumber, registration: BarcodeRegistration, officer: bool):
    errors: dict[str, list[str]] = {}
    try:
        location.gln = gs1.validate_gln(location.gln)
    except ValidationError as error:
        errors["gln"] = error.messages
    if "gln" not in errors and not location.gln.startswith(registration.prefix):
        owner = gs1.prefix_of(
            location.gln,
            BarcodeRegistration.objects.filter(
                prefix__in=[location.gln[:n] for n in range(7, 11)]
            ).select_related("enterprise"),
            key=lambda r: r.prefix,
        )
        if owner is not None and owner.enterprise_id == registration.enterprise_id:
            message = _(
                "Mã GLN %(gln)s thuộc mã doanh nghiệp %(other)s của doanh nghiệp, không phải "
                "%(prefix)s: hãy ghi nhận từ trang của mã %(other)s."
            )
        elif owner is not None:
            message = _(
                "Mã GLN %(gln)s thuộc mã doanh nghiệp %(other)s đã cấp cho doanh nghiệp "
                "khác%(owner)s."
            )
        else:
            message = _(
                "Mã GLN %(gln)s không bắt đầu bằng mã doanh nghiệp %(prefix)s: GLN được lập từ "
                "mã doanh nghiệp GS1 của chính doanh nghiệp."
            )
        params = {"gln": location.gln, "prefix": registration.prefix}
        if owner is not None:
            params.update(other=owner.prefix, owner=_owner_name(owner, officer=officer))
        _errors(errors, "gln", message % params)
    if "gln" not in errors:
        duplicate = (
            LocationNumber.objects.filter(gln=location.gln)
            .exclude(pk=location.pk)
            .select_related("registration")
            .first()
        )
        if duplicate is not None:
            _errors(
                errors,
                "gln",
                _("Mã GLN %(gln)s đã được ghi nhận cho địa điểm “%(name)s”.")
                % {"gln": location.gln, "name": duplicate.name},
            )
    _raise(errors)


def _check_registration_open(registration: BarcodeRegistration, what: str) -> None:
    today = timezone.localdate()
    if registration.is_archived:
        raise ValidationError(_("Mã %(prefix)s đã lưu trữ.") % {"prefix": registration.prefix})
    if registration.revoked_on is not None and registration.revoked_on <= today:
        raise ValidationError(
            _("Mã doanh nghiệp %(prefix)s đã bị thu hồi ngày %(day)s; không thể %(what)s.")
            % {"prefix": registration.prefix, "day": _day(registration.revoked_on), "what": what}
        )


@transaction.atomic
def location_create(*, registration_id: int, data: dict[str, Any], user) -> LocationNumber:
    """An officer records a GLN under a company prefix."""
    _require_officer(user)
    _only_fields(data, LOCATION_FIELDS)
    registration = lock_for_update(BarcodeRegistration, pk=registration_id, version=None)
    _check_registration_open(registration, _("ghi nhận GLN mới theo mã này"))
    location = LocationNumber(registration=registration, **data)
    _validate_location(location, registration, officer=True)
    location.full_clean()
    _as_user(location, user)
    _save_unique(location, "gln")
    return location


@transaction.atomic
def location_update(*, location_id: int, data: dict[str, Any], user) -> LocationNumber:
    """An officer corrects a GLN's number, name or address."""
    _require_officer(user)
    _only_fields(data, LOCATION_FIELDS)
    location = LocationNumber.objects.select_for_update().get(pk=location_id)
    registration = location.registration
    old_gln = location.gln
    for field, value in data.items():
        setattr(location, field, value)
    _validate_location(location, registration, officer=True)
    if location.gln != old_gln:
        _check_registration_open(registration, _("đổi mã GLN theo mã này"))
    location.full_clean()
    _as_user(location, user)
    location.save()
    return location


@transaction.atomic
def location_set_archived(*, location_id: int, archived: bool, user) -> LocationNumber:
    _require_officer(user)
    location = LocationNumber.objects.select_for_update().get(pk=location_id)
    if location.is_archived != archived:
        location.is_archived = archived
        _as_user(location, user)
        location.save()
    return location


# --- Products: checks ----------------------------------------------------------------------------


def _check_ocop(product: Product, errors: dict[str, list[str]]) -> None:
    """All three (stars, score, year) or none; stars and score agree; a plausible year."""
    values = [getattr(product, f) for f in OCOP_FIELDS]
    if all(v is None for v in values):
        return
    if any(v is None for v in values):
        _errors(
            errors,
            "ocop_stars",
            _(
                "Xếp hạng OCOP cần đủ ba thông tin: số sao, điểm và năm công nhận (hoặc bỏ "
                "trống cả ba)."
            ),
        )
        return
    stars, score, year = values
    if not 1 <= stars <= 5:
        _errors(errors, "ocop_stars", _("Hạng OCOP từ 1 đến 5 sao."))
        return
    if not Decimal(0) <= Decimal(score) <= Decimal(100):
        _errors(errors, "ocop_score", _("Điểm OCOP từ 0 đến 100."))
        return
    low, high = OCOP_BANDS[stars]
    # Scores may have decimals: a band ends just below the next one's first point.
    if not (low <= score < high + 1):
        band = next(s for s, (lo, hi) in OCOP_BANDS.items() if lo <= score < hi + 1)
        _errors(
            errors,
            "ocop_score",
            _(
                "Điểm %(score)s ứng với hạng %(band)s sao, không phải %(stars)s sao (hạng "
                "%(stars)s sao: từ %(low)s đến %(high)s điểm)."
            )
            % {"score": score, "band": band, "stars": stars, "low": low, "high": high},
        )
    this_year = timezone.localdate().year
    if not OCOP_FIRST_YEAR <= year <= this_year:
        _errors(
            errors,
            "ocop_year",
            _("Năm công nhận OCOP phải từ %(first)s đến %(last)s.")
            % {"first": OCOP_FIRST_YEAR, "last": this_year},
        )


def _own_prefixes_text(enterprise_id: int) -> str:
    prefixes = list(
        BarcodeRegistration.objects.filter(
            enterprise_id=enterprise_id, is_archived=False
        ).values_list("prefix", flat=True)
    )
    if not prefixes:
        return _(
            "Doanh nghiệp chưa có mã doanh nghiệp GS1 nào được ghi nhận; hãy đề nghị Sở ghi "
            "nhận mã trước khi nhập GTIN-13."
        )
    return _("Mã doanh nghiệp GS1 của doanh nghiệp: %(prefixes)s.") % {
        "prefixes": ", ".join(prefixes)
    }


def _registration_for_gtin13(product: Product, gtin: str, *, officer: bool) -> BarcodeRegistration:
    """The enterprise's own, unrevoked prefix the GTIN-13 starts with; refused otherwise."""
    candidates = list(
        BarcodeRegistration.objects.select_for_update()
        .filter(prefix__in=[gtin[:n] for n in range(gs1.PREFIX_MIN_LENGTH, 11)])
        .select_related("enterprise")
    )
    match = gs1.prefix_of(gtin, candidates, key=lambda r: r.prefix)
    if match is None:
        raise ValidationError(
            {
                "gtin": _(
                    "Mã GTIN-13 %(gtin)s không bắt đầu bằng mã doanh nghiệp GS1 nào của doanh "
                    "nghiệp. %(own)s"
                )
                % {"gtin": gtin, "own": _own_prefixes_text(product.enterprise_id)}
            }
        )
    if match.enterprise_id != product.enterprise_id:
        raise ValidationError(
            {
                "gtin": _(
                    "Mã GTIN-13 %(gtin)s thuộc mã doanh nghiệp GS1 %(prefix)s, đã cấp cho doanh "
                    "nghiệp khác%(owner)s. %(own)s"
                )
                % {
                    "gtin": gtin,
                    "prefix": match.prefix,
                    "owner": _owner_name(match, officer=officer),
                    "own": _own_prefixes_text(product.enterprise_id),
                }
            }
        )
    _check_prefix_usable(match, "gtin")
    return match


def _check_prefix_usable(registration: BarcodeRegistration, field: str) -> None:
    today = timezone.localdate()
    if registration.revoked_on is not None and registration.revoked_on <= today:
        raise ValidationError(
            {
                field: _(
                    "Mã doanh nghiệp GS1 %(prefix)s đã bị thu hồi ngày %(day)s; không thể dùng "
                    "để đánh số sản phẩm."
                )
                % {"prefix": registration.prefix, "day": _day(registration.revoked_on)}
            }
        )
    if registration.is_archived:
        raise ValidationError(
            {
                field: _("Mã doanh nghiệp GS1 %(prefix)s đã lưu trữ.")
                % {"prefix": registration.prefix}
            }
        )


def _check_duplicate_gtin(product: Product, gtin: str, *, officer: bool) -> None:
    duplicate = (
        Product.objects.filter(gtin=gtin)
        .exclude(pk=product.pk)
        .select_related("enterprise")
        .first()
    )
    if duplicate is None:
        return
    archived = _(", đang lưu trữ") if duplicate.is_archived else ""
    if officer or duplicate.enterprise_id == product.enterprise_id:
        message = _(
            "Mã GTIN %(gtin)s đã được dùng cho sản phẩm “%(name)s” của “%(enterprise)s”"
            "%(archived)s. Mỗi GTIN chỉ dùng cho một sản phẩm, kể cả khi sản phẩm cũ đã ngừng."
        ) % {
            "gtin": gtin,
            "name": duplicate.name,
            "enterprise": duplicate.enterprise.name,
            "archived": archived,
        }
    else:
        message = _(
            "Mã GTIN %(gtin)s đã được dùng cho một sản phẩm của doanh nghiệp khác. Hãy kiểm tra "
            "lại mã trên nhãn."
        ) % {"gtin": gtin}
    raise ValidationError({"gtin": message})


def _check_gtin(product: Product, chosen: BarcodeRegistration | None, *, officer: bool) -> None:
    """Check the product's GTIN against the prefixes and set ``barcode_registration``."""
    if not product.gtin:
        product.barcode_registration = None
        return
    try:
        gtin = gs1.validate_gtin(product.gtin)
    except ValidationError as error:
        raise ValidationError({"gtin": error.messages}) from None
    product.gtin = gtin
    if gs1.gtin_kind(gtin) == "GTIN-13":
        registration = _registration_for_gtin13(product, gtin, officer=officer)
        if chosen is not None and chosen.pk != registration.pk:
            raise ValidationError(
                {
                    "barcode_registration": _(
                        "Mã GTIN-13 %(gtin)s thuộc mã doanh nghiệp %(prefix)s, không phải "
                        "%(chosen)s đã chọn. Với GTIN-13 có thể để trống ô này."
                    )
                    % {"gtin": gtin, "prefix": registration.prefix, "chosen": chosen.prefix}
                }
            )
        product.barcode_registration = registration
    else:
        try:
            gs1.validate_gtin8(gtin)
        except ValidationError as error:
            raise ValidationError({"gtin": error.messages}) from None
        if chosen is None:
            raise ValidationError(
                {
                    "barcode_registration": _(
                        "Mã GTIN-8 do GS1 Việt Nam cấp riêng cho từng sản phẩm: hãy chọn mã "
                        "doanh nghiệp GS1 mà doanh nghiệp được cấp GTIN-8 này theo."
                    )
                }
            )
        chosen = BarcodeRegistration.objects.select_for_update().get(pk=chosen.pk)
        _check_prefix_usable(chosen, "barcode_registration")
        product.barcode_registration = chosen
    _check_duplicate_gtin(product, gtin, officer=officer)


def _validate_product(
    product: Product, *, chosen: BarcodeRegistration | None, gtin_changed: bool, officer: bool
) -> None:
    if chosen is not None and chosen.enterprise_id != product.enterprise_id:
        # Never a prefix of another enterprise, whatever the form offered.
        raise ValidationError(
            {"barcode_registration": _("Mã doanh nghiệp GS1 đã chọn không thuộc doanh nghiệp này.")}
        )
    errors: dict[str, list[str]] = {}
    _check_ocop(product, errors)
    _raise(errors)
    if gtin_changed:
        _check_gtin(product, chosen, officer=officer)


def _store_image(product: Product, image) -> None:
    """Check a product image by its content (JPEG or PNG only) and store it."""
    if image is None:
        return
    kind = validate_document(image)
    if kind.mime not in IMAGE_TYPES:
        raise ValidationError(
            {"image": _("Ảnh sản phẩm chỉ nhận tệp JPEG hoặc PNG (kiểm tra theo nội dung tệp).")}
        )
    named_for_storage(image, kind, "san-pham")
    replace_file(product, "image", image)


def _remove_image(product: Product) -> None:
    if product.image:
        storage, name = product.image.storage, product.image.name
        product.image = ""
        # Deleted once the transaction commits: a rollback keeps the record and its file.
        transaction.on_commit(lambda: _delete_quietly(storage, name))


def _gtin_changed(product: Product, chosen: BarcodeRegistration | None) -> bool:
    """Whether an edit changes the product's GTIN or the registration it is recorded under
    (``product`` holds the new values, the database row the old ones)."""
    old_gtin, old_registration = Product.objects.values_list("gtin", "barcode_registration_id").get(
        pk=product.pk
    )
    try:
        gtin = gs1.validate_gtin(product.gtin) if product.gtin else ""
    except ValidationError:
        return True  # checked again, so the user reads why
    chosen_id = chosen.pk if chosen is not None else None
    if not gtin:
        return bool(old_gtin) or old_registration is not None
    if gs1.gtin_kind(gtin) == "GTIN-8":
        return gtin != old_gtin or chosen_id != old_registration
    # A GTIN-13's registration follows from the number: none chosen means "the same".
    return gtin != old_gtin or chosen_id not in (None, old_registration)


def _product_fields(actor: str) -> tuple[str, ...]:
    return OFFICER_PRODUCT_FIELDS if actor == "officer" else ENTERPRISE_PRODUCT_FIELDS


# --- Products: records ---------------------------------------------------------------------------


@transaction.atomic
def product_create(*, enterprise: Enterprise, data: dict[str, Any], user, image=None) -> Product:
    """Register a product of the enterprise: an officer, or the enterprise's own user (only
    ``ENTERPRISE_PRODUCT_FIELDS``)."""
    actor = _actor(user, enterprise.pk)
    _only_fields(data, _product_fields(actor))
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    _check_enterprise_active(enterprise)
    chosen = data.pop("barcode_registration", None)
    product = Product(enterprise=enterprise, **data)
    _validate_product(product, chosen=chosen, gtin_changed=True, officer=actor == "officer")
    product.full_clean()
    try:
        _store_image(product, image)
        _as_user(product, user)
        _save_unique(product, "gtin")
    except BaseException:
        discard_on_error(product.image)
        raise
    return product


@transaction.atomic
def product_update(
    *,
    product_id: int,
    data: dict[str, Any],
    version: int,
    user,
    image=None,
    remove_image: bool = False,
) -> Product:
    """Change a product loaded at ``version``; a new image replaces the old one (deleted once
    the change is committed), ``remove_image`` removes it. The GTIN is checked again only when
    it (or, for a GTIN-8, its registration) changes: a prefix revoked since does not stop the
    product's other edits."""
    product = lock_for_update(Product, pk=product_id, version=version)
    actor = _actor(user, product.enterprise_id)
    _only_fields(data, _product_fields(actor))
    if product.is_archived:
        raise ValidationError(_("Sản phẩm đã lưu trữ; khôi phục trước khi sửa."))
    _check_enterprise_active(product.enterprise)
    data = dict(data)
    chosen = data.pop("barcode_registration", product.barcode_registration)
    for field, value in data.items():
        setattr(product, field, value)
    changed = _gtin_changed(product, chosen)
    _validate_product(product, chosen=chosen, gtin_changed=changed, officer=actor == "officer")
    product.full_clean()
    try:
        if image is not None:
            _store_image(product, image)
        elif remove_image:
            _remove_image(product)
        product.version += 1
        _as_user(product, user)
        _save_unique(product, "gtin")
    except BaseException:
        if image is not None:
            discard_on_error(product.image)
        raise
    return product


@transaction.atomic
def product_set_archived(*, product_id: int, archived: bool, user) -> Product:
    """Archive (hidden from lists and the public, kept with its history and GTIN) or restore:
    officers, and the enterprise's own users."""
    product = lock_for_update(Product, pk=product_id, version=None)
    _actor(user, product.enterprise_id)
    if product.is_archived == archived:
        return product
    if not archived:
        _check_enterprise_active(product.enterprise)
    product.is_archived = archived
    product.version += 1
    _as_user(product, user)
    product.save()
    return product


# --- Exports -------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    Column(gettext_lazy("Mã doanh nghiệp GS1"), ColumnKind.CODE, 14),
    Column(gettext_lazy("Doanh nghiệp"), width=40),
    Column(gettext_lazy("Mã số thuế"), ColumnKind.CODE),
    Column(gettext_lazy("Đơn vị hành chính"), width=24),
    Column(gettext_lazy("Mã ngành"), ColumnKind.CODE, 10),
    Column(gettext_lazy("Ngày cấp"), ColumnKind.DATE),
    Column(gettext_lazy("Số giấy chứng nhận"), ColumnKind.CODE),
    Column(gettext_lazy("Sức chứa (số GTIN-13)"), ColumnKind.NUMBER),
    Column(gettext_lazy("Đã dùng"), ColumnKind.NUMBER),
    Column(gettext_lazy("Năm phí đến hạn"), ColumnKind.NUMBER),
    Column(gettext_lazy("Ngày nộp phí năm đó"), ColumnKind.DATE),
    Column(gettext_lazy("Số tiền (đồng)"), ColumnKind.NUMBER),
    Column(gettext_lazy("Đã khai báo trên Cổng quốc gia")),
    Column(gettext_lazy("Ngày thu hồi"), ColumnKind.DATE),
    Column(gettext_lazy("Tình trạng"), width=22),
    Column(gettext_lazy("Đã lưu trữ")),
)


def barcode_export_create(*, user, fmt: str, params: dict[str, Any]) -> BarcodeExportJob:
    """Queue an export of the barcode list as filtered by ``params`` (the list's query)."""
    if fmt not in ExportFormat.values:
        raise ValidationError(_("Định dạng xuất không hợp lệ."))
    canonical = json.dumps(params, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{user.pk}|{fmt}|{canonical}".encode()).hexdigest()
    return jobs.submit(BarcodeExportJob, dedupe_key=key, user=user, format=fmt, params=params)


def barcode_export_build(*, job: BarcodeExportJob, ctx: jobs.RunContext) -> dict[str, Any]:
    """The job runner's handler: write the export's file (in this try's own folder)."""
    from .selectors_products import barcode_export_rows, filtered_barcodes

    job = BarcodeExportJob.objects.select_related("user").get(pk=job.pk)
    limit = settings.PORTAL_EXPORT_MAX_ROWS
    total = min(filtered_barcodes(user=job.user, params=job.params).count(), limit)
    rows = _reporting(
        barcode_export_rows(user=job.user, params=job.params, limit=limit), ctx, total
    )
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    if job.format == ExportFormat.CSV:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        count = write_csv(text, EXPORT_COLUMNS, rows)
        text.flush()
        text.detach()
    else:
        count = write_xlsx(spool, _("Mã số mã vạch"), EXPORT_COLUMNS, rows)
    spool.seek(0)
    name = f"ma-so-ma-vach-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{job.format}"
    ctx.check()
    job.file.save(name, File(spool), save=False)
    return {"file": job.file.name, "row_count": count}


def _reporting(rows, ctx: jobs.RunContext, total: int):
    """Pass rows through, reporting progress (which also checks the job is still ours)."""
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            ctx.progress(done, total)
        yield row
