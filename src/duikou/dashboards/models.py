"""Rollups: sums of the fund ledger, its confirmed arrivals, projects, outcomes and people, kept by database
triggers.

These tables are derived data, not records: every row is a sum over rows of
another table, written only by the triggers that `dashboards.rollups`
installs (and by `rebuild_rollups`), in the same transaction as the write
they follow. They are not change-logged — the rows they sum are — and no
form, import or API writes them. The dashboards read them instead of
scanning the base tables (docs/decisions/0003-dashboard-rollups.md).

Keys are plain integers rather than foreign keys: a rollup row is not an
object that points at a supporter, it is a total filed under one. Amounts are
whole fen (1/100 yuan) and outcome values whole ten-thousandths, in 64-bit
integers: sums stay exact on SQLite too, which keeps decimals as floats.
Each row has `source_rows`, the number of base rows summed into it; a row
whose count falls to zero is deleted. The `latest_*` dates are upper bounds
of a date column over those rows: a figure "as of" a date on or after the
bound can use the row whole; otherwise the dashboards ask the base table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def key_field(verbose_name):
    return models.IntegerField(verbose_name)


def count_field(verbose_name):
    return models.BigIntegerField(verbose_name, default=0)


class FundRollup(models.Model):
    """The ledger summed by programme, fiscal year, supporter, division and entry kind."""

    programme_id = key_field(_("援助计划"))
    fiscal_year = models.SmallIntegerField(_("资金年度"))
    supporter_id = key_field(_("支援方"))
    division_id = key_field(_("受援地"))
    kind = models.CharField(_("类型"), max_length=12)
    source_rows = count_field(_("分录数"))
    amount_fen = count_field(_("金额（分）"))
    latest_value_date = models.DateField(_("最晚发生日期"), null=True)

    class Meta:
        verbose_name = _("资金汇总")
        verbose_name_plural = _("资金汇总")
        ordering = ["programme_id", "fiscal_year", "supporter_id", "division_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "fiscal_year", "supporter_id", "division_id", "kind"],
                name="dashboards_fundrollup_key",
                violation_error_message=_("汇总行重复。"),
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.supporter_id}→{self.division_id} {self.kind}: {self.amount_fen} 分"


class ConfirmedRollup(models.Model):
    """Arrivals (到位) their recipients confirmed, summed by programme, fiscal year, supporter and division.

    A confirmation counts while it says confirmed, its entry is an arrival and no entry reverses that entry:
    `funds.reconciliation.confirmed_arrivals_by`. Disputed and pending arrivals, and reversed ones, are not
    here; `source_rows` counts the confirmations summed, so the row goes when the last one stops counting.
    """

    programme_id = key_field(_("援助计划"))
    fiscal_year = models.SmallIntegerField(_("资金年度"))
    supporter_id = key_field(_("支援方"))
    division_id = key_field(_("受援地"))
    source_rows = count_field(_("已确认分录数"))
    confirmed_fen = count_field(_("已确认到位金额（分）"))
    latest_value_date = models.DateField(_("最晚发生日期"), null=True)

    class Meta:
        verbose_name = _("到位确认汇总")
        verbose_name_plural = _("到位确认汇总")
        ordering = ["programme_id", "fiscal_year", "supporter_id", "division_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "fiscal_year", "supporter_id", "division_id"],
                name="dashboards_confirmedrollup_key",
                violation_error_message=_("汇总行重复。"),
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.supporter_id}→{self.division_id}: {self.confirmed_fen} 分"


class ProjectRollup(models.Model):
    """Projects that count (not cancelled or adjusted) and their 援助资金, by plan year, supporter,
    division and category. `source_rows` counts every project of the key, `projects` those that count."""

    programme_id = key_field(_("援助计划"))
    plan_year = models.SmallIntegerField(_("计划年度"))
    supporter_id = key_field(_("支援方"))
    division_id = key_field(_("受援地"))
    category_id = key_field(_("项目类别"))
    source_rows = count_field(_("项目数（含取消、调整）"))
    projects = count_field(_("项目数"))
    aid_fen = count_field(_("援助资金（分）"))
    grassroots_aid_fen = count_field(_("基层援助资金（分）"))
    new_projects = count_field(_("新建项目数"))
    new_started = count_field(_("新建已开工项目数"))
    latest_new_start = models.DateField(_("最晚开工日期"), null=True)

    class Meta:
        verbose_name = _("项目汇总")
        verbose_name_plural = _("项目汇总")
        ordering = ["programme_id", "plan_year", "supporter_id", "division_id", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "plan_year", "supporter_id", "division_id", "category_id"],
                name="dashboards_projectrollup_key",
                violation_error_message=_("汇总行重复。"),
            ),
        ]

    def __str__(self):
        return f"{self.plan_year} {self.supporter_id}→{self.division_id} {self.category_id}: {self.projects}"


class StatusRollup(models.Model):
    """Projects counted by plan year, supporter, division and status (cancelled and adjusted included)."""

    programme_id = key_field(_("援助计划"))
    plan_year = models.SmallIntegerField(_("计划年度"))
    supporter_id = key_field(_("支援方"))
    division_id = key_field(_("受援地"))
    status = models.CharField(_("状态"), max_length=20)
    source_rows = count_field(_("项目数"))

    class Meta:
        verbose_name = _("项目状态汇总")
        verbose_name_plural = _("项目状态汇总")
        ordering = ["programme_id", "plan_year", "supporter_id", "division_id", "status"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "plan_year", "supporter_id", "division_id", "status"],
                name="dashboards_statusrollup_key",
                violation_error_message=_("汇总行重复。"),
            ),
        ]

    def __str__(self):
        return f"{self.plan_year} {self.supporter_id}→{self.division_id} {self.status}: {self.source_rows}"


class CompletionRollup(models.Model):
    """Projects that count (not cancelled or adjusted) by planned completion year (0: no date), supporter
    and division, and of them those finished."""

    programme_id = key_field(_("援助计划"))
    end_year = models.SmallIntegerField(_("计划完工年度"))
    supporter_id = key_field(_("支援方"))
    division_id = key_field(_("受援地"))
    source_rows = count_field(_("项目数（含取消、调整）"))
    projects = count_field(_("项目数"))
    ended = count_field(_("已完工项目数"))
    latest_end = models.DateField(_("最晚完工日期"), null=True)

    class Meta:
        verbose_name = _("完工汇总")
        verbose_name_plural = _("完工汇总")
        ordering = ["programme_id", "end_year", "supporter_id", "division_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "end_year", "supporter_id", "division_id"],
                name="dashboards_completionrollup_key",
                violation_error_message=_("汇总行重复。"),
            ),
        ]

    def __str__(self):
        return f"{self.end_year} {self.supporter_id}→{self.division_id}: {self.ended} / {self.projects}"


class OutcomeRollup(models.Model):
    """Measurements summed by indicator, programme (0: not tied to a project), supporter, division, year."""

    indicator_id = key_field(_("指标"))
    programme_id = key_field(_("援助计划"))
    supporter_id = key_field(_("支援方"))
    division_id = key_field(_("受援地"))
    period_year = models.SmallIntegerField(_("期间止年度"))
    source_rows = count_field(_("数据条数"))
    value_units = count_field(_("数值（万分之一）"))
    latest_period_end = models.DateField(_("最晚期间止"), null=True)

    class Meta:
        verbose_name = _("成效汇总")
        verbose_name_plural = _("成效汇总")
        ordering = ["indicator_id", "programme_id", "period_year", "supporter_id", "division_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_id", "programme_id", "period_year", "supporter_id", "division_id"],
                name="dashboards_outcomerollup_key",
                violation_error_message=_("汇总行重复。"),
            ),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.period_year} {self.supporter_id}→{self.division_id}"


class PeopleRollup(models.Model):
    """Stints that start, and stints that end, in a year, by supporter, host division and kind.

    A stint "leaves" on the day after its actual end (else its planned end), so the
    people in post on a day are those started on or before it minus those left on or before it.
    """

    programme_id = key_field(_("援助计划"))
    supporter_id = key_field(_("支援方"))
    division_id = key_field(_("受援地"))
    kind = models.CharField(_("人员类别"), max_length=20)
    year = models.SmallIntegerField(_("年度"))
    source_rows = count_field(_("事件数"))
    started = count_field(_("进疆人次"))
    left = count_field(_("离岗人次"))
    latest_start = models.DateField(_("最晚进疆日期"), null=True)
    latest_leave = models.DateField(_("最晚离岗日期"), null=True)

    class Meta:
        verbose_name = _("人员汇总")
        verbose_name_plural = _("人员汇总")
        ordering = ["programme_id", "year", "supporter_id", "division_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "year", "supporter_id", "division_id", "kind"],
                name="dashboards_peoplerollup_key",
                violation_error_message=_("汇总行重复。"),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.supporter_id}→{self.division_id} {self.kind}: +{self.started} −{self.left}"
