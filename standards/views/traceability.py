"""Traceability in the portal: a product's lots (list, form with stages, detail, publish), the
QR codes of its public pages (PNG, SVG) and a printable A4 sheet of labels.

Records come through ``for_user`` as everywhere: an enterprise user reaches only its own
enterprise's products and lots (another's is a 404), a leader reads, officers do everything.
"""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.history import record_history
from laichau_nsc.roles import has_role
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .. import qr
from .. import services_traceability as services
from ..forms_traceability import (
    LotFilterSet,
    LotForm,
    LotTable,
    StageFormSet,
    enterprise_locations,
    stage_initial,
    stages_from,
)
from ..models import Product, TraceabilityRecord
from .common import EVERY_ROLE, WRITERS, add_errors

#: Labels on one A4 sheet: 3 columns × 8 rows of 70 × 37 mm (the common "A4 24" label paper).
LABELS_PER_SHEET = 24
MAX_LABELS = 240


class ProductScopedMixin(RoleRequiredMixin):
    """The product in the URL, fetched through ``for_user``: another enterprise's is a 404."""

    product_action: ClassVar[str] = "view"

    @cached_property
    def product(self) -> Product:
        return get_object_or_404(
            Product.objects.for_user(self.request.user, self.product_action).select_related(
                "enterprise"
            ),
            pk=self.kwargs["product_pk"],
        )


# --- Lots ---------------------------------------------------------------------------------------


class LotListView(ProductScopedMixin, ObjectListView):
    """A product's lots, newest first, with the QR codes and labels of its public page."""

    model = TraceabilityRecord
    allowed_roles = EVERY_ROLE
    filterset_class = LotFilterSet
    table_class = LotTable
    template_name = "standards/traceability/lot_list.html"

    def get_queryset(self):
        return super().get_queryset().filter(product=self.product)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["product"] = self.product
        context["public_url"] = qr.product_page_url(self.product.public_code)
        context["may_write"] = has_role(self.request.user, *WRITERS)
        return context


class LotFormMixin:
    """The lot form and its stage formset, on one page; saved by the services."""

    model = TraceabilityRecord
    template_name = "standards/traceability/lot_form.html"

    def get_formset(self, product: Product, *, initial=None):
        data = self.request.POST if self.request.method == "POST" else None
        return StageFormSet(
            data,
            initial=initial,
            prefix="stages",
            form_kwargs={"locations": enterprise_locations(product.enterprise_id)},
        )

    def render_forms(self, form, formset, status: int = 200, **extra) -> HttpResponse:
        context = self.get_context_data(form=form, formset=formset, **extra)
        return self.render_to_response(context, status=status)


class LotCreateView(ProductScopedMixin, LotFormMixin, FormView):
    """Officers and the enterprise's own users record a lot of the product."""

    allowed_roles = WRITERS
    product_action = "change"
    form_class = LotForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["product"] = self.product
        context.setdefault("formset", self.get_formset(self.product))
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form()
        formset = self.get_formset(self.product)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_forms(form, formset, status=400)
        data = {f: form.cleaned_data[f] for f in services.LOT_FIELDS if f in form.cleaned_data}
        try:
            record = services.lot_create(
                product=self.product, data=data, stages=stages_from(formset), user=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.render_forms(form, formset, status=400)
        messages.success(request, _("Đã ghi nhận lô “%s”.") % record.lot)
        return redirect(record)


class LotRecordMixin(ScopedMixin):
    """One lot, fetched through ``for_user`` with its product and enterprise."""

    model = TraceabilityRecord

    def get_queryset(self):
        return super().get_queryset().select_related("product", "product__enterprise")


class LotUpdateView(ConflictFormMixin, LotRecordMixin, LotFormMixin, FormView):
    """Saves through ``lot_update``; a stale version re-shows the form with a 409."""

    action = "change"
    allowed_roles = WRITERS
    form_class = LotForm

    @cached_property
    def object(self) -> TraceabilityRecord:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_form_class(self):
        return LotForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["product"] = self.object.product
        context.setdefault(
            "formset", self.get_formset(self.object.product, initial=stage_initial(self.object))
        )
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form()
        formset = self.get_formset(self.object.product)
        if not form.is_valid():
            return self.form_invalid(form)
        if not formset.is_valid():
            return self.render_forms(form, formset, status=400)
        data = {
            f: form.cleaned_data[f] for f in services.LOT_UPDATE_FIELDS if f in form.cleaned_data
        }
        try:
            record = services.lot_update(
                lot_id=self.object.pk,
                data=data,
                stages=stages_from(formset),
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, error)
            return self.render_forms(form, formset, status=400)
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect(record)


class LotDetailView(LotRecordMixin, DetailView):
    allowed_roles = EVERY_ROLE
    template_name = "standards/traceability/lot_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        context["product"] = record.product
        context["stages"] = record.stages.select_related("location").order_by("position")
        context["public_url"] = qr.lot_page_url(record.product.public_code, record.trace_code)
        context["history"] = record_history(record)
        context["may_write"] = has_role(self.request.user, *WRITERS)
        return context


class LotPublishView(LotRecordMixin, DetailView):
    """GET asks for confirmation; POST shows (``publish``) or hides the lot publicly."""

    action = "change"
    allowed_roles = WRITERS
    template_name = "standards/traceability/lot_publish.html"
    publish: ClassVar[bool] = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "publish": self.publish}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        record = self.get_object()
        try:
            services.lot_set_published(lot_id=record.pk, published=self.publish, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Lô “%s” đã hiện trên trang công khai.") % record.lot
                if self.publish
                else _("Lô “%s” đã ẩn khỏi trang công khai.") % record.lot,
            )
        return redirect(record)


# --- QR codes and labels ----------------------------------------------------------------------


def _qr_response(url: str, fmt: str, name: str) -> HttpResponse:
    if fmt == "png":
        response = HttpResponse(qr.png(url), content_type="image/png")
    else:
        response = HttpResponse(qr.svg(url), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


class ProductQRView(ProductScopedMixin, View):
    """The QR code of the product's public page (``settings.SITE_URL`` + its stable path)."""

    allowed_roles = EVERY_ROLE
    fmt: ClassVar[str] = "png"

    def get(self, request: HttpRequest, product_pk: int) -> HttpResponse:
        url = qr.product_page_url(self.product.public_code)
        return _qr_response(url, self.fmt, f"ma-qr-{self.product.public_code}")


class LotQRView(LotRecordMixin, View):
    """The QR code of one lot's public page."""

    allowed_roles = EVERY_ROLE
    fmt: ClassVar[str] = "png"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(self.get_queryset(), pk=pk)
        url = qr.lot_page_url(record.product.public_code, record.trace_code)
        return _qr_response(url, self.fmt, f"ma-qr-{record.trace_code}")


class LabelSheetView(ProductScopedMixin, View):
    """An A4 page of labels to print (the browser's print, at 100 %): QR code, product name,
    GTIN, and the lot and trace code when a lot is chosen (``?lo=<id>``). ``?so-nhan=N``
    labels, 24 per sheet."""

    allowed_roles = EVERY_ROLE
    template_name = "standards/traceability/label_sheet.html"

    def get(self, request: HttpRequest, product_pk: int) -> HttpResponse:
        product = self.product
        lots = TraceabilityRecord.objects.for_user(request.user).filter(product=product)
        record = None
        chosen = request.GET.get("lo", "")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            record = get_object_or_404(lots, pk=int(chosen))
        count = _label_count(request.GET.get("so-nhan", ""))
        url = (
            qr.lot_page_url(product.public_code, record.trace_code)
            if record
            else qr.product_page_url(product.public_code)
        )
        context = {
            "product": product,
            "record": record,
            "count": count,
            # One block per A4 sheet, so each prints on its own page.
            "sheets": [
                range(min(LABELS_PER_SHEET, count - start))
                for start in range(0, count, LABELS_PER_SHEET)
            ],
            "qr_svg": mark_safe(qr.svg_inline(url)),  # noqa: S308 - segno's own markup
            "url": url,
            "lots": lots.order_by("-produced_on", "-pk")[:50],
            "max_labels": MAX_LABELS,
            "per_sheet": LABELS_PER_SHEET,
        }
        return render(request, self.template_name, context)


def _label_count(text: str) -> int:
    """The number of labels asked for, within 1 … ``MAX_LABELS`` (one sheet by default)."""
    try:
        count = int(text)
    except ValueError:
        return LABELS_PER_SHEET
    return max(1, min(count, MAX_LABELS))
