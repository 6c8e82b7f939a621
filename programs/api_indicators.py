"""REST API v1: a year's indicators (``programs.indicators``: the same ``year_table`` and
``snapshot`` as the indicators page, the report and the dashboard). Officers and leaders, as on
the page; enterprise users never (province-wide figures)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from laichau_nsc.api.permissions import STAFF
from laichau_nsc.api.serializers import PortalSerializer, StrictInputMixin
from laichau_nsc.api.viewsets import ScopedViewSet

from .indicators.base import BREAKDOWNS
from .indicators.compute import json_number, snapshot, year_table
from .models import ManualIndicatorValue


class YearSerializer(StrictInputMixin, PortalSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class IndicatorQuerySerializer(YearSerializer):
    by = serializers.ChoiceField(choices=BREAKDOWNS, required=False)


class SnapshotSerializer(PortalSerializer):
    year = serializers.IntegerField()
    period = serializers.ListField(child=serializers.DateField())
    unit_level = serializers.CharField()
    sector_version = serializers.CharField()
    computed_at = serializers.CharField()
    order = serializers.ListField(child=serializers.CharField())
    indicators = serializers.DictField(child=serializers.DictField())


class BreakdownItemSerializer(PortalSerializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)


class IndicatorRowSerializer(PortalSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    group = serializers.CharField()
    source = serializers.ChoiceField(choices=["computed", "entered", "missing"])
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    progress = serializers.CharField()
    breakdown = BreakdownItemSerializer(many=True)


class IndicatorTableSerializer(PortalSerializer):
    year = serializers.IntegerField()
    by = serializers.CharField(allow_null=True)
    results = IndicatorRowSerializer(many=True)


def _row(row) -> dict:
    return {
        "code": row.code,
        "name": str(row.indicator.name),
        "unit": str(row.indicator.unit),
        "group": str(row.indicator.group),
        "source": row.source,
        "value": json_number(row.value),
        "target": json_number(row.target),
        "progress": row.progress,
        "breakdown": [
            {"key": str(key), "label": str(label), "value": json_number(value)}
            for key, label, value in row.breakdown
        ],
    }


class SingleAnswerSchema(AutoSchema):
    """The table of a year is one object, not a list of them, although its action is 'list'."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class IndicatorViewSet(ScopedViewSet):
    """Province-wide figures of a year. ``for_user`` still opens the door: the entered values
    are read through it (a role that may not see them gets nothing)."""

    model = ManualIndicatorValue
    read_roles = STAFF
    pagination_class = None
    filter_backends = ()
    schema = SingleAnswerSchema()

    def _query(self, request) -> dict:
        serializer = IndicatorQuerySerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary=_("Chỉ tiêu của một năm"),
        parameters=[IndicatorQuerySerializer],
        responses={200: IndicatorTableSerializer},
        examples=[
            OpenApiExample(
                "Năm 2022 theo đơn vị hành chính",
                value={
                    "year": 2022,
                    "by": "unit",
                    "results": [
                        {
                            "code": "ent_iso9001",
                            "name": "Doanh nghiệp áp dụng ISO 9001",
                            "unit": "doanh nghiệp",
                            "group": "Hệ thống quản lý",
                            "source": "computed",
                            "value": 2,
                            "target": 3,
                            "progress": "67 %",
                            "breakdown": [{"key": "12", "label": "Huyện Tam Đường", "value": 2}],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def list(self, request, *args, **kwargs):
        query = self._query(request)
        self.get_queryset().exists()  # the role's door (for_user); the figures are aggregates
        rows = year_table(query["year"], by=query.get("by"))
        return Response(
            {"year": query["year"], "by": query.get("by"), "results": [_row(r) for r in rows]}
        )

    @extend_schema(
        summary=_("Ảnh chụp mọi chỉ tiêu của một năm, với mọi cách chia"),
        description=_("Cùng dữ liệu báo cáo năm và bảng điều khiển lưu lại."),
        parameters=[YearSerializer],
        responses={200: SnapshotSerializer},
    )
    @action(detail=False, methods=["get"])
    def snapshot(self, request, *args, **kwargs):
        serializer = YearSerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        self.get_queryset().exists()
        return Response(snapshot(serializer.validated_data["year"]))
