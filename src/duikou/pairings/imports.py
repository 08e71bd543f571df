"""Reference updates: pairings (结对关系) — which supporter assists which division, since when.

A pairing is known by programme, supporter, division and start date; a row for a stored one updates its
end date, confirmation and source.
"""

from __future__ import annotations

import copy

from django.utils.translation import gettext_lazy

from duikou.core.imports import ColumnSpec, Importer, ParsedRow, RowErrors
from duikou.programmes.imports import ReferenceResolving

from .models import Pairing

PAIRING_COLUMNS = [
    ColumnSpec(
        "supporter",
        gettext_lazy("支援方"),
        kind="organization",
        aliases=("援疆省市", "supporter"),
        required=True,
    ),
    ColumnSpec(
        "division", gettext_lazy("受援地"), kind="division", aliases=("受援县市", "division"), required=True
    ),
    ColumnSpec("since", gettext_lazy("起始日期"), kind="date", aliases=("结对时间", "since")),
    ColumnSpec("until", gettext_lazy("截止日期"), kind="date", aliases=("until",), ends_period=True),
    ColumnSpec("is_confirmed", gettext_lazy("已核实"), kind="bool", aliases=("confirmed",)),
    ColumnSpec("source", gettext_lazy("来源"), aliases=("依据", "source")),
    ColumnSpec("programme", gettext_lazy("援助计划"), kind="programme", aliases=("programme",)),
]


class PairingImporter(ReferenceResolving, Importer):
    kind = "pairings"
    title = gettext_lazy("结对关系")
    model = Pairing
    columns = PAIRING_COLUMNS
    natural_key = None  # (援助计划, 支援方, 受援地, 起始日期): found in `build`

    def prepare(self, keys):
        self.prepare_references()

    def build(self, row: ParsedRow, values: dict):
        problems = []
        programme = self.resolve_programme(values.get("programme"), problems)
        supporter = self.resolve_supporter(values.get("supporter"), problems)
        division = self.resolve_division(values.get("division"), problems)
        if problems or None in (programme, supporter, division):
            raise RowErrors(problems)
        existing = Pairing.objects.filter(
            programme=programme, supporter=supporter, division=division, since=values.get("since")
        ).first()
        row.existing = existing
        pairing = copy.copy(existing) if existing is not None else Pairing()
        pairing.programme, pairing.supporter, pairing.division = programme, supporter, division
        pairing.since = values.get("since")
        for name, default in (("until", None), ("is_confirmed", True), ("source", "")):
            if values.get(name) is not None or existing is None:
                setattr(pairing, name, values.get(name) if values.get(name) is not None else default)
        return pairing
