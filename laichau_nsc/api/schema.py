"""OpenAPI additions: the error shape, documented once and referenced by every operation, and
the token authentication scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string", "example": "Dữ liệu không hợp lệ."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "example": {"tax_code": ["Mã số thuế này đã có trong hệ thống."]},
                },
                "changed_by": {"type": "string"},
                "current_version": {"type": "integer", "nullable": True},
            },
        }
    },
}
ERRORS = {
    "400": "Dữ liệu không hợp lệ (validation_error, parse_error).",
    "401": "Chưa đăng nhập hoặc khóa API sai (not_authenticated, authentication_failed).",
    "403": "Vai trò không được phép (permission_denied, csrf_failed).",
    "404": "Không có bản ghi, hoặc bản ghi ngoài phạm vi của người gọi (not_found).",
    "405": "Phương thức không được hỗ trợ (method_not_allowed).",
    "406": "Định dạng không hỗ trợ (not_acceptable).",
    "409": "Bản ghi đã bị người khác sửa sau khi đọc (conflict).",
    "415": "Nội dung không phải JSON (unsupported_media_type).",
    "429": "Quá nhiều yêu cầu (throttled).",
}


def add_error_responses(result, generator, request, public):
    """Every operation may answer with the error shape; name it once as ``Error``."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            if any(p.get("name") == "format" for p in operation.get("parameters", [])):
                _add_export_responses(responses)
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result


def _add_export_responses(responses: dict) -> None:
    """A list's ``?format=csv`` answers CSV; ``?format=xlsx`` queues a job (202)."""
    ok = responses.setdefault("200", {"description": "OK", "content": {}})
    ok.setdefault("content", {})["text/csv"] = {
        "schema": {"type": "string"},
        "example": "\ufeffTên doanh nghiệp,Mã số thuế\r\nCông ty cổ phần Chè Tam Đường,"
        '="6200123456"\r\n',
    }
    responses["202"] = {
        "description": "Đã tạo việc xuất tệp XLSX; theo dõi ở địa chỉ trong Location.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["id", "state", "url"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "state": {"type": "string"},
                        "url": {"type": "string"},
                    },
                },
                "example": {
                    "id": "0b6f3c1e-6d1a-4a53-9a53-0c5b0f2d9e11",
                    "state": "queued",
                    "url": "https://nsc.example.gov.vn/api/v1/exports/0b6f3c1e-6d1a-4a53-9a53-0c5b0f2d9e11/",
                },
            }
        },
        "headers": {"Location": {"schema": {"type": "string"}}},
    }


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "laichau_nsc.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token nsc_<tiền tố>_<bí mật>` (tạo bằng `manage.py api_token`).",
        }


class PortalSessionScheme(OpenApiAuthenticationExtension):
    target_class = "laichau_nsc.api.authentication.PortalSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
