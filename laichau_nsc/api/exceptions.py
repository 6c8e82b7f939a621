"""One error shape for every API error, with Vietnamese messages (English when asked for).

```json
{"error": {"code": "validation_error", "message": "Dữ liệu không hợp lệ.",
           "fields": {"tax_code": ["Mã số thuế này đã có trong hệ thống."]}}}
```

``code`` is stable for programs; ``message`` is for people; ``fields`` (only for invalid input)
maps a field, or ``non_field_errors``, to its messages. A service's Django ``ValidationError``
becomes a 400 and an ``EditConflictError`` (a stale ``version``) a 409, so an API client gets
what a page's form shows.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from ..editing import EditConflictError


def _messages() -> dict[str, str]:
    return {
        "not_authenticated": _("Cần đăng nhập hoặc gửi khóa API (Authorization: Token …)."),
        "authentication_failed": _("Khóa API không hợp lệ, đã hết hạn hoặc đã bị thu hồi."),
        "permission_denied": _("Bạn không có quyền thực hiện thao tác này."),
        "not_found": _("Không tìm thấy bản ghi, hoặc bạn không có quyền xem."),
        "method_not_allowed": _("Phương thức này không được hỗ trợ ở địa chỉ này."),
        "not_acceptable": _("Không thể trả về định dạng được yêu cầu."),
        "unsupported_media_type": _("Nội dung gửi lên phải ở dạng JSON."),
        "parse_error": _("Nội dung gửi lên không đọc được (JSON sai cú pháp)."),
        "throttled": _("Quá nhiều yêu cầu. Vui lòng thử lại sau."),
        "validation_error": _("Dữ liệu không hợp lệ."),
        "conflict": _(
            "Bản ghi đã được người khác thay đổi sau khi bạn tải về. Hãy tải lại rồi sửa lại."
        ),
        "csrf_failed": _("Thiếu hoặc sai mã CSRF: gửi kèm tiêu đề X-CSRFToken của phiên."),
    }


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _as_lists(detail) -> dict:
    """DRF's nested ``detail`` as {field: [messages]}, with nested fields joined by dots."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(d) for d in detail]}
    out: dict[str, list[str]] = {}
    for field, value in detail.items():
        if isinstance(value, dict):
            for sub, messages in _as_lists(value).items():
                out[f"{field}.{sub}"] = messages
        elif isinstance(value, list):
            out[field] = [str(v) for v in value if not isinstance(v, dict)] or [
                str(m) for v in value if isinstance(v, dict) for ms in v.values() for m in ms
            ]
        else:
            out[field] = [str(value)]
    return out


def api_exception_handler(exc, context):
    messages = _messages()
    if isinstance(exc, EditConflictError | DjangoValidationError):
        set_rollback()  # ATOMIC_REQUESTS: nothing of a refused request is kept
    if isinstance(exc, EditConflictError):
        fields = {c.field: [_("Đã đổi thành: %s") % (c.new,)] for c in exc.changes}
        body = error_body("conflict", messages["conflict"], fields)
        body["error"]["changed_by"] = exc.changed_by
        body["error"]["current_version"] = getattr(exc.current, "version", None)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        fields = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        fields = {("non_field_errors" if k == "__all__" else k): v for k, v in fields.items()}
        return Response(
            error_body("validation_error", messages["validation_error"], fields),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling (logged, mailed to the admins)
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("validation_error", messages["validation_error"], _as_lists(exc.detail))
    elif code == "permission_denied" and "CSRF" in str(getattr(exc, "detail", "")):
        body = error_body("csrf_failed", messages["csrf_failed"])
    else:
        message = messages.get(code, str(getattr(exc, "detail", "")))
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            message = _("Quá nhiều yêu cầu. Vui lòng thử lại sau %d giây.") % int(exc.wait + 1)
        body = error_body(code, message)
    response.data = body
    return response
