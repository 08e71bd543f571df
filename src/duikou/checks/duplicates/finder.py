"""The finder that project data entry asks before a save (`projects.duplicates`, issue 6, item 3).

Named by the setting `DUIKOU_PROJECT_DUPLICATE_FINDER`; the project form, the API and the import build one
and call `find(values)`. A single check is `likely_duplicates()` (one query of the project's neighbourhood,
~16 ms). An import (`bulk=True`) checks thousands of rows: the finder then keeps one `CandidateIndex` of the
saved projects, loaded a plan year at a time as the file's rows need them, and asks it only for the
projects that share enough name bigrams with a row (`index.py`) — no query per row, and most rows are
scored against nobody.

Phases (二期 of a saved project) are not reported here: planning a second phase is the normal case, and the
review queue still lists the pair with the reason 分期.
"""

from __future__ import annotations

from duikou.projects.duplicates import LikelyDuplicate

from .index import RECORD_FIELDS, CandidateIndex, division_children, record_from_values
from .normalise import Vocabulary
from .reasons import reason_text
from .scan import Candidate, ScanOptions, _is_reported, likely_duplicates, record_for
from .scoring import Reason, score_pair

ENTRY_OPTIONS = ScanOptions(include_phases=False)


class ProjectDuplicateFinder:
    """Likely duplicates of a project about to be saved, among `projects` (default: every saved one).

    Args:
        projects: the saved projects to compare with (the caller narrows them to what the user may see).
        bulk: many rows will be checked (an import): keep an index instead of a query per row.
    """

    def __init__(self, *, projects=None, bulk: bool = False, options: ScanOptions = ENTRY_OPTIONS):
        from duikou.projects.models import Project

        self.projects = projects if projects is not None else Project.objects.all()
        self.bulk = bulk
        self.options = options
        self._vocabulary: Vocabulary | None = None
        self._index: CandidateIndex | None = None
        self._loaded_years: set[int] = set()

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:  # built once per form, request or file (a few hundred rows)
            self._vocabulary = Vocabulary.from_database()
        return self._vocabulary

    def find(self, values, *, limit: int = 10) -> list[LikelyDuplicate]:
        """The saved projects most like `values` (a dict of field values or a Project), best first."""
        if self.bulk:
            candidates = self._find_in_index(values, limit)
        else:
            candidates = likely_duplicates(
                values, limit=limit, projects=self.projects, options=self.options, vocabulary=self.vocabulary
            )
        return [likely_duplicate(candidate) for candidate in candidates]

    def _find_in_index(self, values, limit: int) -> list[Candidate]:
        try:
            record = record_for(values, self.vocabulary)
        except (TypeError, ValueError):
            return []
        if not record.features.bigrams or record.division_id is None:
            return []
        index = self._index_for(record.plan_year)
        found = []
        for other in index.candidates(record, self.options.threshold):
            result = score_pair(other, record, minimum=self.options.threshold)
            if _is_reported(result, self.options):
                found.append(Candidate(other, record, result))
        found.sort(key=lambda candidate: (-candidate.score, candidate.first.code))
        return found[:limit]

    def _index_for(self, year: int) -> CandidateIndex:
        """The index, with every saved project of the years within the window of `year` loaded."""
        window = self.options.year_window
        if self._index is None:
            self._index = CandidateIndex(year_window=window, children=division_children())
        missing = set(range(year - window, year + window + 1)) - self._loaded_years
        if missing:
            queryset = self.projects.filter(plan_year__in=sorted(missing)).order_by("pk")
            for row in queryset.values(*RECORD_FIELDS).iterator(chunk_size=5000):
                self._index.add(record_from_values(row, self.vocabulary))
            self._loaded_years |= missing
        return self._index


def likely_duplicate(candidate: Candidate) -> LikelyDuplicate:
    """A candidate as projects shows it: the saved project, the score and the reasons written out."""
    saved = candidate.first
    return LikelyDuplicate(
        pk=saved.pk,
        code=saved.code,
        name=saved.name,
        supporter=saved.supporter_name,
        plan_year=saved.plan_year,
        score=round(candidate.score, 2),
        kind=candidate.kind,
        reasons=tuple(reason_text(reason) for reason in candidate.reasons),
        conflicts=tuple(reason["code"] in Reason.CONFLICTS for reason in candidate.reasons),
    )
