import datetime
import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from duikou.core.money import format_amount
from duikou.dashboards.queries import Scope, headline_figures
from duikou.geo.models import DivisionResolver
from duikou.parties.models import OrganizationResolver
from duikou.programmes.models import Programme


def to_json(value):
    """Money and rates as JSON numbers (yuan with two places; fractions 0–1), dates as ISO strings."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(type(value))


class Command(BaseCommand):
    help = (
        "打印核心统计数据（资金、到位率、开工率、完工率、民生/基层/南疆占比、项目、人员、就业）。"
        " Print the headline figures; keys are documented in docs/stats.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="machine-readable output (stable keys)")
        parser.add_argument("--year", type=int, help="one plan / fiscal year")
        parser.add_argument("--from-year", type=int, help="first year of a range")
        parser.add_argument("--to-year", type=int, help="last year of a range")
        parser.add_argument("--supporter", help="援疆省市 name, short name or front HQ (includes its cities)")
        parser.add_argument("--division", help="division code or name (includes the divisions under it)")
        parser.add_argument("--programme", default="xinjiang", help="programme code (default: xinjiang)")
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, help="count up to this date (default today)"
        )

    def handle(self, *args, **options):
        scope = self.scope_from(options)
        figures = headline_figures(scope)
        if options["json"]:
            self.stdout.write(json.dumps(figures, default=to_json, ensure_ascii=False, indent=2))
        else:
            self.print_summary(figures)

    def scope_from(self, options) -> Scope:
        try:
            programme = Programme.objects.get(code=options["programme"])
        except Programme.DoesNotExist as error:
            raise CommandError(
                f"找不到援助计划 {options['programme']}（先运行 duikou load-reference）。"
            ) from error
        if options["year"] is not None and (options["from_year"] or options["to_year"]):
            raise CommandError(
                "--year 与 --from-year/--to-year 不能同时使用。 Use --year or a range, not both."
            )
        first = options["year"] if options["year"] is not None else options["from_year"]
        last = options["year"] if options["year"] is not None else options["to_year"]
        supporter = division = None
        if options["supporter"]:
            supporter, message = OrganizationResolver().supporter_of(options["supporter"])
            if supporter is None:
                raise CommandError(message)
        if options["division"]:
            division, message = DivisionResolver().resolve(options["division"])
            if division is None:
                raise CommandError(message)
            if message:
                self.stderr.write(message)
        return Scope(
            programme=programme,
            first_year=first,
            last_year=last,
            supporter=supporter,
            division=division,
            as_of=options["as_of"] or datetime.date.today(),
        )

    def print_summary(self, figures: dict):
        funds, rates, shares = figures["funds"], figures["rates"], figures["shares"]

        def percent(value):
            return "—" if value is None else f"{value * 100:.1f}%"

        scope = figures["scope"]
        years = (
            scope["first_year"]
            if scope["first_year"] == scope["last_year"]
            else f"{scope['first_year'] or '…'}–{scope['last_year'] or '…'}"
        )
        self.stdout.write(
            f"范围 scope: {scope['programme']} {years} {scope['supporter'] or ''} "
            f"{scope['division'] or ''}（截至 {scope['as_of']}）"
        )
        self.stdout.write(
            f"资金 funds: 计划 {format_amount(funds['planned'])}，到位 {format_amount(funds['arrived'])}，"
            f"拨付 {format_amount(funds['disbursed'])}，支出 {format_amount(funds['spent'])}"
        )
        self.stdout.write(
            f"比率 rates: 到位率 {percent(rates['arrival'])}，支付率 {percent(rates['payment'])}，"
            f"开工率 {percent(rates['start'])}，完工率 {percent(rates['completion'])}"
        )
        for key, label in (("livelihood", "民生"), ("grassroots", "基层"), ("south", "南疆")):
            share = shares[key]
            verdict = {True: "达标 met", False: "未达标 not met", None: "无适用目标 no target"}[share["met"]]
            target = "" if share["target"] is None else f"（目标 ≥{percent(share['target'])}）"
            self.stdout.write(f"{label}占比 {percent(share['value'])}{target} {verdict}")
        projects, people = figures["projects"], figures["people"]
        self.stdout.write(
            f"项目 projects: {projects['total']:,} 个；在岗干部人才 {people['in_post']:,} 人，"
            f"{people['person_times']:,} 人次；带动就业 {figures['outcomes']['jobs_created']:,} 人"
        )
