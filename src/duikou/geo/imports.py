"""Reference updates: divisions (区划) by GB/T 2260 code — a new county, a renamed one, an end date.

A parent is named by code or name and may be a division further up the same file (a new prefecture and
its counties in one go). Former codes stay in the former-code table (FormerCode), maintained in the admin.
"""

from __future__ import annotations

import copy

from django.utils.translation import gettext_lazy

from duikou.core.imports import ColumnSpec, Importer, ParsedRow, RowErrors
from duikou.core.text import match_key

from .choices import DivisionLevel, Zone
from .models import Division, DivisionResolver

DIVISION_COLUMNS = [
    ColumnSpec("code", gettext_lazy("区划代码"), aliases=("代码", "国标代码", "code"), required=True),
    ColumnSpec("name", gettext_lazy("名称"), aliases=("区划名称", "name"), required=True),
    ColumnSpec(
        "level",
        gettext_lazy("级别"),
        kind="choice",
        aliases=("层级", "level"),
        choices=tuple(DivisionLevel.choices),
        required=True,
    ),
    ColumnSpec("parent", gettext_lazy("上级"), kind="division", aliases=("上级代码", "上级区划", "parent")),
    ColumnSpec("zone", gettext_lazy("片区"), kind="choice", aliases=("zone",), choices=tuple(Zone.choices)),
    ColumnSpec("short_name", gettext_lazy("简称"), aliases=("short name",)),
    ColumnSpec("is_xpcc", gettext_lazy("兵团"), kind="bool", aliases=("是否兵团", "xpcc")),
    ColumnSpec("valid_from", gettext_lazy("启用日期"), kind="date", aliases=("valid from",)),
    ColumnSpec("valid_to", gettext_lazy("停用日期"), kind="date", aliases=("valid to",), ends_period=True),
    ColumnSpec("source", gettext_lazy("来源"), aliases=("依据", "source")),
]


class DivisionImporter(Importer):
    kind = "divisions"
    title = gettext_lazy("行政区划")
    model = Division
    columns = DIVISION_COLUMNS
    natural_key = "code"

    def prepare(self, keys):
        self.resolver = DivisionResolver()
        self.existing = {division.code: division for division in Division.objects.filter(code__in=keys)}
        self.in_file: dict[str, Division] = {}  # earlier rows, by code and name, for parents in the same file

    def build(self, row: ParsedRow, values: dict):
        parent = None
        if values.get("parent"):
            text = values["parent"]
            parent = self.in_file.get(text) or self.in_file.get(match_key(text))
            if parent is None:
                parent, message = self.resolver.resolve(text)
                if parent is None:
                    raise RowErrors([("parent", message)])
        code = values.get("code")
        existing = self.existing.get(code)
        row.existing = existing
        division = copy.copy(existing) if existing is not None else Division()
        division.parent = parent if parent is not None or existing is None else division.parent
        for name in ("code", "name", "level"):
            setattr(division, name, values.get(name))
        for name in ("zone", "short_name", "source"):
            if values.get(name) is not None or existing is None:
                setattr(division, name, values.get(name) or "")
        for name, default in (("is_xpcc", False), ("valid_from", None), ("valid_to", None)):
            if values.get(name) is not None or existing is None:
                setattr(division, name, values.get(name) if values.get(name) is not None else default)
        if code:
            self.in_file[code] = division
            self.in_file[match_key(values.get("name") or "")] = division
        return division

    def template_choices(self, spec):
        if spec.kind == "division":
            return list(Division.objects.order_by("code").values_list("code", flat=True))
        return super().template_choices(spec)

    def template_rows(self, queryset):
        rows = []
        for division in queryset.select_related("parent").order_by("code"):
            rows.append(
                [
                    division.code,
                    division.name,
                    division.get_level_display(),
                    division.parent.code if division.parent else None,
                    division.get_zone_display() if division.zone else None,
                    division.short_name,
                    division.is_xpcc,
                    division.valid_from,
                    division.valid_to,
                    division.source,
                ]
            )
        return rows
