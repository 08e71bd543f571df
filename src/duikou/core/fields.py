"""Model fields of Duikou's own."""

from __future__ import annotations

import json
from functools import partial

from django.db import models


class VerbatimJSONField(models.JSONField):
    """A JSONField stored on PostgreSQL as `json` — the text as written — not as `jsonb`.

    For values written once and read whole, never searched inside: the change log's snapshots. `jsonb`
    parses every value into its binary form on the way in, about a third of what PostgreSQL spends on a
    change-log row of an import (docs/decisions/0001, "Session 7"); `json` only checks the text. Key
    lookups (`->`) still work on `json`; containment and key-existence lookups need `jsonb` and are not
    available. Elsewhere (SQLite) it is Django's JSONField unchanged.
    """

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        from psycopg.types.json import Json

        if not prepared:
            value = self.get_prep_value(value)
        # Chinese text as itself, not as \u escapes: `json` keeps the text, so escapes would double its size.
        return Json(value, dumps=partial(json.dumps, cls=self.encoder, ensure_ascii=False))

    def from_db_value(self, value, expression, connection):
        if value is not None and not isinstance(value, str):
            return value  # psycopg decodes `json` itself (Django hands it only `jsonb` as text)
        return super().from_db_value(value, expression, connection)
