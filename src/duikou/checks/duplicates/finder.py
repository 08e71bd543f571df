"""The finder that project data entry asks before a save (`projects.duplicates`, issue 6, item 3).

Named by the setting `DUIKOU_PROJECT_DUPLICATE_FINDER`; the project form, the API and the import build one
and call `find(values)`. A single check (form, API) is `likely_duplicates()`: one query of the project's
neighbourhood, ~16 ms, rewordings included.

An import (`bulk=True`) cannot afford that per row. Measured on a 10,000-row file (every row a copy of a
saved project, the worst case) against 19,000 saved projects: the full check per row — the detector's
bigram index loaded once, then normalising, looking up and scoring each row — made the check about six times
slower (1.1 s → 7.6 s). So an import looks up each new row's name as written (`core.text.match_key`: width,
traditional characters, spaces and punctuation aside) among the saved projects of its neighbourhood and
years, loaded once a plan year at a time, and runs the detector only on the rows that hit. Rewordings
(教学楼 → 教学综合楼) are left to the review queue's scan (`duikou duplicates --save`).

Phases (二期 of a saved project) are not reported here: planning a second phase is the normal case, and the
review queue still lists the pair with the reason 分期.
"""

from __future__ import annotations

from duikou.core.text import match_key
from duikou.projects.duplicates import LikelyDuplicate

from .index import RECORD_FIELDS, division_children, record_from_values
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
        self._by_name: dict[tuple[int, str], list[dict]] | None = None
        self._children: dict[int, list[int]] = {}
        self._loaded_years: set[int] = set()
        self._reason_texts: dict[tuple, str] = {}  # the same few reasons on many rows of a file

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
        return [likely_duplicate(candidate, self._reason_texts) for candidate in candidates]

    def _find_in_index(self, values, limit: int) -> list[Candidate]:
        """The saved neighbours whose name is the row's name written the same way (`match_key`: width,
        traditional characters, spaces and punctuation aside), scored as usual.

        The cheap check an import can afford (measured in the module docstring): a dictionary lookup per
        row, and the detector's normalising and scoring only for the few rows that hit. Rewordings
        (教学楼 → 教学综合楼) are left to the review queue's scan after the import."""
        read = (
            values.get
            if isinstance(values, dict)
            else lambda name, default=None: getattr(values, name, default)
        )
        name, year = read("name"), read("plan_year")
        division = read("division")
        division_id = getattr(division, "pk", division)
        if not name or year is None or division_id is None:
            return []
        key = match_key(name)
        by_key = self._names_for(int(year))
        parent_id = getattr(division, "parent_id", None)
        neighbours = [division_id, *self._children.get(division_id, ()), *([parent_id] if parent_id else [])]
        window = self.options.year_window
        hits = [
            row
            for neighbour in neighbours
            for row in by_key.get((neighbour, key), ())
            if abs(row["plan_year"] - int(year)) <= window
        ]
        if not hits:
            return []
        record = record_for(values, self.vocabulary)
        found = []
        for row in hits:
            other = record_from_values(row, self.vocabulary)
            result = score_pair(other, record, minimum=self.options.threshold)
            if _is_reported(result, self.options):
                found.append(Candidate(other, record, result))
        found.sort(key=lambda candidate: (-candidate.score, candidate.first.code))
        return found[:limit]

    def _names_for(self, year: int) -> dict[tuple[int, str], list[dict]]:
        """(division, name key) → saved projects, with every plan year within the window of `year` loaded."""
        if self._by_name is None:
            self._by_name, self._children = {}, division_children()
        window = self.options.year_window
        missing = set(range(year - window, year + window + 1)) - self._loaded_years
        if missing:
            queryset = self.projects.filter(plan_year__in=sorted(missing)).order_by("pk")
            for row in queryset.values(*RECORD_FIELDS).iterator(chunk_size=5000):
                self._by_name.setdefault((row["division_id"], match_key(row["name"])), []).append(row)
            self._loaded_years |= missing
        return self._by_name


def likely_duplicate(candidate: Candidate, texts: dict | None = None) -> LikelyDuplicate:
    """A candidate as projects shows it: the saved project, the score and the reasons written out (`texts`:
    a memo of reason → sentence, for many calls in one language)."""
    texts = {} if texts is None else texts
    saved = candidate.first
    return LikelyDuplicate(
        pk=saved.pk,
        code=saved.code,
        name=saved.name,
        supporter=saved.supporter_name,
        plan_year=saved.plan_year,
        score=round(candidate.score, 2),
        kind=candidate.kind,
        reasons=tuple(_text(reason, texts) for reason in candidate.reasons),
        conflicts=tuple(reason["code"] in Reason.CONFLICTS for reason in candidate.reasons),
    )


def _text(reason: dict, texts: dict) -> str:
    key = (reason.get("code"), reason.get("a"), reason.get("b"), reason.get("value"))
    if key not in texts:
        texts[key] = reason_text(reason)
    return texts[key]
