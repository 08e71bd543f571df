"""The annual project plan (年度项目计划表) import: one row per project, matched by 项目编号.

Columns are found by their Chinese or English headers wherever the header row sits; amounts are read in
the unit the header states (“金额（万元）”), else in yuan; 支援方 may be written "浙江", "浙江省" or
"浙江省援疆指挥部"; 受援地 by code, former code, full or short name. Statuses are not imported: a project
moves through its lifecycle on its page (projects.services.transition_project); a new one starts as 储备.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models.base import ModelState
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core.imports import (
    ColumnarRows,
    ColumnSpec,
    Importer,
    ParsedRow,
    RowError,
    RowErrors,
    any_of_texts,
)
from duikou.core.imports.rules import stand_in
from duikou.core.scoping import ScopedImporterMixin, restrict
from duikou.core.text import match_key
from duikou.pairings.models import pairings_preloaded
from duikou.programmes.imports import ReferenceResolving
from duikou.programmes.models import Category, Programme

from .choices import ConstructionType, DeliveryMode, ImplementationLevel
from .duplicates import duplicate_finder
from .models import ZERO, Project
from .plans.guard import IssuedPlanGuard, check_import_row

PROJECT_COLUMNS = [
    ColumnSpec(
        "code", gettext_lazy("项目编号"), aliases=("编号", "项目代码", "code", "project code"), required=True
    ),
    ColumnSpec(
        "name", gettext_lazy("项目名称"), aliases=("名称", "name", "project name", "title"), required=True
    ),
    ColumnSpec(
        "plan_year",
        gettext_lazy("计划年度"),
        kind="int",
        aliases=("年度", "年份", "plan year", "year"),
        required=True,
    ),
    ColumnSpec(
        "supporter",
        gettext_lazy("支援方"),
        kind="organization",
        aliases=("援疆省市", "援建方", "支援省市", "支援单位", "前方指挥部", "supporter"),
        required=True,
    ),
    ColumnSpec(
        "division",
        gettext_lazy("受援地"),
        kind="division",
        aliases=("所在县市", "受援县市", "县市", "项目所在地", "区划代码", "division", "recipient"),
        required=True,
    ),
    ColumnSpec(
        "category",
        gettext_lazy("项目类别"),
        kind="category",
        aliases=("类别", "项目类型", "category"),
        required=True,
    ),
    ColumnSpec(
        "total_investment",
        gettext_lazy("总投资"),
        kind="amount",
        aliases=("项目总投资", "total investment"),
        required=True,
    ),
    ColumnSpec(
        "aid_amount",
        gettext_lazy("援助资金"),
        kind="amount",
        aliases=("援疆资金", "其中援疆资金", "其中：援疆资金", "援助金额", "aid amount", "aid"),
        required=True,
    ),
    ColumnSpec(
        "local_matching",
        gettext_lazy("地方配套"),
        kind="amount",
        aliases=("地方配套资金", "配套资金", "local matching"),
    ),
    ColumnSpec("other_funding", gettext_lazy("其他资金"), kind="amount", aliases=("其他", "other funding")),
    ColumnSpec(
        "implementation_level",
        gettext_lazy("实施层级"),
        kind="choice",
        aliases=("层级", "implementation level"),
        choices=tuple(ImplementationLevel.choices),
    ),
    ColumnSpec(
        "delivery_mode",
        gettext_lazy("建设方式"),
        kind="choice",
        aliases=("援建方式", "delivery mode"),
        choices=tuple(DeliveryMode.choices),
    ),
    ColumnSpec(
        "construction_type",
        gettext_lazy("新建/续建"),
        kind="choice",
        aliases=("建设性质", "新建或续建", "construction type"),
        choices=tuple(ConstructionType.choices),
    ),
    ColumnSpec("is_in_plan", gettext_lazy("计划内"), kind="bool", aliases=("是否计划内", "in plan")),
    ColumnSpec(
        "is_fixed_asset",
        gettext_lazy("固定资产投资"),
        kind="bool",
        aliases=("是否固定资产投资", "fixed asset"),
    ),
    ColumnSpec(
        "is_employment_oriented",
        gettext_lazy("促进就业"),
        kind="bool",
        aliases=("是否促进就业", "employment"),
    ),
    ColumnSpec(
        "planned_start",
        gettext_lazy("计划开工"),
        kind="date",
        aliases=("计划开工时间", "开工时间", "planned start"),
    ),
    ColumnSpec(
        "planned_end",
        gettext_lazy("计划完工"),
        kind="date",
        aliases=("计划完工时间", "完工时间", "planned end"),
        ends_period=True,
    ),
    ColumnSpec(
        "document_reference", gettext_lazy("批复文号"), aliases=("文号", "批复文件", "document reference")
    ),
    ColumnSpec("flagship", gettext_lazy("品牌工程"), aliases=("品牌", "flagship")),
    ColumnSpec(
        "description", gettext_lazy("建设内容"), aliases=("项目说明", "主要建设内容", "说明", "description")
    ),
    ColumnSpec("programme", gettext_lazy("援助计划"), kind="programme", aliases=("programme", "program")),
]

# Blank optional cells take the model's defaults, as the form does.
OPTIONAL_DEFAULTS = {
    "local_matching": ZERO,
    "other_funding": ZERO,
    "implementation_level": ImplementationLevel.COUNTY,
    "delivery_mode": DeliveryMode.CHEQUE,
    "construction_type": ConstructionType.NEW,
    "is_in_plan": True,
    "is_fixed_asset": True,
    "is_employment_oriented": False,
    "document_reference": "",
    "flagship": "",
    "description": "",
}


class ProjectImporter(ScopedImporterMixin, ReferenceResolving, Importer):
    kind = "projects"
    title = gettext_lazy("年度项目计划")
    model = Project
    columns = PROJECT_COLUMNS
    natural_key = "code"
    chunk_rows = 5000  # rows are independent: validated and written a chunk at a time (issue 4, speed)
    bulk_writes = True
    duplicates_shown = 3  # per row: the best few; the project page and the review queue list them all
    # Rows whose likely duplicates are listed; past them a count. A file that repeats another (every row a
    # duplicate) would otherwise hold millions of warnings — and nobody reads past the first pages.
    duplicate_rows_listed = 1000

    def run(self, *args, user=None, **kwargs):
        """The engine's run, then the likely duplicates of new rows as warnings (issue 6, item 3): a clerk
        sees them on the import page and in `duikou import`, and may still import — the review queue
        (checks:duplicate_list) decides. Rows refused for a mistake get none: the mistake comes first."""
        self.importing_user = user
        self.duplicate_warnings: list[RowError] = []
        self.duplicate_rows_warned = self.duplicate_rows_unlisted = 0
        result = super().run(*args, user=user, **kwargs)
        refused = {error.row for error in result.errors}
        result.warnings.extend(warning for warning in self.duplicate_warnings if warning.row not in refused)
        if self.duplicate_rows_unlisted:
            result.warnings.append(
                RowError(
                    None,
                    self._name_title(),
                    "",
                    _(
                        "另有 {count} 行疑似重复，未逐一列出（只列出前 {listed} 行）；"
                        "导入后可在“疑似重复”审核清单中查看。"
                    ).format(count=self.duplicate_rows_unlisted, listed=self.duplicate_rows_listed),
                )
            )
        result.warnings.sort(key=lambda warning: (warning.row or 0, warning.column))
        return result

    def prepare_file(self):
        self.prepare_references()
        self.categories: dict[tuple[int, str], Category] = {}
        for category in Category.objects.all():
            for text in {category.code, category.name, getattr(category, "short_name", "")}:
                if text:
                    self.categories[(category.programme_id, match_key(text))] = category
        self._categories_by_text: dict[tuple[int, str], Category | None] = {}
        # Plans under review or issued take changes only as adjustments, recorded on the project page.
        self.plan_guard = IssuedPlanGuard()
        self.blank_project = Project(**OPTIONAL_DEFAULTS)
        # What a new row written from columns holds in the fields the file does not give.
        self._written_defaults = {
            field.attname: self.blank_project.__dict__[field.attname]
            for field in Project._meta.concrete_fields
            if field.attname not in ("id", "created", "last_updated")
        }
        # One finder per file: its vocabulary and index of saved projects are built once, a plan year at a
        # time as rows need them; only projects the importing user may see are compared and named.
        user = getattr(self, "importing_user", None)
        projects = restrict(Project.objects.all(), user, "view") if user is not None else None
        self.duplicates = duplicate_finder(projects=projects, bulk=True)

    def prepare(self, keys):
        self.existing = {
            project.code: project for project in Project.objects.filter(code__in=any_of_texts(keys))
        }
        years = self.chunk_values.get("plan_year", ())
        self.duplicates.load_years({year for year in set(years) if type(year) is int})

    def validation_context(self):
        return pairings_preloaded()  # Project.clean() asks for the covering pairing of every row

    def build(self, row: ParsedRow, values: dict):
        problems = []
        programme = self.resolve_programme(values.get("programme"), problems)
        supporter = self.resolve_supporter(values.get("supporter"), problems)
        division = self.resolve_division(values.get("division"), problems)
        category = None
        if programme is not None and values.get("category"):
            category = self._category(programme, values["category"])
            if category is None:
                names = "、".join(
                    sorted(
                        {
                            c.name
                            for (programme_id, _), c in self.categories.items()
                            if programme_id == programme.pk
                        }
                    )
                )
                problems.append(
                    (
                        "category",
                        _("找不到项目类别“{value}”（可选：{names}）").format(
                            value=values["category"], names=names
                        ),
                    )
                )
        if problems:
            raise RowErrors(problems)

        existing = self.existing.get(values.get("code"))
        row.existing = existing
        project = _copy_of(existing if existing is not None else self.blank_project)
        _refer(project, programme=programme, supporter=supporter, division=division, category=category)
        for name, value in values.items():
            if name in ("programme", "supporter", "division", "category"):
                continue
            if value is None:
                continue  # a blank optional cell: the stored value, or the model's default for a new one
            setattr(project, name, value)
        return project

    def check_row(self, row: ParsedRow, project: Project) -> None:
        # The scope first (ScopedImporterMixin): a row of another supporter's project is refused as out of
        # scope, never with a message naming that supporter's plan.
        super().check_row(row, project)
        refusal = check_import_row(self.plan_guard, project, row.existing)
        if refusal:
            raise RowErrors([("code", refusal)])
        if row.existing is None:
            duplicates = self.duplicates.find(project, limit=self.duplicates_shown, row=row.number)
            if duplicates:
                self._record_duplicates(row.number, project.name, duplicates)

    def _record_duplicates(self, number: int, name: str, duplicates: list) -> None:
        """A warning on the row's name cell for each saved project, or earlier row of the file, the new row
        looks like (for the first rows with any; the rest are counted)."""
        if self.duplicate_rows_warned >= self.duplicate_rows_listed:
            self.duplicate_rows_unlisted += 1
            return
        self.duplicate_rows_warned += 1
        for duplicate in duplicates:
            self.duplicate_warnings.append(
                RowError(
                    number,
                    self._name_title(),
                    name,
                    duplicate.warning(),
                    self.header.columns.get("name"),
                )
            )

    # -- new rows checked as columns (the engine's `columnar_rows`) -----------------------------------------
    def columnar_rows(self, candidates: list[int], values: dict[str, list]) -> ColumnarRows | None:
        """The new rows among `candidates` that pass every check `build`, `check_row` and the model's rules
        make, checked column by column: references resolved once per distinct text, the model's rules
        once per distinct value or combination (`ModelRules.failing_rows`), the scope and the issued plans
        once per supporter, division, programme, year and plan flag. The likely duplicates are looked for
        in file order among the other rows (`columnar_rows_checked`)."""
        codes = values["code"]
        rows = [index for index in candidates if codes[index] not in self.existing]
        columns, rows = self._resolved_columns(rows, values)
        if not rows:
            return None
        for attname, value in self._written_defaults.items():  # what the file does not give
            columns.setdefault(attname, [value] * len(rows))
        failing = self.rules.failing_rows(columns, self.blank_project)
        failing |= self._rows_refused_by_checks(columns)
        columns, rows = _without(columns, rows, failing)
        if not rows:
            return None
        # For the likely duplicates (`columnar_rows_checked`): the names, and the divisions as objects. Text
        # cells are read normalised (`as_text`), as `Project.clean()` would store them.
        self._columnar_names, self._columnar_divisions = columns["name"], columns["division"]
        fields = {attname: columns[attname] for attname in self._written_defaults}
        return ColumnarRows(
            positions=rows,
            numbers=[],  # the engine's
            keys=columns["code"],
            fields=fields,
            reprs=[f"{code} {name}" for code, name in zip(columns["code"], columns["name"], strict=True)],
        )

    def _resolved_columns(
        self, rows: list[int], values: dict[str, list]
    ) -> tuple[dict[str, list], list[int]]:
        """The fields of `rows` as columns (references as objects and ids, blank optional cells as the
        model's defaults), and the rows whose references all resolve."""
        columns: dict[str, list] = {}
        unresolved: set[int] = set()
        references = {
            "programme": self.resolve_programme,
            "supporter": self.resolve_supporter,
            "division": self.resolve_division,
        }
        for name, resolve in references.items():
            cells = values.get(name)
            texts = [cells[index] for index in rows] if cells is not None else [None] * len(rows)
            columns[name] = _resolved(texts, resolve, unresolved)
        for name in ("programme", "supporter", "division"):
            columns[f"{name}_id"] = _keys_of(columns[name])
        # Keyed by the programme's id: hashing a model instance is Python's work, twice a row.
        programme_of = dict(zip(columns["programme_id"], columns["programme"], strict=True))
        pairs = list(zip(columns["programme_id"], [values["category"][index] for index in rows], strict=True))
        categories = {
            pair: self._category(programme_of[pair[0]], pair[1]) if pair[0] is not None else None
            for pair in set(pairs)
        }
        columns["category"] = [categories[pair] for pair in pairs]
        columns["category_id"] = _keys_of(columns["category"])
        unresolved.update(
            position for position, category in enumerate(columns["category"]) if category is None
        )
        for name, cells in values.items():
            if name in references or name == "category":
                continue
            default = self.blank_project.__dict__[name]
            columns[name] = [default if cells[index] is None else cells[index] for index in rows]
        return _without(columns, rows, unresolved)

    def _rows_refused_by_checks(self, columns: dict[str, list]) -> set[int]:
        """The rows `check_row` would refuse for their scope or an issued plan — each distinct combination
        of what those read checked once, on a stand-in built from it."""
        reads = ("supporter_id", "division_id", "programme_id", "plan_year", "is_in_plan")
        combinations = list(zip(*[columns[name] for name in reads], strict=True))
        refused = set()
        for combination in set(combinations):
            project = stand_in(self.blank_project, reads, combination)
            try:
                self.check_row_scope(_NEW_ROW, project)
            except RowErrors:
                refused.add(combination)
                continue
            if check_import_row(self.plan_guard, project, None):
                refused.add(combination)
        return {position for position, combination in enumerate(combinations) if combination in refused}

    def columnar_rows_checked(self, rows: ColumnarRows, indexes: range) -> None:
        fields, part = rows.fields, slice(indexes.start, indexes.stop)
        names = self._columnar_names[part]
        columns = {
            "name": names,
            "division": self._columnar_divisions[part],  # their parents' ids, without a query
            "supporter": fields["supporter_id"][part],
            "category": fields["category_id"][part],
            **{
                field: fields[field][part]
                for field in ("code", "plan_year", "is_fixed_asset", "is_in_plan", "description")
            },
        }
        numbers = rows.numbers[part]
        found = self.duplicates.find_columns(columns, numbers, limit=self.duplicates_shown)
        for number, name, duplicates in zip(numbers, names, found, strict=True):
            if duplicates:
                self._record_duplicates(number, name, duplicates)

    def _name_title(self) -> str:
        """The name column's header as the file writes it: where the duplicate warnings go."""
        return self.header.titles.get("name") or str(PROJECT_COLUMNS[1].label)

    def _category(self, programme, text: str) -> Category | None:
        key = (programme.pk, text)
        if key not in self._categories_by_text:  # the same few names on every row
            self._categories_by_text[key] = self.categories.get((programme.pk, match_key(text)))
        return self._categories_by_text[key]

    # -- the template ----------------------------------------------------------------------------------------
    def template_choices(self, spec):
        if spec.kind == "category":
            return list(Category.objects.order_by("programme__code", "order").values_list("name", flat=True))
        if spec.kind == "programme":
            return list(Programme.objects.order_by("code").values_list("name", flat=True))
        return super().template_choices(spec)

    def template_rows(self, queryset):
        from duikou.core.imports.templates import amount_in_template_unit

        rows = []
        projects = queryset.select_related("programme", "supporter", "division__parent", "category")
        for project in projects.order_by("code").iterator(chunk_size=2000):
            row = []
            for spec in self.columns:
                value = getattr(project, spec.name)
                if spec.kind == "amount":
                    value = amount_in_template_unit(value)
                elif spec.kind == "choice":
                    value = getattr(project, f"get_{spec.name}_display")()
                elif spec.kind == "division":
                    value = project.division.code  # unambiguous, however names change
                elif spec.kind in ("organization", "category", "programme"):
                    value = value.name
                row.append(value)
            rows.append(row)
        return rows


def _resolved(texts: list, resolve, unresolved: set[int]) -> list:
    """The object each text names, resolved once per distinct text; the positions of those that name none
    (or raise a problem) are added to `unresolved`."""
    objects = {}
    for text in set(texts):
        problems: list = []
        found = resolve(text, problems)
        objects[text] = None if problems else found
    column = [objects[text] for text in texts]
    unresolved.update(position for position, found in enumerate(column) if found is None)
    return column


def _keys_of(objects: list) -> list:
    """Each object's primary key (None for None), read once per distinct object: the resolvers hand out
    the same few objects for a chunk's rows, and `.pk` is a property."""
    distinct = {id(obj): obj for obj in objects}
    keys = {identity: getattr(obj, "pk", None) for identity, obj in distinct.items()}
    return [keys[id(obj)] for obj in objects]


def _without(
    columns: dict[str, list], rows: list[int], dropped: set[int]
) -> tuple[dict[str, list], list[int]]:
    """The columns and rows without the positions `dropped`."""
    if not dropped:
        return columns, rows
    kept = [position for position in range(len(rows)) if position not in dropped]
    return {name: [column[position] for position in kept] for name, column in columns.items()}, [
        rows[position] for position in kept
    ]


_NEW_ROW = SimpleNamespace(existing=None)  # what the scope check reads of a new row


def _copy_of(project: Project) -> Project:
    """A copy of `project` to change (an unsaved one for the blank prototype): `Project()` and
    `copy.copy` cost ~9 and ~5 µs, this ~0.5 — it matters at 100,000 rows."""
    copy = Project.__new__(Project)
    copy.__dict__.update(project.__dict__)
    copy._state = ModelState()
    copy._state.adding = project._state.adding
    copy._state.db = project._state.db
    return copy


def _refer(project: Project, **related) -> None:
    """Point `project` at resolved objects, as assigning `project.supporter = …` does (the id and the
    cached object), without the descriptor's checks — each object came from the database just now."""
    cache = project._state.fields_cache
    for name, obj in related.items():
        project.__dict__[f"{name}_id"] = None if obj is None else obj.pk
        cache[name] = obj
