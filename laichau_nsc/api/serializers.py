"""Serializer bases: Vietnamese field messages, and input limited to the fields a role may send.

DRF's own messages are English (its Vietnamese catalogue is nearly empty), so every field of our
serializers gets the portal's messages. ``StrictInputMixin`` refuses a field the caller may not
send (an enterprise user sending ``status``) instead of silently ignoring it, as the pages'
forms refuse a field they do not offer.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings
from rest_framework.validators import UniqueValidator

FIELD_MESSAGES = {
    "required": _("Trường này là bắt buộc."),
    "null": _("Trường này không được để trống."),
    "blank": _("Trường này không được để trống."),
    "invalid": _("Giá trị không hợp lệ."),
    "max_length": _("Nhiều nhất {max_length} ký tự."),
    "min_length": _("Ít nhất {min_length} ký tự."),
    "max_value": _("Giá trị lớn nhất là {max_value}."),
    "min_value": _("Giá trị nhỏ nhất là {min_value}."),
    "max_string_length": _("Số quá lớn."),
    "max_digits": _("Nhiều nhất {max_digits} chữ số."),
    "max_decimal_places": _("Nhiều nhất {max_decimal_places} chữ số thập phân."),
    "max_whole_digits": _("Nhiều nhất {max_whole_digits} chữ số phần nguyên."),
    "invalid_choice": _("“{input}” không phải là một lựa chọn hợp lệ."),
    "does_not_exist": _("Không có bản ghi mã {pk_value}."),
    "incorrect_type": _("Cần mã số (số nguyên), không phải {data_type}."),
    "not_a_list": _("Cần một danh sách, không phải {input_type}."),
    "empty": _("Danh sách không được để trống."),
    "date": _("Cần một ngày, không phải ngày giờ."),
    "make_aware": _("Thời điểm không hợp lệ ở múi giờ {timezone}."),
    "overflow": _("Giá trị ngày giờ vượt quá giới hạn."),
    "not_a_dict": _("Cần một đối tượng JSON."),
}
DATE_INVALID = _("Ngày không hợp lệ: dùng dạng YYYY-MM-DD.")
NOT_ALLOWED = _("Bạn không được gửi trường này.")
NOT_WRITABLE = _("Trường này chỉ để đọc.")


def _localise(field: serializers.Field) -> None:
    for key in list(field.error_messages):
        if key in FIELD_MESSAGES:
            field.error_messages[key] = FIELD_MESSAGES[key]
    if isinstance(field, serializers.DateField | serializers.DateTimeField):
        field.error_messages["invalid"] = DATE_INVALID
    child = getattr(field, "child_relation", None) or getattr(field, "child", None)
    if child is not None:
        _localise(child)


class PortalSerializerMixin:
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _localise(field)
        return fields


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record chosen by id, among those the caller may see (``for_user``): another
    enterprise's record reads as unknown."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is not None and hasattr(queryset, "for_user"):
            return queryset.for_user(request.user)
        return queryset


_SIMPLE_FIELDS = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.FloatField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.DecimalField,
    serializers.ChoiceField,
)


def _is_simple(field: serializers.Field) -> bool:
    return isinstance(field, _SIMPLE_FIELDS) and not isinstance(field, serializers.ModelField)


def _plan_entry(field: serializers.Field):
    """(name, function of the instance giving the field's value) for one readable field."""
    if isinstance(field, serializers.PrimaryKeyRelatedField) and len(field.source_attrs) == 1:
        # The id is on the row already: no related object is loaded or asked for.
        attname = f"{field.source_attrs[0]}_id"
        return field.field_name, lambda obj: getattr(obj, attname)
    if _is_simple(field):
        attrs, represent = field.source_attrs, field.to_representation

        def value(obj):
            for attr in attrs:
                obj = getattr(obj, attr, None) if obj is not None else None
            return None if obj is None else represent(obj)

        return field.field_name, value

    def general(obj, field=field):  # many-to-many, method fields…: DRF's own way
        attribute = field.get_attribute(obj)
        return None if attribute is None else field.to_representation(attribute)

    return field.field_name, general


def _column_path(model, attrs: list[str]) -> str | None:
    """The ``values()`` path of a field reached by ``attrs`` (``["sector", "code"]`` →
    ``sector__code``): forward relations, then a concrete column; None for anything else
    (a property, a method, a reverse or many-to-many relation)."""
    for position, attr in enumerate(attrs):
        try:
            field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None
        if not getattr(field, "concrete", False) or field.many_to_many:
            return None
        if position < len(attrs) - 1:
            if not (field.many_to_one or field.one_to_one):
                return None
            model = field.related_model
        elif field.is_relation:
            return None
    return "__".join(attrs)


def _value_entry(model, field: serializers.Field):
    """(name, values() path, formatter) for one readable field, or None when the field cannot
    be read from a column (the list then falls back to model instances)."""
    if isinstance(field, serializers.PrimaryKeyRelatedField) and not isinstance(
        field, serializers.ManyRelatedField
    ):
        if len(field.source_attrs) != 1:
            return None
        try:
            relation = model._meta.get_field(field.source_attrs[0])
        except FieldDoesNotExist:
            return None
        if not (relation.many_to_one or relation.one_to_one) or not relation.concrete:
            return None
        return field.field_name, relation.attname, None
    if not _is_simple(field):
        return None
    path = _column_path(model, field.source_attrs)
    if path is None:
        return None
    return field.field_name, path, _formatter(field, _column_field(model, field.source_attrs))


#: DRF's ``to_representation`` of a field → the model fields whose values it returns unchanged
#: (``str`` of a text, ``int`` of an integer, a boolean as it is): a row's value then goes to
#: the answer as it is.
_UNCHANGED = {
    serializers.CharField.to_representation: {"CharField", "TextField", "EmailField", "URLField"},
    serializers.IntegerField.to_representation: {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    },
    serializers.BooleanField.to_representation: {"BooleanField"},
}


class _LocalTime:
    """Marks a ``DateTimeField`` drawn as DRF draws it by default (ISO 8601 in the current
    time zone), so that the time zone is looked up once per answer, not twice per row."""

    def __init__(self, field: serializers.DateTimeField) -> None:
        self.field = field

    def bind(self):
        zone = self.field.default_timezone()
        general = self.field.to_representation
        if zone is None:
            return general

        def represent(value):
            if not isinstance(value, datetime.datetime) or value.tzinfo is None:
                return general(value)
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:  # DRF's own error
                return general(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return represent


def _formatter(field: serializers.Field, column):
    """How a ``values()`` value of ``column`` becomes the field's answer: None when it goes
    as it is, else a function (DRF's own ``to_representation``, or ``_LocalTime``'s)."""
    represent = type(field).to_representation
    if column is not None and column.get_internal_type() in _UNCHANGED.get(represent, ()):
        return None
    if (
        represent is serializers.ChoiceField.to_representation
        and column is not None
        and column.get_internal_type() in _UNCHANGED[serializers.CharField.to_representation]
        and all(isinstance(key, str) for key in field.choice_strings_to_values.values())
    ):
        # DRF answers the choice whose text is the value's, or the value: with text keys and
        # a text column, the value itself.
        return None
    if (
        represent is serializers.DateTimeField.to_representation
        and not hasattr(field, "timezone")
        and (getattr(field, "format", api_settings.DATETIME_FORMAT) or "").lower() == ISO_8601
    ):
        return _LocalTime(field)
    return field.to_representation


def _column_field(model, attrs: list[str]):
    """The model field at the end of ``attrs`` (a path ``_column_path`` accepted)."""
    for attr in attrs[:-1]:
        model = model._meta.get_field(attr).related_model
    return model._meta.get_field(attrs[-1])


#: Per serializer class whose fields are all plain: its readable fields' plan, built once per
#: process (building the fields on every request cost about 1.5 ms).
_PLANS: dict[type, list] = {}
_VALUE_PLANS: dict[type, tuple | None] = {}


class FastRepresentationMixin:
    """Answers drawn field by field without DRF's per-field bookkeeping (about a third of a
    list's time): a plain attribute walk and the field's own ``to_representation``, ids of
    related rows read from the row itself. The output is DRF's own, byte for byte
    (``tests/api/test_api_serializers.py`` compares them on every endpoint).

    ``value_rows`` goes further for lists: when every field is a column of the model or of a
    model it points to, the list reads ``values()`` rows (no model instances, no
    ``select_related`` bookkeeping) and draws each answer from them with the same
    ``to_representation``.
    """

    def to_representation(self, instance):
        if isinstance(instance, dict) and _VALUE_PLANS.get(type(self)):
            return self.represent_values(instance)
        plan = _PLANS.get(type(self)) or getattr(self, "_fast_plan", None)
        if plan is None:
            fields = list(self._readable_fields)
            plan = self._fast_plan = [_plan_entry(f) for f in fields]
            if all(
                _is_simple(f) or isinstance(f, serializers.PrimaryKeyRelatedField) for f in fields
            ):
                # Plain fields read nothing of the request: the plan serves every request. A
                # method field or a nested serializer reads its serializer's context, so its
                # plan stays with this serializer.
                _PLANS[type(self)] = plan
        return {name: value(instance) for name, value in plan}

    @classmethod
    def value_plan(cls) -> tuple | None:
        """``((name, path, formatter), …)`` when the answer can be drawn from ``values()``
        rows, else None. Built once per class."""
        if cls not in _VALUE_PLANS:
            serializer = cls()
            model = cls.Meta.model
            entries = [_value_entry(model, f) for f in serializer._readable_fields]
            _VALUE_PLANS[cls] = None if None in entries else tuple(entries)
        return _VALUE_PLANS[cls]

    @classmethod
    def value_paths(cls) -> list[str]:
        return [path for _name, path, _format in cls.value_plan()]

    def represent_values(self, row: dict):
        plan = self.__dict__.get("_bound_value_plan")
        if plan is None:
            # Per serializer, so per request: what depends on the request (the time zone) is
            # looked up once for every row of the answer.
            entries = _VALUE_PLANS[type(self)]
            plan = self._bound_value_plan = (
                [(name, path) for name, path, _formatter in entries],
                [
                    (name, formatter.bind() if isinstance(formatter, _LocalTime) else formatter)
                    for name, _path, formatter in entries
                    if formatter is not None
                ],
            )
        every, formatted = plan
        # Every value in the fields' order, then the few that need drawing drawn in place.
        answer = {name: row[path] for name, path in every}
        for name, formatter in formatted:
            value = answer[name]
            if value is not None:
                answer[name] = formatter(value)
        return answer


class PortalModelSerializer(
    FastRepresentationMixin, PortalSerializerMixin, serializers.ModelSerializer
):
    serializer_related_field = ScopedPrimaryKeyRelatedField
    # An e-mail address or web address left blank is "" in an answer, which the schema's
    # formats (email, uri) would not allow: answers declare them as plain text.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.EmailField: serializers.CharField,
        models.URLField: serializers.CharField,
    }

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        # DRF drops allow_blank from read-only fields, so the schema's enum of a choice left
        # blank ("" for no size class) would leave out the "" that answers do carry.
        blank = kwargs.get("allow_blank") and "choices" in kwargs
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank:
            kwargs["allow_blank"] = True
        return kwargs


class PortalSerializer(PortalSerializerMixin, serializers.Serializer):
    pass


class StrictInputMixin:
    """Unknown or read-only fields in the input are refused, each with its own message."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = [str(NOT_ALLOWED)]
                elif field.read_only:
                    errors[name] = [str(NOT_WRITABLE)]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class WriteSerializer(StrictInputMixin, PortalModelSerializer):
    """Input of a service: ``validated_data`` is handed to it as ``data``; nothing is saved by
    the serializer itself (``create``/``update`` are the service's)."""

    serializer_field_mapping = serializers.ModelSerializer.serializer_field_mapping

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            # Uniqueness is checked by the service's full_clean(), with the model's message.
            field.validators = [v for v in field.validators if not isinstance(v, UniqueValidator)]
        return fields

    def get_validators(self):
        return []

    def create(self, validated_data):  # pragma: no cover - the viewsets call services
        raise NotImplementedError

    def update(self, instance, validated_data):  # pragma: no cover
        raise NotImplementedError


class VersionSerializer(StrictInputMixin, PortalSerializer):
    """The version the caller read, for a workflow step (optimistic concurrency)."""

    version = serializers.IntegerField(min_value=1)


class ReasonVersionSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=1000)
