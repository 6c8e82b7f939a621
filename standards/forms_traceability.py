"""Forms, the filter and the table of the lots (traceability records) of a product. The form
offers what ``services_traceability`` lets both officers and enterprise users set; the service
checks everything again."""

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.forms import VietnameseDateInput, label_empty_choices
from laichau_nsc.filters import PortalFilterSet
from laichau_nsc.forms import PortalForm

from . import services_traceability as services
from .forms import RecordForm
from .models import LocationNumber, TraceabilityRecord

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class LotForm(RecordForm):
    """A lot's own fields; its stages come in ``StageFormSet``. The trace code is asked only for
    a new lot (left empty, the service makes one) and never changes afterwards."""

    class Meta:
        model = TraceabilityRecord
        fields = services.LOT_FIELDS
        widgets = {
            "produced_on": VietnameseDateInput(),
            "best_before": VietnameseDateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "trace_code": _(
                "Để trống để hệ thống tự tạo một mã dễ đọc (không có chữ O, I, L, số 0, 1)."
            ),
            "lot": _("Như in trên bao bì; tối đa 20 chữ cái không dấu, chữ số, - . / _"),
            "best_before": _("Ngày hết hạn của lô này, nếu có."),
            "shelf_life": _("Ví dụ: 12 tháng kể từ ngày sản xuất."),
            "note": _("Ghi chú nội bộ; không hiện trên trang công khai."),
            "is_published": _("Lô hiện trên trang truy xuất công khai của sản phẩm."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["trace_code"]
        else:
            self.fields["trace_code"].required = False
        self.fields["produced_on"].input_formats = DATE_FORMATS
        self.fields["best_before"].input_formats = DATE_FORMATS


class StageForm(PortalForm):
    """One stage: what was done, where (typed, or one of the enterprise's GLNs), when."""

    what = forms.CharField(label=_("Công đoạn"), max_length=200)
    where = forms.CharField(label=_("Nơi thực hiện"), max_length=300, required=False)
    location = forms.ModelChoiceField(
        label=_("hoặc địa điểm (GLN)"), queryset=LocationNumber.objects.none(), required=False
    )
    started_on = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=VietnameseDateInput(),
        input_formats=DATE_FORMATS,
    )
    ended_on = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=VietnameseDateInput(),
        input_formats=DATE_FORMATS,
    )

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if locations is not None:
            self.fields["location"].queryset = locations
        label_empty_choices(self)


StageFormSet = forms.formset_factory(
    StageForm, extra=3, can_delete=True, max_num=services.MAX_STAGES, validate_max=True
)


def enterprise_locations(enterprise_id: int):
    """The GLNs a stage of this enterprise's product may name."""
    return LocationNumber.objects.filter(
        registration__enterprise_id=enterprise_id, is_archived=False
    ).order_by("gln")


def stage_initial(record: TraceabilityRecord) -> list[dict]:
    return [
        {name: getattr(stage, name) for name in services.STAGE_FIELDS}
        for stage in record.stages.select_related("location").order_by("position")
    ]


def stages_from(formset) -> list[dict]:
    """The stages to save, in the order shown: filled rows not marked for deletion (an empty
    extra row has no cleaned data)."""
    return [
        {name: form.cleaned_data.get(name) for name in services.STAGE_FIELDS}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class LotFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=40,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Số lô, mã truy xuất…")}),
    )
    is_published = django_filters.BooleanFilter(
        label=_("Công khai"),
        widget=forms.Select(choices=[("", _("Tất cả")), ("true", _("Có")), ("false", _("Không"))]),
    )

    class Meta:
        model = TraceabilityRecord
        fields = ("q", "is_published")

    def filter_search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(lot__icontains=value) | Q(trace_code__icontains=value))


class LotTable(tables.Table):
    trace_code = tables.Column(
        verbose_name=_("Mã truy xuất"), linkify=True, order_by=("trace_code", "pk")
    )
    lot = tables.Column(verbose_name=_("Số lô"), order_by=("lot", "pk"))
    produced_on = tables.DateColumn(
        verbose_name=_("Ngày sản xuất"), format="d/m/Y", order_by=("produced_on", "pk")
    )
    best_before = tables.DateColumn(
        verbose_name=_("Hạn sử dụng"), format="d/m/Y", order_by=("best_before", "pk")
    )
    is_published = tables.BooleanColumn(verbose_name=_("Công khai"), orderable=False)

    class Meta:
        model = TraceabilityRecord
        fields = ("trace_code", "lot", "produced_on", "best_before", "is_published")
        order_by = ("-produced_on",)
        attrs = {"class": "table table-sm table-hover align-middle table-cards"}
