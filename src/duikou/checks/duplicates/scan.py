"""Finding likely duplicates: a full scan, and the check of one project before it is saved.

`scan()` compares every project with its neighbours (`index.py`) and returns the pairs that reach the
threshold, best first, leaving out the pairs a reviewer already decided. `likely_duplicates()` does the same
for one project — saved or only a form's values — against the saved projects around it; the project form,
the API and the import call it before a project is saved.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass

from .index import RECORD_FIELDS, candidate_pairs, division_children, load_records, record_from_values
from .normalise import Vocabulary, core_bigrams, normalise_name
from .scoring import (
    Assessment,
    Kind,
    PairScore,
    ProjectRecord,
    assess_pair,
    core_differences,
    pair_reasons,
    score_pair,
)

DEFAULT_THRESHOLD = 0.7  # measured on the planted set (docs/decisions/0007-duplicate-detection.md)
DEFAULT_YEAR_WINDOW = 2  # plan years apart; a duplicate planned three years later is rare, and reviewable


@dataclass(frozen=True)
class ScanOptions:
    """How wide a scan looks and what it reports.

    Attributes:
        threshold: the lowest score reported.
        year_window: how many plan years apart two projects may be.
        include_phases: report pairs that are phases of one project (分期) too, with that reason.
        include_decided: report pairs a reviewer already decided.
    """

    threshold: float = DEFAULT_THRESHOLD
    year_window: int = DEFAULT_YEAR_WINDOW
    include_phases: bool = True
    include_decided: bool = False


@dataclass
class Candidate:
    """A pair found: the two projects (`first` saved earlier) and its score."""

    first: ProjectRecord
    second: ProjectRecord
    result: PairScore

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def kind(self) -> str:
        return self.result.kind

    @property
    def reasons(self) -> list[dict]:
        return self.result.reasons


def _is_reported(result: PairScore | Assessment, options: ScanOptions) -> bool:
    if result.score < options.threshold or result.kind == Kind.DISTINCT:
        return False
    return options.include_phases or result.kind != Kind.PHASE


def decided_pairs() -> set[tuple[int, int]]:
    """(smaller id, larger id) of every pair a reviewer decided."""
    from duikou.checks.models import DuplicatePair

    return set(DuplicatePair.objects.decided().values_list("project_a_id", "project_b_id"))


def scan(
    projects=None,
    *,
    year: int | None = None,
    involving: set[int] | None = None,
    options: ScanOptions | None = None,
    vocabulary=None,
) -> list[Candidate]:
    """Every reported pair among `projects` (all projects by default), best score first.

    Args:
        projects: a Project queryset to scan (the caller narrows it to what a user may see).
        year: only pairs with a project of this plan year (their partners may be up to the window apart).
        involving: only pairs with one of these projects (ids; `scan_projects` reads their neighbourhoods).
        options: threshold, year window, phases and decided pairs.
        vocabulary: place and supporter names (read from the database when not given).
    """
    from duikou.projects.models import Project

    options = options or ScanOptions()
    queryset = projects if projects is not None else Project.objects.all()
    if year is not None:
        queryset = queryset.filter(
            plan_year__gte=year - options.year_window, plan_year__lte=year + options.year_window
        )
    with _without_cycle_collection():
        records = load_records(queryset.order_by("pk"), vocabulary or Vocabulary.from_database())
        decided = set() if options.include_decided else decided_pairs()
        found = []
        for first, second in candidate_pairs(
            records,
            year_window=options.year_window,
            threshold=options.threshold,
            children=division_children(),
        ):
            if year is not None and year not in (first.plan_year, second.plan_year):
                continue
            if involving is not None and first.pk not in involving and second.pk not in involving:
                continue
            if (first.pk, second.pk) in decided:
                continue
            assessment = assess_pair(first, second, minimum=options.threshold)
            if _is_reported(assessment, options):  # the reasons only for the few reported
                result = PairScore(assessment.score, assessment.kind, pair_reasons(first, second, assessment))
                found.append(Candidate(first, second, result))
    found.sort(key=lambda candidate: (-candidate.score, candidate.first.code, candidate.second.code))
    return found


def scan_projects(projects, *, options: ScanOptions | None = None) -> list[Candidate]:
    """The reported pairs of some projects (an import's) with any project of their neighbourhoods.

    The pairs a full scan reports that have one of these projects, without reading the rest: the projects
    of their divisions, the divisions' prefectures and counties, within the year window of their years.

    Args:
        projects: a Project queryset: the projects to check (a subquery is fine: no id list is sent).
        options: as `scan`'s; decided pairs are left out unless `include_decided`.
    """
    from django.db.models import Max, Min

    from duikou.projects.models import Project

    options = options or ScanOptions()
    ids = set(projects.values_list("pk", flat=True))
    years = projects.aggregate(first=Min("plan_year"), last=Max("plan_year"))
    if not ids or years["first"] is None:
        return []
    divisions = set(projects.values_list("division_id", flat=True).distinct())
    neighbourhood = divisions | {parent for parent in _parents_of(divisions) if parent is not None}
    children = division_children()
    neighbourhood |= {child for division in divisions for child in children.get(division, ())}
    around = Project.objects.filter(
        division_id__in=neighbourhood,
        plan_year__gte=years["first"] - options.year_window,
        plan_year__lte=years["last"] + options.year_window,
    )
    return scan(around, involving=ids, options=options)


def _parents_of(divisions: set[int]) -> set[int | None]:
    from duikou.geo.models import Division

    return set(Division.objects.filter(pk__in=divisions).values_list("parent_id", flat=True))


def clear_memos() -> None:
    """Forget what scans remember between them (the cores' bigrams and differences): the benchmark times
    each scan from cold, as the first scan of a process."""
    core_bigrams.cache_clear()
    core_differences.cache_clear()


@contextmanager
def _without_cycle_collection():
    """The cyclic garbage collector paused: a scan makes ~100,000 records, sets and tuples without cycles,
    and the collector walking them all again every few thousand allocations cost a third of a scan at SF1
    (the import engine pauses it for the same reason). Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def record_for(project_or_values, vocabulary: Vocabulary) -> ProjectRecord:
    """A record from a Project (saved or not) or from a dict of its field values (a form's cleaned data,
    an import row, an API payload: `name`, `division`, `plan_year`, and optionally `supporter`,
    `category`, `is_fixed_asset`, `is_in_plan`, `description`, `code`; objects or ids)."""

    def read(name, default=None):
        if isinstance(project_or_values, dict):
            return project_or_values.get(name, default)
        return getattr(project_or_values, name, default)

    def object_and_id(name):
        value = read(name)
        if value is None and not isinstance(project_or_values, dict):
            value_id = getattr(project_or_values, f"{name}_id", None)
            return None, value_id
        if hasattr(value, "pk"):
            return value, value.pk
        return None, value

    from duikou.geo.models import Division
    from duikou.parties.models import Organization

    division, division_id = object_and_id("division")
    if division is None and division_id is not None:
        division = Division.objects.filter(pk=division_id).first()
    supporter, supporter_id = object_and_id("supporter")
    if supporter is None and supporter_id is not None:
        supporter = Organization.objects.filter(pk=supporter_id).first()
    _, category_id = object_and_id("category")
    name = read("name") or ""
    from .index import description_bigrams

    return ProjectRecord(
        pk=read("pk"),
        code=read("code") or "",
        name=name,
        features=normalise_name(name, vocabulary),
        division_id=division_id,
        division_parent_id=division.parent_id if division is not None else None,
        division_name=division.name if division is not None else "",
        plan_year=int(read("plan_year")),
        category_id=category_id,
        is_fixed_asset=bool(read("is_fixed_asset", True)),
        supporter_id=supporter_id,
        supporter_name=str(supporter) if supporter is not None else "",
        is_in_plan=bool(read("is_in_plan", True)),
        description_bigrams=description_bigrams(read("description") or ""),
    )


def likely_duplicates(
    project_or_values,
    *,
    limit: int = 10,
    projects=None,
    options: ScanOptions | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[Candidate]:
    """The saved projects most like `project_or_values`, best first — before it is saved, or on its page.

    Args:
        project_or_values: a Project (saved or not) or a dict of its values (see `record_for`).
        limit: at most this many.
        projects: the saved projects to compare with (default all; the caller may narrow them to a user's).
        options: threshold and year window; decided pairs are left out unless `include_decided`.
        vocabulary: place and supporter names (read from the database when not given; pass one when
            checking many rows, as an import does).

    Returns:
        Candidates with `first` the saved project and `second` the one checked; empty when the values lack
        a name, division or plan year.
    """
    from duikou.projects.models import Project

    options = options or ScanOptions()
    vocabulary = vocabulary or Vocabulary.from_database()
    try:
        record = record_for(project_or_values, vocabulary)
    except (TypeError, ValueError):
        return []
    if not record.features.bigrams or record.division_id is None:
        return []
    children = division_children()
    neighbours = [record.division_id, *children.get(record.division_id, ())]
    if record.division_parent_id is not None:
        neighbours.append(record.division_parent_id)
    queryset = (projects if projects is not None else Project.objects.all()).filter(
        division_id__in=neighbours,
        plan_year__gte=record.plan_year - options.year_window,
        plan_year__lte=record.plan_year + options.year_window,
    )
    if record.pk is not None:
        queryset = queryset.exclude(pk=record.pk)
    decided = set() if options.include_decided or record.pk is None else decided_pairs_of(record.pk)
    found = []
    for values in queryset.values(*RECORD_FIELDS).iterator():
        other = record_from_values(values, vocabulary)
        if not other.features.bigrams or other.pk in decided:
            continue
        result = score_pair(other, record, minimum=options.threshold)
        if _is_reported(result, options):
            found.append(Candidate(other, record, result))
    found.sort(key=lambda candidate: (-candidate.score, candidate.first.code))
    return found[:limit]


def decided_pairs_of(pk: int) -> set[int]:
    """Ids of the projects whose pair with project `pk` a reviewer decided."""
    from django.db.models import Q

    from duikou.checks.models import DuplicatePair

    rows = DuplicatePair.objects.decided().filter(Q(project_a_id=pk) | Q(project_b_id=pk))
    return {a if a != pk else b for a, b in rows.values_list("project_a_id", "project_b_id")}
