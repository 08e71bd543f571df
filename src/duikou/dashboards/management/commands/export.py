"""`duikou export <kind> --format csv|xlsx -o FILE [filter=value …]`: a registry's list to a file.

The filters are the list page's own (its FilterSet: `plan_year=2024`, `status=under_construction`,
`aid_amount_min=500` …), so a file and the page agree; `supporter` and `division` also take a name or a
code. `--template` writes the import template's shape instead (amounts in 万元), as XLSX or CSV, which
imports back unchanged. `duikou export plan-table -o F plan_year=2024 [supporter=浙江省]` writes the
statutory 年度项目计划表 of the project list's filters. Exit status 2 for usage errors (unknown kind, a filter
the list does not know, a bad value).
Progress of exports above PROGRESS_MIN_ROWS rows goes to stderr (`--no-progress` hides it).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.utils.module_loading import import_string

from duikou.core.exports import FORMATS, csv_text
from duikou.core.imports.registry import IMPORTERS, importer_for
from duikou.core.imports.templates import column_header, write_workbook
from duikou.core.jobs.exporting import write_export
from duikou.core.progress import TerminalProgress
from duikou.geo.models import DivisionResolver
from duikou.parties.models import OrganizationResolver
from duikou.projects.plan_table import build_plan_table, write_plan_table

LISTS = {
    "projects": "duikou.projects.views.ProjectListView",
    "ledger": "duikou.funds.views.LedgerEntryListView",
    "assignments": "duikou.talent.views.AssignmentListView",
    "measurements": "duikou.outcomes.views.MeasurementListView",
    "pairings": "duikou.pairings.views.PairingListView",
    "divisions": "duikou.geo.views.DivisionListView",
    "organizations": "duikou.parties.views.OrganizationListView",
}

# The statutory 年度项目计划表 of the project list's filters (projects.plan_table), one plan year, XLSX only.
PLAN_TABLE = "plan-table"
PROGRESS_MIN_ROWS = 10_000  # below this an export takes about a second: no progress lines


class Command(BaseCommand):
    help = "导出登记簿清单（与页面相同的筛选）。 Export a registry list with the list page's filters."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Filters may follow the options (`export projects -o f.xlsx plan_year=2024`), as documented.
        parser.parse_args = parser.parse_intermixed_args
        return parser

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join([*LISTS, PLAN_TABLE])}")
        parser.add_argument("filters", nargs="*", metavar="name=value", help="the list page's filters")
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--columns", help="comma-separated column names (default: the page's default)")
        parser.add_argument("--sort", help="a column name; --sort=-name for descending")
        parser.add_argument(
            "--template",
            action="store_true",
            help="the import template's shape (imports back unchanged)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress on stderr")

    def handle(
        self,
        *args,
        kind,
        filters,
        format,
        output,
        columns=None,
        sort=None,
        template=False,
        no_progress=False,
        **options,
    ):
        if kind not in LISTS and kind != PLAN_TABLE:
            kinds = ", ".join([*LISTS, PLAN_TABLE])
            raise CommandError(f"不认识的清单“{kind}”；可用：{kinds}。 Unknown kind {kind!r}.", returncode=2)
        view = import_string(LISTS["projects" if kind == PLAN_TABLE else kind])
        query = self.query(filters)
        unknown = sorted(set(query) - self.filter_names(view.filterset_class))
        if unknown:
            known = ", ".join(sorted(self.filter_names(view.filterset_class)))
            raise CommandError(
                f"不认识的筛选条件 / unknown filters: {', '.join(unknown)} (known: {known})", returncode=2
            )
        filterset = view.filterset_class(query, queryset=view.queryset.all())
        if not filterset.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            raise CommandError(f"筛选条件有误 / invalid filters: {problems}", returncode=2)
        path = Path(output)
        if kind == PLAN_TABLE:
            count = self.write_plan_table(filterset, path, format, template)
        elif template:
            if kind not in IMPORTERS:
                raise CommandError(f"“{kind}”没有导入模板。 No import template for {kind!r}.", returncode=2)
            importer = importer_for(kind)
            rows = importer.template_rows(filterset.qs)
            if format == "csv":
                header = [column_header(spec) for spec in importer.columns]
                with path.open("w", encoding="utf-8", newline="") as stream:
                    stream.writelines(csv_text(header, rows))
            else:
                path.write_bytes(write_workbook(importer, rows))
            count = filterset.qs.count()
        else:
            table = view.table_class(visible=columns.split(",") if columns else None, sort=sort)
            rows = table.prepare(filterset.qs)
            terminal = None if no_progress else TerminalProgress(self.stderr, "导出 / exporting")

            def progress(done, total):
                if terminal and total >= PROGRESS_MIN_ROWS:
                    terminal(done, total)

            count = write_export(table, rows, path, format, sheet_name=str(view.title), progress=progress)
            if terminal:
                terminal.finish()
        self.stdout.write(f"已导出 {count} 条到 {path} / exported {count} rows to {path}")

    @staticmethod
    def write_plan_table(filterset, path: Path, format: str, template: bool) -> int:
        """The 年度项目计划表 of the filtered projects; the filters must name the plan year."""
        if format != "xlsx" or template:
            raise CommandError(
                "年度计划表只有 XLSX 格式，没有导入模板。 The plan table is an XLSX only, with no template.",
                returncode=2,
            )
        year = filterset.form.cleaned_data.get("plan_year")
        if year is None:
            raise CommandError(
                "年度计划表须指定计划年度，如 plan_year=2024。 The plan table needs plan_year=<year>.",
                returncode=2,
            )
        supporter = filterset.form.cleaned_data.get("supporter")
        plan = build_plan_table(filterset.qs, year=int(year), supporter=supporter)
        write_plan_table(plan, str(path))
        return plan.project_count

    @staticmethod
    def filter_names(filterset_class) -> set[str]:
        """The parameters the list page takes, range filters as name_min / name_max."""
        from django_filters import RangeFilter

        names = set()
        for name, declared in filterset_class.base_filters.items():
            names |= {f"{name}_min", f"{name}_max"} if isinstance(declared, RangeFilter) else {name}
        return names

    def query(self, filters: list[str]) -> QueryDict:
        query = QueryDict(mutable=True)
        for item in filters:
            name, separator, value = item.partition("=")
            if not separator or not name:
                raise CommandError(f"筛选条件须写成 名称=值：{item!r} / filters are name=value", returncode=2)
            query.appendlist(name, self.resolve(name, value))
        return query

    def resolve(self, name: str, value: str) -> str:
        """`supporter=浙江省`, `division=莎车县` → the ids the FilterSet takes (ids pass through)."""
        if value.isdigit() and name not in ("division",):
            return value
        if name == "supporter":
            organization, message = OrganizationResolver().supporter_of(value)
            if organization is None:
                raise CommandError(f"{message} / unknown supporter {value!r}", returncode=2)
            return str(organization.pk)
        if name in ("division", "parent", "host_division", "home_division"):
            division, message = DivisionResolver().resolve(value)
            if division is None:
                raise CommandError(f"{message} / unknown division {value!r}", returncode=2)
            return str(division.pk)
        return value
