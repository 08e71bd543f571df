"""The API's framework: what every endpoint under /api/ shares (docs/api.md).

- `views`: base viewsets — the change context (source "api", the authenticated user), the language
  (Chinese unless the client asks for English), writes in one transaction;
- `serializers`: the base serializer that validates with `Model.full_clean()` (STYLE.md 8);
- `exceptions`: one error format, `{"errors": [{"field", "message", "code"}]}`;
- `authentication`, `permissions`, `pagination`, `filters`: the settings' defaults (REST_FRAMEWORK);
- `schema`: the OpenAPI additions (the error responses); `urls`: the `id` path converter.

Domain apps declare their endpoints in `<app>/api/` with these; nothing here knows a domain model.
"""

from .urls import IdConverter  # noqa: F401 — registers the `<id:pk>` path converter
