"""Product pages: the list (officers and leaders see every enterprise's products, an enterprise
user its own), detail, forms, archive and restore, and the product image (public once the
product is published)."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, UpdateView

from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.files import CONTENT_TYPES
from laichau_nsc.history import record_history
from laichau_nsc.roles import Role, has_role, is_officer
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .. import selectors_products as selectors
from .. import services_products as services
from ..filters_products import ProductFilterSet
from ..forms_products import EnterpriseProductForm, ProductForm
from ..models import Product
from ..tables_products import ProductTable
from .common import EVERY_ROLE, WRITERS, DecisionView, EnterpriseScopedMixin, add_errors

#: How long browsers and shared caches keep a published product's image. Its URL changes with
#: the image (``Product.get_image_url``), so this only bounds how long an image stays visible
#: after the product is unpublished or archived.
PUBLIC_IMAGE_MAX_AGE = 3600


class ProductListView(ObjectListView):
    model = Product
    allowed_roles = EVERY_ROLE
    filterset_class = ProductFilterSet
    table_class = ProductTable
    template_name = "standards/products/product_list.html"
    results_template = "standards/products/htmx/product_table.html"

    def get_queryset(self):
        queryset = super().get_queryset().select_related("enterprise", "barcode_registration")
        return selectors.product_list_declared(queryset)


class ProductDetailView(ScopedMixin, DetailView):
    model = Product
    allowed_roles = EVERY_ROLE
    template_name = "standards/products/product_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "barcode_registration")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.object
        context.update(selectors.product_detail(product=product, user=self.request.user))
        context["history"] = record_history(product)
        # Officers, or an enterprise user: the product came through for_user, so it is theirs.
        user = self.request.user
        context["may_change"] = is_officer(user) or has_role(user, Role.ENTERPRISE)
        return context


class ProductFormMixin:
    """Officers get the whole form; an enterprise user the form without the OCOP rating."""

    model = Product
    template_name = "standards/products/product_form.html"

    def get_form_class(self):
        # The enterprise form unless an officer (also for a request with no user yet).
        user = getattr(self.request, "user", None)
        return ProductForm if user is not None and is_officer(user) else EnterpriseProductForm

    def data_from(self, form) -> dict:
        return {f: form.cleaned_data[f] for f in form._meta.fields if f in form.cleaned_data}


class ProductCreateView(EnterpriseScopedMixin, ProductFormMixin, RoleRequiredMixin, CreateView):
    """An officer, or the enterprise's own user, registers a product of the enterprise."""

    allowed_roles = WRITERS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.get_enterprise()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enterprise": self.get_enterprise()}

    def form_valid(self, form):
        try:
            self.object = services.product_create(
                enterprise=self.get_enterprise(),
                data=self.data_from(form),
                user=self.request.user,
                image=form.cleaned_data.get("image_upload"),
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi nhận sản phẩm “%s”.") % self.object.name)
        return redirect(self.object)


class ProductUpdateView(ConflictFormMixin, ProductFormMixin, ScopedMixin, UpdateView):
    """Saves through ``product_update``; a stale version re-shows the form with a 409."""

    action = "change"
    allowed_roles = WRITERS

    def get_object(self, queryset=None):
        product = super().get_object(queryset)
        if product.is_archived:
            raise PermissionDenied  # restore it first (the page says so)
        return product

    def form_valid(self, form):
        try:
            self.object = services.product_update(
                product_id=self.object.pk,
                data=self.data_from(form),
                version=form.cleaned_data["version"],
                user=self.request.user,
                image=form.cleaned_data.get("image_upload"),
                remove_image=form.cleaned_data.get("remove_image", False),
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return redirect(self.object)


class ProductDecisionView(DecisionView):
    """Archive or restore: officers, and the enterprise's own users."""

    model = Product
    allowed_roles = WRITERS

    def act(self, obj, form) -> None:
        services.product_set_archived(
            product_id=obj.pk, archived=self.decision == "archive", user=self.request.user
        )


class ProductImageView(View):
    """A product's image, inline. Anyone gets it while the product is published (the public
    traceability page shows it), cached publicly; otherwise only those who may see the product
    (``for_user``), cached privately. Anyone else gets a 404, also when not signed in: a private
    product's existence is not revealed by a login page."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        product = Product.objects.published().filter(pk=pk).first()
        public = product is not None
        if product is None:
            product = get_object_or_404(Product.objects.for_user(request.user), pk=pk)
        if not product.image:
            raise Http404
        extension = PurePath(product.image.name).suffix.lower()
        content_type = CONTENT_TYPES.get(extension)
        if content_type not in services.IMAGE_TYPES:
            raise Http404  # only what the product form accepted is ever served
        etag = quote_etag(PurePath(product.image.name).stem)
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        else:
            try:
                handle = product.image.open("rb")
            except (FileNotFoundError, OSError):
                raise Http404 from None
            response = FileResponse(handle, content_type=content_type)
            response["Content-Disposition"] = f'inline; filename="san-pham-{product.pk}{extension}"'
        response["ETag"] = etag
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        if public:
            patch_cache_control(response, public=True, max_age=PUBLIC_IMAGE_MAX_AGE)
        else:
            # Kept by the user's own browser only, and asked again (a 304) each time.
            patch_cache_control(response, private=True, no_cache=True)
        return response
