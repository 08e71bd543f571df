"""Checks on project records: completed but not accepted, 总投资 ≠ sum of sources, 楼堂馆所, one approval
reference on two projects (数据打架), funding outside the issued annual plan. Each is one query."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core.money import format_amount, yuan_of_sum
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.programmes.models import Category
from duikou.projects.choices import ProjectStatus
from duikou.projects.models import Project
from duikou.projects.plans.choices import PlanState
from duikou.projects.plans.models import AnnualPlan, PlanVersionItem

from .base import CheckContext, Hit, Parameter, RuleKind, register
from .choices import Unit

HALF_CENT = Decimal("0.005")
PROJECT_FIELDS = ("pk", "code", "name", "supporter_id", "division_id", "plan_year")


class ProjectKind(RuleKind):
    """A check of each project of the rule's plan years."""

    def projects(self, context: CheckContext):
        return (
            Project.objects.filter(programme=context.programme)
            .filter(context.years_q(self.rule, "plan_year"))
            .order_by("pk")
        )

    def hit(self, context: CheckContext, row: dict, **fields) -> Hit:
        fields.setdefault("unit", self.unit)
        return Hit(
            key=f"project:{row['pk']}",
            subject_label=f"{row['code']} {row['name']}",
            year=row["plan_year"],
            period=_("{year}年度").format(year=row["plan_year"]),
            subject_model="projects.project",
            subject_id=row["pk"],
            supporter_id=row["supporter_id"],
            division_id=row["division_id"],
            project_id=row["pk"],
            rows_url=reverse("projects:project", args=[row["pk"]]),
            **fields,
        )


@register
class CompletedNotAccepted(ProjectKind):
    """完工 more than `days` days ago and still not 验收 (acceptance is due within months of completion)."""

    code = "completed_not_accepted"
    label = gettext_lazy("完工未验收")
    unit = Unit.DAYS
    parameters = {"days": Parameter("int", 180, gettext_lazy("完工后天数"))}

    def evaluate(self, context: CheckContext):
        days = self.params["days"]
        cutoff = context.as_of - datetime.timedelta(days=days)
        rows = self.projects(context).filter(status=ProjectStatus.COMPLETED, actual_end__lt=cutoff)
        for row in rows.values(*PROJECT_FIELDS, "actual_end"):
            waited = (context.as_of - row["actual_end"]).days
            yield self.hit(
                context,
                row,
                message=_("{date} 完工，已 {waited} 天未验收（期限 {days} 天）。").format(
                    date=row["actual_end"].isoformat(), waited=waited, days=days
                ),
                value=Decimal(waited),
                threshold=Decimal(days),
                comparator="lte",
                details={"actual_end": row["actual_end"].isoformat()},
            )


@register
class TotalMismatch(ProjectKind):
    """总投资 ≠ 援助资金 + 地方配套 + 其他 by more than `tolerance` yuan (the form refuses it; legacy sheets
    loaded in bulk carry it, and this finds them)."""

    code = "total_mismatch"
    label = gettext_lazy("总投资与资金来源之和不符")
    unit = Unit.YUAN
    parameters = {"tolerance": Parameter("decimal", "0", gettext_lazy("容差（元）"))}

    def evaluate(self, context: CheckContext):
        tolerance = self.params["tolerance"]
        rows = (
            self.projects(context)
            .annotate(sources=F("aid_amount") + F("local_matching") + F("other_funding"))
            .annotate(difference=F("total_investment") - F("sources"))
            # Half a cent of margin: SQLite computes the difference in floating point.
            .filter(Q(difference__gt=tolerance + HALF_CENT) | Q(difference__lt=-tolerance - HALF_CENT))
        )
        for row in rows.values(*PROJECT_FIELDS, "total_investment", "sources", "difference"):
            row["sources"], row["difference"] = yuan_of_sum(row["sources"]), yuan_of_sum(row["difference"])
            yield self.hit(
                context,
                row,
                message=_("总投资 {total}，资金来源之和 {sources}，相差 {difference}。").format(
                    total=format_amount(row["total_investment"], "万元"),
                    sources=format_amount(row["sources"], "万元"),
                    difference=format_amount(row["difference"], "万元"),
                ),
                value=row["total_investment"],
                threshold=row["sources"],
                comparator="eq",
                details={"difference": str(row["difference"]), "tolerance": str(tolerance)},
            )


# 楼堂馆所: government office buildings, halls, guesthouses (not allowed: XPCC 2011, DOMAIN.md).
OFFICE_BUILDING_KEYWORDS = [
    "办公楼",
    "办公大楼",
    "办公用房",
    "办公业务用房",
    "会议中心",
    "礼堂",
    "会堂",
    "接待中心",
    "招待所",
    "宾馆",
    "楼堂馆所",
]


@register
class OfficeBuilding(ProjectKind):
    """楼堂馆所: a project whose name names an office building or hall, or whose category is listed."""

    code = "office_building"
    label = gettext_lazy("楼堂馆所")
    unit = Unit.COUNT
    parameters = {
        "keywords": Parameter("list", OFFICE_BUILDING_KEYWORDS, gettext_lazy("项目名称关键词")),
        "categories": Parameter("list", [], gettext_lazy("类别代码")),
    }

    def evaluate(self, context: CheckContext):
        keywords, category_codes = self.params["keywords"], self.params["categories"]
        matches = Q(pk__in=[])
        for keyword in keywords:
            matches |= Q(name__contains=keyword)
        if category_codes:
            matches |= Q(category__code__in=category_codes)
        # Cancelled and adjusted projects too: a plan that held a 楼堂馆所 is a finding even when dropped.
        rows = self.projects(context).filter(matches)
        categories = dict(Category.objects.filter(programme=context.programme).values_list("pk", "code"))
        for row in rows.values(*PROJECT_FIELDS, "category_id"):
            found = [keyword for keyword in keywords if keyword in row["name"]]
            if categories.get(row["category_id"]) in category_codes:
                found.append(categories[row["category_id"]])
            yield self.hit(
                context,
                row,
                message=_("疑似楼堂馆所：{matched}。").format(matched="、".join(found)),
                details={"matched": found},
            )


@register
class DuplicateDocument(RuleKind):
    """One approval reference (批复文号) on two or more projects of one division (`same_division`; across
    divisions two offices may number alike), or one voucher or contract reference on the ledger entries of
    two or more projects (`ledger_kinds`): the same investment counted twice."""

    code = "duplicate_document"
    label = gettext_lazy("同一文号计入多个项目")
    unit = Unit.COUNT
    parameters = {
        "same_division": Parameter(
            "bool", True, gettext_lazy("只比较同一受援地的项目（各地文号前缀可能相同，如和田县与和田市）")
        ),
        "ledger_kinds": Parameter(
            "list", [EntryKind.DISBURSED, EntryKind.SPENT], gettext_lazy("同时检查的分录类型")
        ),
    }

    def evaluate(self, context: CheckContext):
        same_division = self.params["same_division"]
        projects = (
            Project.objects.filter(programme=context.programme)
            .exclude(document_reference="")
            .filter(context.years_q(self.rule, "plan_year"))
        )
        group_by = ("document_reference", "division_id") if same_division else ("document_reference",)
        shared = (
            projects.order_by()
            .values(*group_by)
            .annotate(count=Count("pk"))
            .filter(count__gte=2)
            .values_list("document_reference", flat=True)
        )
        groups: dict[tuple, list[dict]] = {}
        for row in (
            projects.filter(document_reference__in=shared)
            .order_by("pk")
            .values(*PROJECT_FIELDS, "document_reference")
        ):
            place = row["division_id"] if same_division else None
            groups.setdefault((row["document_reference"], place), []).append(row)
        groups = {key: rows for key, rows in groups.items() if len(rows) >= 2}
        yield from self.hits(context, groups, "projects")
        kinds = self.params["ledger_kinds"]
        if not kinds:
            return
        entries = (
            LedgerEntry.objects.filter(programme=context.programme, kind__in=kinds, project__isnull=False)
            .exclude(document_reference="")
            .filter(context.years_q(self.rule, "project__plan_year"))
            .order_by()
        )
        shared_entries = (
            entries.values("document_reference")
            .annotate(count=Count("project_id", distinct=True))
            .filter(count__gte=2)
            .values_list("document_reference", flat=True)
        )
        ledger_groups: dict[tuple, list[dict]] = {}
        rows = (
            entries.filter(document_reference__in=shared_entries)
            .values_list(
                "document_reference",
                "project_id",
                "project__code",
                "project__name",
                "project__supporter_id",
                "project__division_id",
                "project__plan_year",
            )
            .distinct()
            .order_by("document_reference", "project_id")
        )
        for reference, *values in rows:
            ledger_groups.setdefault((reference, None), []).append(
                dict(zip(PROJECT_FIELDS, values, strict=True))
            )
        yield from self.hits(context, ledger_groups, "ledger")

    def hits(self, context: CheckContext, groups: dict[tuple, list[dict]], where: str):
        for (reference, place), rows in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        ):
            first, second = rows[0], rows[1]
            codes = "、".join(row["code"] for row in rows)
            url_name = "projects:project_list" if where == "projects" else "funds:entry_list"
            yield Hit(
                key=(f"document:{place}:{reference}" if where == "projects" else f"voucher:{reference}")[
                    :200
                ],
                subject_label=reference,
                message=(
                    _("批复文号 {reference} 用于 {count} 个项目：{codes}。")
                    if where == "projects"
                    else _("凭证/文号 {reference} 记入 {count} 个项目的分录：{codes}。")
                ).format(reference=reference, count=len(rows), codes=codes),
                value=Decimal(len(rows)),
                threshold=Decimal(1),
                comparator="lte",
                unit=Unit.COUNT,
                year=first["plan_year"],
                period=_("{year}年度").format(year=first["plan_year"]),
                subject_model="projects.project",
                subject_id=first["pk"],
                supporter_id=first["supporter_id"],
                division_id=first["division_id"],
                project_id=first["pk"],
                other_project_id=second["pk"],
                rows_url=context.list_url(url_name, q=reference),
                details={"projects": [row["code"] for row in rows], "where": where},
            )


@register
class FundedOutsidePlan(ProjectKind):
    """A 计划内 project that received or was paid funds although the supporter's issued annual plan for its
    year (the newest version) does not hold it. Supporter-years without an issued plan are not judged."""

    code = "funded_outside_plan"
    label = gettext_lazy("未列入下达计划即拨付资金")
    unit = Unit.COUNT
    parameters = {}

    def evaluate(self, context: CheckContext):
        plans = (
            AnnualPlan.objects.filter(programme=context.programme, state=PlanState.ISSUED)
            .filter(context.years_q(self.rule, "year"))
            .select_related("supporter")
            .order_by("year", "pk")
        )
        funded = LedgerEntry.objects.filter(
            kind__in=[EntryKind.ARRIVED, EntryKind.DISBURSED], value_date__lte=context.as_of
        ).values("project_id")
        for plan in plans:
            family = [organization.pk for organization in plan.supporter.supporter_family()]
            in_version = PlanVersionItem.objects.filter(
                version__plan=plan, version__number=plan.version
            ).values("project_id")
            rows = (
                self.projects(context)
                .filter(plan_year=plan.year, supporter_id__in=family, is_in_plan=True, pk__in=funded)
                .exclude(pk__in=in_version)
            )
            for row in rows.values(*PROJECT_FIELDS):
                yield self.hit(
                    context,
                    row,
                    message=_("未列入已下达的 {plan}（第{version}版），但已有资金到位或拨付。").format(
                        plan=plan, version=plan.version
                    ),
                    details={"plan": plan.pk, "version": plan.version, "plan_url": plan.get_absolute_url()},
                )
