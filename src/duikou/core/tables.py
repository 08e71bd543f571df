"""Tables for the registries: declared columns, sorting, a column chooser, and export values.

A domain table is a list of `Column`s (NetBox's `tenancy/tables.py` shape, without
django-tables2: our needs are sorting, choosing columns and exporting the same
columns, and a small class keeps the rendering and the export in one place)::

    class ProjectTable(Table):
        columns = [
            Column("code", _("项目编号"), link=True),
            Column("aid_amount", _("援助资金"), kind=Column.MONEY),
            ...
        ]

One column definition gives the cell in the page (formatted: 万元, dates, choice
labels, links) and the cell in the CSV/XLSX export (raw: yuan as a number), so
the export is exactly the view the user is looking at.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .money import format_amount


@dataclass(frozen=True)
class Column:
    """One column of a registry table.

    Args:
        name: the key used in the URL (`sort=name`, `columns=name`).
        label: the header (translated).
        accessor: dotted path from the row to the value; defaults to `name`.
            A choice field shows its label (`get_<field>_display`).
        order_by: the ORM field(s) sorted on; defaults to the accessor with
            "." → "__"; `()` makes the column unsortable.
        kind: TEXT, MONEY (yuan, shown in 万元, exported in yuan), DATE, BOOL or NUMBER.
        link: link the cell to the row's `get_absolute_url()`, or a callable row → URL.
        is_default: shown when the user has not chosen columns.
        wrap: let long text wrap (names, notes); other cells stay on one line.
    """

    TEXT = "text"
    MONEY = "money"
    DATE = "date"
    BOOL = "bool"
    NUMBER = "number"

    name: str
    label: str
    accessor: str | None = None
    order_by: tuple[str, ...] | None = None
    kind: str = TEXT
    link: bool | Callable = False
    is_default: bool = True
    wrap: bool = False

    @property
    def path(self) -> list[str]:
        return (self.accessor or self.name).split(".")

    @property
    def ordering(self) -> tuple[str, ...]:
        if self.order_by is not None:
            return self.order_by
        return ("__".join(self.path),)

    @property
    def is_sortable(self) -> bool:
        return bool(self.ordering)

    @property
    def is_numeric(self) -> bool:
        return self.kind in (self.MONEY, self.NUMBER)

    @property
    def css_class(self) -> str:
        classes = [] if self.wrap else ["text-nowrap"]
        if self.is_numeric:
            classes.append("text-end")
        return " ".join(classes)

    @property
    def export_label(self) -> str:
        """Headers of exported money columns state the unit, so a file read back needs no guess."""
        if self.kind == self.MONEY:
            return _("{label}（元）").format(label=self.label)
        return str(self.label)

    def value(self, row):
        """The raw value (a choice field's label, a related object's str)."""
        target = row
        for part in self.path[:-1]:
            target = getattr(target, part, None)
            if target is None:
                return None
        last = self.path[-1]
        display = getattr(target, f"get_{last}_display", None)
        if display is not None:
            return display()
        value = getattr(target, last, None)
        return value() if callable(value) else value

    def render(self, row) -> str:
        """The cell as HTML (escaped)."""
        value = self.value(row)
        if value is None or value == "":
            text = "—"
        elif self.kind == self.MONEY:
            text = format_amount(value, "万元")
        elif self.kind == self.BOOL:
            text = _("是") if value else _("否")
        elif self.kind == self.NUMBER and isinstance(value, int):
            text = f"{value:,}"
        elif self.kind == self.NUMBER and isinstance(value, Decimal):
            text = f"{value.normalize():,f}"  # a measured 120.0000 reads "120", as on the detail pages
        elif isinstance(value, datetime.datetime):
            # Stored in UTC; shown in TIME_ZONE, the time officers read on their clocks.
            text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        else:
            text = str(value)
        url = self._url(row)
        if url and text != "—":
            return format_html('<a href="{}">{}</a>', url, text)
        return format_html("{}", text)

    def export_value(self, row):
        """The cell for CSV/XLSX: numbers stay numbers (yuan), dates stay dates, choices show labels."""
        value = self.value(row)
        if value is None:
            return ""
        if self.kind == self.BOOL:
            return str(_("是") if value else _("否"))
        if isinstance(value, (int, Decimal, datetime.date)):
            return value
        return str(value)

    def _url(self, row) -> str | None:
        if not self.link:
            return None
        if callable(self.link):
            return self.link(row)
        return row.get_absolute_url()


class Table:
    """Rows of one model with the columns the user chose and the order they asked for.

    Subclasses declare `columns`, and `select_related` for the foreign keys their
    columns read (the list page's query count must not grow with the page size).
    """

    columns: list[Column] = []
    select_related: tuple[str, ...] = ()
    default_ordering: tuple[str, ...] = ("-pk",)

    def __init__(self, *, visible: Iterable[str] | None = None, sort: str | None = None):
        by_name = {column.name: column for column in self.columns}
        chosen = [name for name in (visible or ()) if name in by_name]
        self.visible_columns = [by_name[name] for name in chosen] or [
            column for column in self.columns if column.is_default
        ]
        self.sort = sort if self._sort_column(sort) else None

    @classmethod
    def column_names(cls) -> list[str]:
        return [column.name for column in cls.columns]

    def _sort_column(self, sort: str | None) -> Column | None:
        if not sort:
            return None
        name = sort.removeprefix("-")
        return next((c for c in self.columns if c.name == name and c.is_sortable), None)

    def order(self, queryset):
        """Apply the chosen sort (the primary key breaks ties, so pages never overlap)."""
        column = self._sort_column(self.sort)
        if column is None:
            ordering = list(self.default_ordering)
            if not {"pk", "-pk"} & set(ordering):  # e.g. two stints starting the same day, same name
                ordering.append("-pk")
            return queryset.order_by(*ordering)
        descending = self.sort.startswith("-")
        fields = [f"-{field}" if descending else field for field in column.ordering]
        return queryset.order_by(*fields, "-pk" if descending else "pk")

    def prepare(self, queryset):
        """The queryset the page or export reads: related rows joined, ordered."""
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return self.order(queryset)

    def headers(self, sort_url: Callable[[str], str]) -> list[dict]:
        """Header cells with the link that sorts by them (ascending first, then descending)."""
        headers = []
        for column in self.visible_columns:
            state = None
            if self.sort and self.sort.removeprefix("-") == column.name:
                state = "desc" if self.sort.startswith("-") else "asc"
            next_sort = f"-{column.name}" if state == "asc" else column.name
            headers.append(
                {
                    "column": column,
                    "state": state,
                    "url": sort_url(next_sort) if column.is_sortable else None,
                }
            )
        return headers

    def rows(self, objects) -> list[tuple[object, list[Cell]]]:
        columns = self.visible_columns
        return [(obj, [Cell(column.render(obj), column.css_class) for column in columns]) for obj in objects]


class Cell(NamedTuple):
    html: str
    css_class: str
