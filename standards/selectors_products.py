"""Reads of products and barcode registrations that lists, detail pages, the enterprise page and
the export share (HackSoft's selectors). Each page costs a fixed number of queries, however many
rows it shows."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Length
from django.http import QueryDict
from django.utils import timezone

from enterprises.models import Enterprise
from laichau_nsc.collation import VietnameseCollate

from .choices import BarcodeStatus
from .filters_products import BarcodeRegistrationFilterSet
from .models import (
    BarcodeFee,
    BarcodeRegistration,
    Declaration,
    Product,
    TraceabilityRecord,
    fee_year_due_on,
)
from .selectors import _to_querydict

#: Products shown on an enterprise's page and under a prefix; the lists show the rest.
SECTION_ROWS = 20


def _first(queryset: QuerySet, name: str) -> dict[str, Any]:
    """The first ``SECTION_ROWS`` rows as ``name``, and ``more_<name>``: whether there are more
    (one query)."""
    rows = list(queryset[: SECTION_ROWS + 1])
    return {name: rows[:SECTION_ROWS], f"more_{name}": len(rows) > SECTION_ROWS}


def with_usage(queryset: QuerySet[BarcodeRegistration]) -> QuerySet[BarcodeRegistration]:
    """Annotate ``gtin_used``: how many GTIN-13s are recorded under each prefix (a product
    keeps its GTIN when archived, so archived products count). One subquery on the products'
    foreign key, which the services set for every GTIN-13 from its prefix."""
    used = (
        Product.objects.annotate(gtin_length=Length("gtin"))
        .filter(barcode_registration=OuterRef("pk"), gtin_length=13)
        .order_by()
        .values("barcode_registration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(gtin_used=Coalesce(Subquery(used), 0, output_field=IntegerField()))


def with_fee_due(
    queryset: QuerySet[BarcodeRegistration], day: datetime.date
) -> QuerySet[BarcodeRegistration]:
    """Annotate the fee of the year due on ``day`` (``fee_year``, ``fee_paid_on``,
    ``fee_amount``; None when unpaid)."""
    year = fee_year_due_on(day)
    fee = BarcodeFee.objects.filter(registration=OuterRef("pk"), year=year)
    return queryset.annotate(
        fee_year=Value(year, output_field=IntegerField()),
        fee_paid_on=Subquery(fee.values("paid_on")[:1]),
        fee_amount=Subquery(fee.values("amount")[:1]),
    )


def barcode_list_queryset(*, user) -> QuerySet[BarcodeRegistration]:
    """What the barcode list starts from: the user's registrations with what a row shows."""
    return with_usage(
        BarcodeRegistration.objects.for_user(user).select_related(
            "enterprise", "enterprise__admin_unit"
        )
    )


def filtered_barcodes(*, user, params: dict[str, Any] | QueryDict) -> QuerySet:
    """The user's registrations narrowed by the list's filters (``status_on`` annotated for the
    chosen date); invalid filters give no rows."""
    data = params if isinstance(params, QueryDict) else _to_querydict(params)
    filterset = BarcodeRegistrationFilterSet(data, queryset=barcode_list_queryset(user=user))
    if not filterset.is_valid():
        return BarcodeRegistration.objects.none()
    return with_fee_due(filterset.qs, filterset.day)


EXPORT_FIELDS = (
    "prefix",
    "enterprise__name",
    "enterprise__tax_code",
    "enterprise__admin_unit__name",
    "enterprise__sector__code",
    "registered_on",
    "certificate_number",
    "capacity",
    "gtin_used",
    "fee_year",
    "fee_paid_on",
    "fee_amount",
    "declared_on_national_db",
    "revoked_on",
    "status_on",
    "is_archived",
)


def barcode_export_rows(*, user, params: dict[str, Any], limit: int) -> Iterator[list[Any]]:
    """Rows of the export in the list's order (prefix), matching ``EXPORT_COLUMNS``."""
    labels = dict(BarcodeStatus.choices)
    rows = (
        filtered_barcodes(user=user, params=params)
        .select_related("enterprise__sector")
        .order_by("prefix", "pk")[:limit]
    )
    for registration in rows.iterator(chunk_size=2000):
        row = []
        for field in EXPORT_FIELDS:
            value = registration
            for part in field.split("__"):
                value = getattr(value, part, None) if value is not None else None
            if field == "status_on":
                value = str(labels.get(value, value))
            row.append(value)
        yield row


def registration_detail(*, registration: BarcodeRegistration, user) -> dict[str, Any]:
    """What a registration's page shows: usage, status today, fees, GLNs, the first products."""
    today = timezone.localdate()
    products = (
        Product.objects.for_user(user)
        .filter(barcode_registration=registration)
        .order_by("gtin", "pk")
    )
    return {
        "today": today,
        "fee_year": fee_year_due_on(today),
        "status_today": registration.status_on(today),
        "gtin_used": with_usage(BarcodeRegistration.objects.filter(pk=registration.pk))
        .values_list("gtin_used", flat=True)
        .get(),
        # Prefetched by the page (status_on reads them too): no second query.
        "fees": sorted(registration.fees.all(), key=lambda fee: -fee.year),
        "locations": list(registration.locations.order_by("is_archived", "gln")),
        **_first(products, "products"),
    }


def product_detail(*, product: Product, user) -> dict[str, Any]:
    """What a product's page shows besides the product: its declarations (newest first) and
    its lots (most recent production first)."""
    today = timezone.localdate()
    in_force = Declaration.objects.in_force_on(today).filter(pk=OuterRef("pk"))
    declarations = (
        Declaration.objects.for_user(user)
        .filter(products=product, is_archived=False)
        .select_related("standard")
        .annotate(in_force_today=Exists(in_force))
        .order_by("-created_at", "-pk")
    )
    lots = (
        TraceabilityRecord.objects.for_user(user)
        .filter(product=product)
        .order_by("-produced_on", "-pk")
    )
    return {
        "today": today,
        "declarations": list(declarations),
        **_first(lots, "lots"),
    }


def enterprise_products(*, enterprise: Enterprise, user) -> dict[str, Any]:
    """The products and barcode registrations on an enterprise's page: three queries however
    many there are (the products up to ``SECTION_ROWS``, their count, the registrations with
    usage, today's status and this year's fee annotated)."""
    today = timezone.localdate()
    products = (
        Product.objects.for_user(user)
        .filter(enterprise=enterprise, is_archived=False)
        .order_by(VietnameseCollate("name"), "pk")
    )
    registrations = with_usage(
        BarcodeRegistration.objects.for_user(user)
        .filter(enterprise=enterprise, is_archived=False)
        .with_status_on(today, name="status_today")
    )
    return {
        "products": list(products[:SECTION_ROWS]),
        "product_count": products.count(),
        "barcode_registrations": list(registrations),
        "product_rows": SECTION_ROWS,
    }


def product_list_declared(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Annotate ``declared_today``: a declaration in force today names the product."""
    in_force = Declaration.objects.in_force_on(timezone.localdate()).filter(products=OuterRef("pk"))
    return queryset.annotate(declared_today=Exists(in_force))
