"""The cadre and talent roster import (干部人才台账): one row per stint.

A stint is known by who (姓名), for whom (支援方) and from when (进疆日期): a row naming a stored stint
updates it (e.g. 实际离疆 filled in later), an identical row changes nothing. Only what the work needs is
read (DOMAIN.md, privacy): no ID-card number, ethnicity or home address — such columns are ignored.
"""

from __future__ import annotations

import copy

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core.imports import ColumnSpec, Importer, ParsedRow, RowErrors
from duikou.core.scoping import ScopedImporterMixin
from duikou.core.text import match_key
from duikou.programmes.imports import ReferenceResolving
from duikou.programmes.models import Batch

from .choices import AssignmentKind
from .models import Assignment

ASSIGNMENT_COLUMNS = [
    ColumnSpec("person_name", gettext_lazy("姓名"), aliases=("name", "person"), required=True),
    ColumnSpec(
        "kind",
        gettext_lazy("人员类别"),
        kind="choice",
        aliases=("类别", "人员类型", "kind"),
        choices=tuple(AssignmentKind.choices),
        required=True,
    ),
    ColumnSpec(
        "supporter",
        gettext_lazy("支援方"),
        kind="organization",
        aliases=("援疆省市", "supporter"),
        required=True,
    ),
    ColumnSpec(
        "sending_organization",
        gettext_lazy("派出单位"),
        aliases=("原单位", "sending organization"),
        required=True,
    ),
    ColumnSpec(
        "host_division",
        gettext_lazy("受援地"),
        kind="division",
        aliases=("挂职地", "受援县市", "division"),
        required=True,
    ),
    ColumnSpec("host_unit", gettext_lazy("受援单位"), aliases=("挂职单位", "host unit"), required=True),
    ColumnSpec("post", gettext_lazy("挂职岗位"), aliases=("岗位", "职务", "post")),
    ColumnSpec("batch", gettext_lazy("批次"), kind="batch", aliases=("援疆批次", "batch")),
    ColumnSpec(
        "start_date", gettext_lazy("进疆日期"), kind="date", aliases=("到岗日期", "start date"), required=True
    ),
    ColumnSpec(
        "planned_end",
        gettext_lazy("计划期满"),
        kind="date",
        aliases=("期满日期", "planned end"),
        required=True,
        ends_period=True,
    ),
    ColumnSpec(
        "actual_end",
        gettext_lazy("实际离疆"),
        kind="date",
        aliases=("离疆日期", "actual end"),
        ends_period=True,
    ),
    ColumnSpec("team", gettext_lazy("组团式团队"), aliases=("团队", "team")),
    ColumnSpec("programme", gettext_lazy("援助计划"), kind="programme", aliases=("programme",)),
]


class AssignmentImporter(ScopedImporterMixin, ReferenceResolving, Importer):
    kind = "assignments"
    title = gettext_lazy("干部人才台账")
    model = Assignment
    columns = ASSIGNMENT_COLUMNS
    natural_key = None  # (姓名, 支援方, 进疆日期): found in `build`

    def prepare(self, keys):
        self.prepare_references()
        self.batches = {}
        for batch in Batch.objects.all():
            for text in (batch.name, str(batch.number), f"第{batch.number}批"):
                self.batches[(batch.programme_id, match_key(text))] = batch
        self.seen: dict[tuple, int] = {}

    def build(self, row: ParsedRow, values: dict):
        problems = []
        programme = self.resolve_programme(values.get("programme"), problems)
        supporter = self.resolve_supporter(values.get("supporter"), problems)
        division = self.resolve_division(values.get("host_division"), problems, column="host_division")
        batch = None
        if values.get("batch") and programme is not None:
            batch = self.batches.get((programme.pk, match_key(values["batch"])))
            if batch is None:
                problems.append(("batch", _("找不到批次“{value}”").format(value=values["batch"])))
        key = (values.get("person_name"), supporter.pk if supporter else None, values.get("start_date"))
        if all(key) and key in self.seen:
            problems.append(
                ("person_name", _("与第 {row} 行是同一人同一次派驻。").format(row=self.seen[key]))
            )
        elif all(key):
            self.seen[key] = row.number
        if problems:
            raise RowErrors(problems)

        existing = None
        if all(key):
            existing = Assignment.objects.filter(
                person_name=key[0], supporter=supporter, start_date=key[2]
            ).first()
        row.existing = existing
        assignment = copy.copy(existing) if existing is not None else Assignment()
        assignment.programme, assignment.supporter, assignment.host_division = programme, supporter, division
        assignment.batch = batch if batch is not None or existing is None else assignment.batch
        for name in ("person_name", "kind", "sending_organization", "host_unit", "start_date", "planned_end"):
            setattr(assignment, name, values.get(name))
        for name in ("post", "team", "actual_end"):
            if values.get(name) is not None or existing is None:
                setattr(assignment, name, values.get(name) or ("" if name != "actual_end" else None))
        return assignment

    def template_choices(self, spec):
        if spec.kind == "batch":
            return list(Batch.objects.order_by("number").values_list("name", flat=True))
        return super().template_choices(spec)
