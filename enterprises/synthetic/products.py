"""Synthetic products with GTINs, public codes, lots (with stages) and declarations, for the
public traceability bench: COPY on PostgreSQL, ``bulk_create`` elsewhere.

Deterministic: the same seed and the same existing rows give the same rows. Codes that must be
unique are not drawn at random (2 million random 10-letter codes would clash now and then) but
made from the row's serial number by a bijection: ``serial × K mod 31^10`` written in the public
code's alphabet, so they look random, never repeat, and are not guessable from their neighbours
without K. Rows bypass ``save()`` and history, like the synthetic enterprises.

Shape, close to a province's register at national scale:

- 80 % of products published; one in 50 archived;
- every GTIN a valid GTIN-13 under 893 (the serial as item number, check digit by stdnum);
- a quarter of the products have one to three lots of three stages each; one product in 20,000
  has ``HEAVY_LOTS`` lots (a busy line: the page of its product lists the newest lots from an
  index, whatever their number); 90 % of lots published;
- one product in ten has a declaration: recorded and in force (to one of a few standards), or,
  one in ``WAITING_EVERY``, a hợp quy dossier waiting in the officers' queue, submitted in the
  three weeks before the day it is generated (its dates follow that day), some overdue.
"""

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from stdnum import ean

from standards.choices import DeclarationKind, DeclarationState, ProductCategory
from standards.models import (
    Declaration,
    Product,
    Standard,
    TraceabilityRecord,
    TraceabilityStage,
)

from ..models import Enterprise
from . import vocabulary as v

Log = Callable[[str], None]

PUBLIC_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TRACE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_SPACE = 31**10
#: Multipliers coprime with 31^10 (not multiples of 31): each makes its bijection.
_PUBLIC_K = 376_493_837_711
_TRACE_K = 581_236_114_519
HEAVY_EVERY = 20_000
HEAVY_LOTS = 2_000

PRODUCT_COLUMNS = (
    "id", "enterprise_id", "name", "category", "unit", "description", "image", "gtin",
    "barcode_registration_id", "ocop_stars", "ocop_score", "ocop_year", "public_code",
    "is_published", "is_archived", "version", "created_at", "updated_at", "search_text",
)  # fmt: skip
LOT_COLUMNS = (
    "id", "product_id", "trace_code", "lot", "produced_on", "best_before", "shelf_life", "note",
    "is_published", "version", "created_at", "updated_at",
)  # fmt: skip
STAGE_COLUMNS = ("record_id", "position", "what", "where", "location_id", "started_on", "ended_on")
DECLARATION_COLUMNS = (
    "id", "enterprise_id", "kind", "standard_id", "basis", "certificate_id", "document_number",
    "declared_on", "state", "must_be_filed", "submitted_at", "complete_on", "decision_due_on",
    "supplement_due_on", "receipt_number", "receipt_date", "effective_on", "valid_until",
    "reason", "is_archived", "version", "created_at", "updated_at",
)  # fmt: skip

#: One declaration in this many is a dossier waiting in the officers' queue (the rest recorded).
WAITING_EVERY = 25

PACKS = ("gói 100 g", "gói 200 g", "hộp 500 g", "chai 500 ml", "túi 1 kg", "hũ 250 g", "chiếc")
CATEGORIES = (
    ProductCategory.TEA,
    ProductCategory.AGRICULTURE,
    ProductCategory.PROCESSED_FOOD,
    ProductCategory.HERBAL,
    ProductCategory.BEVERAGE,
    ProductCategory.HANDICRAFT,
)
STAGES = (
    ("Trồng và chăm sóc", "Vùng nguyên liệu"),
    ("Thu hoạch", "Vùng nguyên liệu"),
    ("Chế biến, đóng gói", "Xưởng chế biến"),
)


def encode(serial: int, k: int, alphabet: str) -> str:
    """``serial`` mapped one-to-one onto 10 letters of ``alphabet``."""
    value = serial * k % _SPACE
    letters = []
    for _ in range(10):
        value, digit = divmod(value, 31)
        letters.append(alphabet[digit])
    return "".join(letters)


def gtin13(serial: int) -> str:
    body = f"893{serial:09d}"
    return body + ean.calc_check_digit(body)


@dataclass(frozen=True)
class ProductLoad:
    created: int
    lots: int
    stages: int
    declarations: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def generate_products(*, count: int, seed: int, batch: int, log: Log) -> ProductLoad:
    """Add ``count`` products (with lots, stages and declarations) on the enterprises there."""
    enterprise_ids = list(Enterprise.objects.filter(is_archived=False).values_list("pk", flat=True))
    if not enterprise_ids:
        raise ValueError("No enterprise to give products to: generate enterprises first.")
    standard_ids = list(Standard.objects.order_by("pk").values_list("pk", flat=True)[:20])
    if not standard_ids:
        standard_ids = [_fallback_standard().pk]
    first = {
        "product": (Product.objects.aggregate(m=Max("pk"))["m"] or 0) + 1,
        "lot": (TraceabilityRecord.objects.aggregate(m=Max("pk"))["m"] or 0) + 1,
        "declaration": (Declaration.objects.aggregate(m=Max("pk"))["m"] or 0) + 1,
    }
    rng = random.Random(f"{seed}:products:{first['product']}")
    rows = _Rows(rng, enterprise_ids, standard_ids, first)
    started = time.perf_counter()
    links_model = Declaration.products.through
    if connection.vendor == "postgresql":
        _copy(rows, count, batch, log)
        with connection.cursor() as cursor:
            for model in (Product, TraceabilityRecord, TraceabilityStage, Declaration):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            # The declarations' product links too: without statistics the planner reads the
            # whole link table for one product's declarations.
            tables = (Product, TraceabilityRecord, TraceabilityStage, Declaration, links_model)
            for model in tables:
                cursor.execute(f"{command} {model._meta.db_table}")
    else:
        _bulk(rows, count, batch, log)
    return ProductLoad(
        count, rows.lots, rows.stages, rows.declarations, time.perf_counter() - started
    )


def _fallback_standard() -> Standard:
    standard, _ = Standard.objects.get_or_create(
        code="TCVN 5609:2007", defaults={"title": "Chè – Lấy mẫu", "kind": "national_standard"}
    )
    return standard


class _Rows:
    """Rows of products and their lots, stages, declarations and declaration links."""

    def __init__(self, rng: random.Random, enterprise_ids, standard_ids, first: dict[str, int]):
        self.rng = rng
        self.enterprise_ids = enterprise_ids
        self.standard_ids = standard_ids
        self.next_lot = first["lot"]
        self.next_declaration = first["declaration"]
        self.next_product = first["product"]
        self.lots = self.stages = self.declarations = 0
        self.now = timezone.now()
        self.today = timezone.localdate()

    def batch(self, size: int) -> tuple[list, list, list, list, list]:
        products, lots, stages, declarations, links = [], [], [], [], []
        rng = self.rng
        for _ in range(size):
            pk = self.next_product
            self.next_product += 1
            enterprise = self.enterprise_ids[rng.randrange(len(self.enterprise_ids))]
            published = rng.random() < 0.8
            archived = rng.random() < 0.02
            base, _sectors = v.PRODUCTS[rng.randrange(len(v.PRODUCTS))]
            place = v.PLACES[rng.randrange(len(v.PLACES))]
            name, gtin = f"{base} {place} {pk}", gtin13(pk)
            stars = rng.choice((3, 4, 5)) if rng.random() < 0.05 else None
            products.append(
                (
                    pk, enterprise, name, CATEGORIES[pk % len(CATEGORIES)],
                    PACKS[rng.randrange(len(PACKS))], "", "", gtin, None, stars, None,
                    2024 if stars else None, encode(pk, _PUBLIC_K, PUBLIC_ALPHABET), published,
                    archived, 1, self.now, self.now, Product.build_search_text(name, gtin),
                )
            )  # fmt: skip
            n_lots = (
                HEAVY_LOTS
                if pk % HEAVY_EVERY == 0
                else (rng.randint(1, 3) if rng.random() < 0.25 else 0)
            )
            for number in range(n_lots):
                self._lot(pk, number, lots, stages)
            if rng.random() < 0.1:
                self._declaration(pk, enterprise, declarations, links)
        return products, lots, stages, declarations, links

    def _lot(self, product: int, number: int, lots: list, stages: list) -> None:
        rng = self.rng
        pk = self.next_lot
        self.next_lot += 1
        made = datetime.date(2023, 1, 1) + datetime.timedelta(
            days=(number * 3 + rng.randrange(3)) % 1400
        )
        lots.append(
            (
                pk, product, encode(pk, _TRACE_K, TRACE_ALPHABET), f"L{number + 1:04d}", made,
                made + datetime.timedelta(days=365), "12 tháng", "", rng.random() < 0.9, 1,
                self.now, self.now,
            )
        )  # fmt: skip
        for position, (what, where) in enumerate(STAGES, start=1):
            day = made - datetime.timedelta(days=30 * (len(STAGES) - position))
            stages.append((pk, position, what, where, None, day, day))
        self.lots += 1
        self.stages += len(STAGES)

    def _declaration(self, product: int, enterprise: int, declarations: list, links: list) -> None:
        pk = self.next_declaration
        self.next_declaration += 1
        declared = datetime.date(2024, 1, 1) + datetime.timedelta(days=self.rng.randrange(600))
        standard = self.standard_ids[self.rng.randrange(len(self.standard_ids))]
        if pk % WAITING_EVERY == 0:
            # A dossier waiting for the Department (the officers' queue), some past their
            # deadline: submitted in the last three weeks, due five working days later.
            submitted = self.today - datetime.timedelta(days=self.rng.randrange(21))
            due = submitted + datetime.timedelta(days=7)
            at = self.now - datetime.timedelta(days=(self.today - submitted).days)
            declarations.append(
                (
                    pk, enterprise, DeclarationKind.CONFORMITY_REGULATION, standard,
                    "self_assessment", None, f"{pk}/CBHQ", submitted, DeclarationState.SUBMITTED,
                    True, at, submitted, due, None, "", None, None, None, "", False, 1, at, at,
                )
            )  # fmt: skip
        else:
            declarations.append(
                (
                    pk, enterprise, DeclarationKind.APPLIED_STANDARD, standard, "self_assessment",
                    None, f"{pk}/CBTC", declared, DeclarationState.RECORDED, False, None, None,
                    None, None, "", None, declared, None, "", False, 1, self.now, self.now,
                )
            )  # fmt: skip
        links.append((pk, product))
        self.declarations += 1


def _copy_statement(model, columns) -> str:
    # Quoted: a stage's "where" is an SQL keyword.
    quoted = ", ".join(f'"{column}"' for column in columns)
    return f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"


def _tables() -> dict[str, str]:
    return {
        "product": _copy_statement(Product, PRODUCT_COLUMNS),
        "lot": _copy_statement(TraceabilityRecord, LOT_COLUMNS),
        "stage": _copy_statement(TraceabilityStage, STAGE_COLUMNS),
        "declaration": _copy_statement(Declaration, DECLARATION_COLUMNS),
        "link": _copy_statement(Declaration.products.through, ("declaration_id", "product_id")),
    }


def _copy(rows: _Rows, count: int, batch: int, log: Log) -> None:
    statements = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        done = 0
        while done < count:
            size = min(batch, count - done)
            parts = dict(
                zip(
                    ("product", "lot", "stage", "declaration", "link"),
                    rows.batch(size),
                    strict=True,
                )
            )
            for name in ("product", "lot", "stage", "declaration", "link"):
                with cursor.copy(statements[name]) as copy:
                    for row in parts[name]:
                        copy.write_row(row)
            done += size
            log(f"  {done:,} / {count:,} products")


def _bulk(rows: _Rows, count: int, batch: int, log: Log) -> None:
    through = Declaration.products.through
    with transaction.atomic():
        done = 0
        while done < count:
            size = min(batch, count - done)
            products, lots, stages, declarations, links = rows.batch(size)
            Product.objects.bulk_create(_objects(Product, PRODUCT_COLUMNS, products))
            TraceabilityRecord.objects.bulk_create(_objects(TraceabilityRecord, LOT_COLUMNS, lots))
            TraceabilityStage.objects.bulk_create(
                _objects(TraceabilityStage, STAGE_COLUMNS, stages)
            )
            Declaration.objects.bulk_create(
                _objects(Declaration, DECLARATION_COLUMNS, declarations)
            )
            through.objects.bulk_create(through(declaration_id=d, product_id=p) for d, p in links)
            done += size
            log(f"  {done:,} / {count:,} products")


def _objects(model, columns, rows) -> Iterator:
    fields = {f.column: f.attname for f in model._meta.concrete_fields}
    for row in rows:
        yield model(**{fields[c]: value for c, value in zip(columns, row, strict=True)})
