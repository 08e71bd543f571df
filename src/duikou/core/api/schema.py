"""OpenAPI additions: the one error format on every operation (drf-spectacular postprocessing hook)."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every refused request (docs/api.md, Errors) · 所有被拒绝的请求",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {
                        "type": "string",
                        "nullable": True,
                        "description": "the request field at fault; null for the request as a whole",
                    },
                    "message": {
                        "type": "string",
                        "description": "中文 by default; English with Accept-Language: en",
                    },
                    "code": {"type": "string", "description": "required, invalid, not_found, protected …"},
                },
                "required": ["field", "message", "code"],
            },
        }
    },
    "required": ["errors"],
}

ERROR_RESPONSES = {
    "400": "Invalid input: every field at fault · 输入有误",
    "401": "No or invalid credentials · 未登录或令牌无效",
    "403": "No permission · 无权限",
    "404": "Not found · 未找到",
    "405": "Method not allowed (the ledger is append-only) · 不允许的方法",
    "409": "Conflict: other rows refer to the object, or a concurrent write · 冲突",
    "429": "Rate limit reached; see Retry-After (docs/security.md) · 请求过于频繁",
}
# Which of them an operation can answer, by HTTP method.
BY_METHOD = {
    "get": ("400", "401", "403", "404", "429"),
    "post": ("400", "401", "403", "404", "409", "429"),
    "put": ("400", "401", "403", "404", "409", "429"),
    "patch": ("400", "401", "403", "404", "409", "429"),
    "delete": ("401", "403", "404", "409", "429"),
}


def add_error_responses(result, generator, request, public):
    """Declare the `Error` component and add its responses to every operation that lacks them."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in BY_METHOD.get(method, ()):
                responses.setdefault(status, {"description": ERROR_RESPONSES[status], "content": reference})
    return result
