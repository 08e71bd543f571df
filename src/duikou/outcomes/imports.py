"""Outcome measurements import (成效数据): one value of one indicator for a project or a division, a
supporter and a period. A row for a stored (indicator, project or division, supporter, period) updates
its value; the models' rules apply (period order, the project's supporter and division)."""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core.imports import CellError, ColumnSpec, Importer, ParsedRow, RowErrors
from duikou.core.scoping import ScopedImporterMixin
from duikou.core.text import match_key, to_halfwidth
from duikou.programmes.imports import ReferenceResolving
from duikou.projects.models import Project

from .models import Indicator, Measurement

MEASUREMENT_COLUMNS = [
    ColumnSpec(
        "indicator",
        gettext_lazy("指标"),
        kind="indicator",
        aliases=("成效指标", "指标名称", "indicator"),
        required=True,
    ),
    ColumnSpec("value", gettext_lazy("数值"), kind="number", aliases=("数量", "值", "value"), required=True),
    ColumnSpec(
        "period_start",
        gettext_lazy("期间起"),
        kind="date",
        aliases=("开始日期", "period start"),
        required=True,
    ),
    ColumnSpec(
        "period_end",
        gettext_lazy("期间止"),
        kind="date",
        aliases=("截止日期", "结束日期", "period end"),
        required=True,
        ends_period=True,
    ),
    ColumnSpec("project", gettext_lazy("项目编号"), kind="project", aliases=("project code", "project")),
    ColumnSpec("supporter", gettext_lazy("支援方"), kind="organization", aliases=("援疆省市", "supporter")),
    ColumnSpec("division", gettext_lazy("受援地"), kind="division", aliases=("受援县市", "division")),
]


class MeasurementImporter(ScopedImporterMixin, ReferenceResolving, Importer):
    kind = "measurements"
    title = gettext_lazy("成效数据")
    model = Measurement
    columns = MEASUREMENT_COLUMNS
    natural_key = None  # (指标, 项目或受援地, 支援方, 期间): found in `build`

    def prepare(self, keys):
        self.prepare_references()
        self.indicators = {}
        for indicator in Indicator.objects.all():
            for text in (indicator.code, indicator.name):
                self.indicators[match_key(text)] = indicator
        codes = self.column_texts("project")
        projects = Project.objects.filter(code__in=codes).select_related("supporter")
        self.projects = {project.code: project for project in projects}
        self.seen: dict[tuple, int] = {}

    def cell_parser(self, spec, unit):
        if spec.kind == "number":
            return _parse_number
        return super().cell_parser(spec, unit)

    def build(self, row: ParsedRow, values: dict):
        problems = []
        indicator = self.indicators.get(match_key(values.get("indicator") or ""))
        if values.get("indicator") and indicator is None:
            problems.append(("indicator", _("找不到指标“{value}”").format(value=values["indicator"])))
        project = None
        if values.get("project"):
            project = self.projects.get(values["project"])
            if project is None:
                problems.append(("project", _("没有编号为“{code}”的项目。").format(code=values["project"])))
        supporter = self.resolve_supporter(values.get("supporter"), problems)
        division = self.resolve_division(values.get("division"), problems)
        if project is not None:
            supporter, division = supporter or project.supporter, division or project.division
        elif not values.get("project"):
            for name in ("supporter", "division"):
                if not values.get(name):
                    problems.append((name, _("未填项目编号时须填写此项。")))
        if problems or None in (indicator, supporter, division):
            raise RowErrors(problems)  # (a blank or unreadable cell is already reported)

        period = (values.get("period_start"), values.get("period_end"))
        key = (indicator.pk, project.pk if project else None, division.pk, supporter.pk, *period)
        if key in self.seen:
            raise RowErrors(
                [("indicator", _("与第 {row} 行是同一指标同一期间。").format(row=self.seen[key]))]
            )
        self.seen[key] = row.number
        place = Q(project=project) if project is not None else Q(project__isnull=True, division=division)
        existing = Measurement.objects.filter(
            place, indicator=indicator, supporter=supporter, period_start=period[0], period_end=period[1]
        ).first()
        row.existing = existing
        measurement = copy.copy(existing) if existing is not None else Measurement()
        measurement.indicator, measurement.project = indicator, project
        measurement.supporter, measurement.division = supporter, division
        measurement.period_start, measurement.period_end = period
        measurement.value = values.get("value")
        return measurement

    def template_choices(self, spec):
        if spec.kind == "indicator":
            return list(Indicator.objects.order_by("code").values_list("name", flat=True))
        return super().template_choices(spec)


def _parse_number(raw) -> Decimal:
    try:
        return Decimal(to_halfwidth(str(raw)).replace(",", "").strip())
    except InvalidOperation as error:
        raise CellError(_("“{value}”不是数字").format(value=raw)) from error
