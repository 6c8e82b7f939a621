"""A product's public traceability page (Circular 02/2024/TT-BKHCN), read for anyone who scans
its QR code: only what the enterprise chose to publish.

What is read, and nothing else:

- the product, only through ``Product.objects.published()`` (published, neither it nor its
  enterprise archived): name, category, unit, GTIN, image, OCOP stars and year;
- the producer: the enterprise's name and address. Not its tax code (a household business's is
  its owner's personal ID number since 1 July 2025), representative, phone, e-mail or website;
- published lots: trace code, lot, production date, best-before date or shelf life, stages (what,
  where, when). Not the internal note;
- declarations in force today for the product (``Declaration.objects.in_force_on``): kind,
  standard, document and receipt numbers, dates. Never a draft, one under review or its files;
- certificates valid today (``Certificate.objects.valid_on``, so verified ones only) of the
  enterprise for the standards those declarations concern: number, standard, body, scope, dates.

The selector returns plain frozen values (``PublicPage``), never a record, so a template cannot
reach a field that is not listed here, and what the cache keeps is exactly what is shown.

``page_stamp`` answers, in one indexed query, whether the page exists and a token that changes
whenever something it shows changes (the product, its lots, which move the product's
``updated_at``, its enterprise, its declarations, the enterprise's certificates); the views cache
the rendered page under it.
"""

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Upper
from stdnum import ean

from laichau_nsc.text import normalize_code

from .choices import DeclarationKind, ProductCategory
from .models import Certificate, Declaration, Product, TraceabilityRecord

#: Lots listed on a product's page (the newest); older ones are reached by their own QR codes.
RECENT_LOTS = 10

_GTIN = re.compile(r"[0-9]{8}|[0-9]{12,14}")


# --- GS1 Digital Link --------------------------------------------------------------------------


def gtin_forms(text: str) -> tuple[str, ...] | None:
    """The ways a GTIN in a Digital Link may be stored here, or None when ``text`` is no GTIN.

    GS1 Digital Link writes every GTIN with 14 digits (``/01/08934673577038``); people and
    scanners also send GTIN-8, -12 and -13 as printed. A GTIN is the same number whatever its
    leading zeros, so ``text`` (8, 12, 13 or 14 digits, with a right check digit) gives the
    14-digit form and each shorter form its leading zeros allow: "00000012345670" may be stored as
    GTIN-8 "12345670", GTIN-12 "000012345670", GTIN-13 "0000012345670" or as it is.
    """
    digits = normalize_code(text or "")
    if not _GTIN.fullmatch(digits) or not ean.is_valid(digits):
        return None
    full = digits.zfill(14)
    forms = [full]
    for length in (13, 12, 8):
        if full[: 14 - length].strip("0") == "":
            forms.append(full[14 - length :])
    return tuple(forms)


# --- The stamp ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """A published product's id and public code, a token of everything its page shows, and the
    trace code of the lot asked for by number (``""``: none asked, or none published)."""

    product_id: int
    public_code: str
    token: str
    trace_code: str = ""


def page_stamp(
    *, public_code: str = "", gtins: tuple[str, ...] = (), lot: str = ""
) -> Stamp | None:
    """The stamp of the published product with ``public_code`` (or one of ``gtins``), in one
    query through a unique index; None when there is none.

    ``lot`` (from a Digital Link) is looked up among the product's published lots, case-blind
    (lots are unique per product case-blind), an exact match first.

    This query runs for nearly every public request, so its SQL is compiled by the ORM once per
    shape (by code, or by n GTINs; with a lot or not) and then only its parameters change:
    compiling it cost more than running it.
    """
    if not (public_code or gtins):
        return None
    sql, params = _compiled_stamp(bool(public_code), len(gtins), bool(lot))
    values = {_CODE: public_code, _LOT: lot, _LOT_UPPER: lot.upper()}
    values.update((_gtin_slot(i), gtin) for i, gtin in enumerate(gtins))
    with connection.cursor() as cursor:
        cursor.execute(sql, [values.get(p, p) if isinstance(p, str) else p for p in params])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, code, *changed = row
    trace_code = (changed.pop() or "") if lot else ""
    token = hashlib.sha256("|".join(str(value) for value in changed).encode()).hexdigest()[:16]
    return Stamp(product_id=pk, public_code=code, token=token, trace_code=trace_code)


# Placeholders the stamp's SQL is compiled with; no real code, GTIN or lot holds a NUL.
_CODE = "\x00code\x00"
_LOT = "\x00lot\x00"
_LOT_UPPER = "\x00LOT\x00"


def _gtin_slot(index: int) -> str:
    return f"\x00gtin{index}\x00"


@functools.cache
def _compiled_stamp(by_code: bool, gtin_count: int, with_lot: bool) -> tuple[str, tuple]:
    query = _stamp_query(
        public_code=_CODE if by_code else "",
        gtins=tuple(_gtin_slot(i) for i in range(gtin_count)),
        lot=with_lot,
    )
    sql, params = query.query.sql_with_params()
    return sql, tuple(params)


def _stamp_query(*, public_code: str, gtins: tuple[str, ...], lot: bool):
    products = Product.objects.published()
    if public_code:
        products = products.filter(public_code=public_code)
    else:
        # ~Q(gtin="") repeats the unique index's condition, so PostgreSQL uses it.
        products = products.filter(~Q(gtin=""), gtin__in=gtins)
    links = Declaration.products.through.objects.filter(product_id=OuterRef("pk")).order_by()
    # The latest change of a linked declaration, and how many are linked (a declaration unlinked
    # from the product without being saved changes the count).
    declarations = links.order_by("-declaration__updated_at").values("declaration__updated_at")[:1]
    declaration_count = links.values("product_id").annotate(n=Count("pk")).values("n")
    certificates = (
        Certificate.objects.filter(enterprise_id=OuterRef("enterprise_id"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    products = products.annotate(
        enterprise_changed=F("enterprise__updated_at"),
        declarations_changed=Subquery(declarations),
        declarations_linked=Subquery(declaration_count),
        certificates_changed=Subquery(certificates),
    )
    fields = [
        "pk",
        "public_code",
        "updated_at",
        "enterprise_changed",
        "declarations_changed",
        "declarations_linked",
        "certificates_changed",
    ]
    if lot:
        # Upper() = a parameter rather than iexact: iexact is LIKE on SQLite, whose escaping of
        # "_" would be lost when the placeholder is replaced.
        lots = (
            TraceabilityRecord.objects.annotate(lot_upper=Upper("lot"))
            .filter(product_id=OuterRef("pk"), is_published=True, lot_upper=_LOT_UPPER)
            .annotate(exact=Case(When(lot=_LOT, then=0), default=1, output_field=IntegerField()))
            .order_by("exact", "pk")
            .values("trace_code")[:1]
        )
        products = products.annotate(lot_trace_code=Subquery(lots))
        fields.append("lot_trace_code")
    return products.order_by("pk").values_list(*fields)[:1]


# --- The page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStage:
    what: str
    where: str
    gln: str
    started_on: datetime.date | None
    ended_on: datetime.date | None


@dataclass(frozen=True)
class PublicLot:
    trace_code: str
    lot: str
    produced_on: datetime.date
    best_before: datetime.date | None
    shelf_life: str
    stages: tuple[PublicStage, ...]


@dataclass(frozen=True)
class PublicLotLink:
    trace_code: str
    lot: str
    produced_on: datetime.date


@dataclass(frozen=True)
class PublicDeclaration:
    kind: str
    standard_code: str
    standard_title: str
    document_number: str
    declared_on: datetime.date | None
    receipt_number: str
    receipt_date: datetime.date | None
    effective_on: datetime.date | None
    valid_until: datetime.date | None

    def get_kind_display(self) -> str:
        return str(DeclarationKind(self.kind).label)


@dataclass(frozen=True)
class PublicCertificate:
    number: str
    standard_code: str
    standard_title: str
    body_name: str
    scope: str
    issued_on: datetime.date
    expires_on: datetime.date


@dataclass(frozen=True)
class PublicProduct:
    public_code: str
    name: str
    category: str
    unit: str
    gtin: str
    image_url: str
    ocop_stars: int | None
    ocop_year: int | None
    producer_name: str
    producer_address: str

    def get_category_display(self) -> str:
        return str(ProductCategory(self.category).label) if self.category else ""


@dataclass(frozen=True)
class PublicPage:
    product: PublicProduct
    lot: PublicLot | None
    recent_lots: tuple[PublicLotLink, ...]
    more_lots: bool
    declarations: tuple[PublicDeclaration, ...]
    certificates: tuple[PublicCertificate, ...]
    #: Every standard the product is declared against, (code, title), in code order.
    standards: tuple[tuple[str, str], ...]
    today: datetime.date


def public_page(
    *, product_id: int, trace_code: str = "", today: datetime.date
) -> PublicPage | None:
    """The page of a published product (and of one of its published lots); None when the
    product is not published (any more) or the lot is not one of its published lots.

    Five queries at most, whatever the number of lots, stages, declarations or certificates:
    the product with its enterprise, the lot and its stages (a lot's page) or the newest lots
    (the product's page), the declarations in force, the certificates valid today.
    """
    product = (
        Product.objects.published()
        .select_related("enterprise", "enterprise__admin_unit")
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        return None
    lot = None
    if trace_code:
        record = TraceabilityRecord.objects.filter(
            product=product, trace_code=trace_code, is_published=True
        ).first()
        if record is None:
            return None
        lot = _public_lot(record)
    # A lot's page shows that lot only; the product's page its newest lots (from an index).
    recent = (
        []
        if lot is not None
        else list(
            TraceabilityRecord.objects.filter(product=product, is_published=True)
            .order_by("-produced_on", "-id")
            .values_list("trace_code", "lot", "produced_on")[: RECENT_LOTS + 1]
        )
    )
    declarations = list(
        Declaration.objects.in_force_on(today)
        .filter(products=product)
        .select_related("standard")
        .order_by("standard__code", "kind", "pk")
    )
    standard_ids = {d.standard_id for d in declarations}
    certificates = (
        list(
            Certificate.objects.valid_on(today)
            .filter(enterprise_id=product.enterprise_id, standard_id__in=standard_ids)
            .select_related("standard", "body")
            .order_by("standard__code", "-issued_on", "pk")
        )
        if standard_ids
        else []
    )
    standards = dict.fromkeys((d.standard.code, d.standard.title) for d in declarations)
    return PublicPage(
        product=_public_product(product),
        lot=lot,
        recent_lots=tuple(PublicLotLink(*row) for row in recent[:RECENT_LOTS]),
        more_lots=len(recent) > RECENT_LOTS,
        declarations=tuple(_public_declaration(d) for d in declarations),
        certificates=tuple(_public_certificate(c) for c in certificates),
        standards=tuple(sorted(standards)),
        today=today,
    )


def _image_url(product: Product) -> str:
    # The image is served by the products part of issue 8 (``Product.get_image_url``, public
    # for a published product); without it the page simply shows no image.
    get_image_url = getattr(product, "get_image_url", None)
    return get_image_url() if get_image_url and product.image else ""


def _public_product(product: Product) -> PublicProduct:
    enterprise = product.enterprise
    address = enterprise.address
    if not address and enterprise.admin_unit is not None:
        address = enterprise.admin_unit.name
    return PublicProduct(
        public_code=product.public_code,
        name=product.name,
        category=product.category,
        unit=product.unit,
        gtin=product.gtin,
        image_url=_image_url(product),
        ocop_stars=product.ocop_stars,
        ocop_year=product.ocop_year if product.ocop_stars else None,
        producer_name=enterprise.name,
        producer_address=address,
    )


def _public_lot(record: TraceabilityRecord) -> PublicLot:
    stages = record.stages.select_related("location").order_by("position")
    return PublicLot(
        trace_code=record.trace_code,
        lot=record.lot,
        produced_on=record.produced_on,
        best_before=record.best_before,
        shelf_life=record.shelf_life,
        stages=tuple(_public_stage(s) for s in stages),
    )


def _public_stage(stage) -> PublicStage:
    location = stage.location
    where = stage.where
    if location is not None and not where:
        where = ", ".join(part for part in (location.name, location.address) if part)
    return PublicStage(
        what=stage.what,
        where=where,
        gln=location.gln if location is not None else "",
        started_on=stage.started_on,
        ended_on=stage.ended_on,
    )


def _public_declaration(declaration: Declaration) -> PublicDeclaration:
    return PublicDeclaration(
        kind=declaration.kind,
        standard_code=declaration.standard.code,
        standard_title=declaration.standard.title,
        document_number=declaration.document_number,
        declared_on=declaration.declared_on,
        receipt_number=declaration.receipt_number,
        receipt_date=declaration.receipt_date,
        effective_on=declaration.effective_on,
        valid_until=declaration.valid_until,
    )


def _public_certificate(certificate: Certificate) -> PublicCertificate:
    return PublicCertificate(
        number=certificate.number,
        standard_code=certificate.standard.code,
        standard_title=certificate.standard.title,
        body_name=str(certificate.body),
        scope=certificate.scope,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
    )
