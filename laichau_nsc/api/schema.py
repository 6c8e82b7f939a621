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
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result


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
