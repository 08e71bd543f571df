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

An import also compares each new row with the new rows of the same file asked about before it (a clerk
pastes a block twice, or two sheets of one supporter overlap), by the same test: the same neighbourhood and
years, the name written the same way, then the detector's score. A file can hold 1,000,000 rows, so a row is
remembered as two ints (`FileRows`, about 100 bytes), not as its values; the earlier row's record is
rebuilt from them when a later row hits it (`FileRows` says what that leaves out).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from duikou.core.text import match_key, match_keys
from duikou.projects.duplicates import LikelyDuplicate

from .index import NO_BIGRAMS, RECORD_FIELDS, division_children, record_from_values
from .normalise import Vocabulary
from .reasons import reason_text
from .scan import Candidate, ScanOptions, _is_reported, likely_duplicates, record_for
from .scoring import ProjectRecord, Reason, score_pair

ENTRY_OPTIONS = ScanOptions(include_phases=False)


class ProjectDuplicateFinder:
    """Likely duplicates of a project about to be saved, among `projects` (default: every saved one).

    Args:
        projects: the saved projects to compare with (the caller narrows them to what the user may see).
        bulk: many rows will be checked (an import): keep an index instead of a query per row, and compare
            each row with the rows of the same file checked before it.
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
        self._fetched: list[dict] = []  # saved projects loaded, not yet indexed by name
        self._years_ready: set[int] = set()  # plan years whose whole window is loaded
        self._reason_texts: dict[tuple, str] = {}  # the same few reasons on many rows of a file
        self.file_rows = FileRows()

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:  # built once per form, request or file (a few hundred rows)
            self._vocabulary = Vocabulary.from_database()
        return self._vocabulary

    def find(self, values, *, limit: int = 10, row: int | None = None) -> list[LikelyDuplicate]:
        """The saved projects most like `values` (a dict of field values or a Project), best first; in bulk
        mode the earlier rows of the same file too.

        Args:
            values: the project about to be saved.
            limit: at most this many.
            row: the row's number in the file (bulk mode: named in the warnings of later rows like it).
        """
        if not self.bulk:
            candidates = likely_duplicates(
                values, limit=limit, projects=self.projects, options=self.options, vocabulary=self.vocabulary
            )
            return [likely_duplicate(candidate, self._reason_texts) for candidate in candidates]
        return self._ranked(self._find_in_index(values, row), limit)

    def load_years(self, years) -> None:
        """Fetch the saved projects the rows of these plan years are compared with, now: an import calls
        this for a chunk while its connection is free, not while the previous chunk is being written.

        One query, and nothing else while it holds the connection: the names are indexed when a row first
        asks (`_names_for`), while the connection writes the previous chunk."""
        if self._by_name is None:
            self._by_name, self._children = {}, division_children()
        window = self.options.year_window
        missing = set()
        for year in years:
            missing |= set(range(year - window, year + window + 1))
        missing -= self._loaded_years
        if missing:
            self._fetched += (
                self.projects.filter(plan_year__in=sorted(missing)).order_by("pk").values(*RECORD_FIELDS)
            )
            self._loaded_years |= missing

    def find_columns(self, columns: dict[str, list], rows: list[int], *, limit: int = 10) -> list[list]:
        """`find` in bulk mode for many new rows at once, in file order: one list per row, mostly empty.

        Args:
            columns: the rows' values as `find` takes them, a list per name: name, division (an object with
                `pk` and `parent_id`), plan_year, supporter and category (ids), is_fixed_asset, is_in_plan,
                code, description.
            rows: their numbers in the file.
            limit: at most this many per row.

        The same lookups as row by row, without a dict of values per row: the names' keys are made in one
        pass (`match_keys`), and a row's values are gathered only when it hits something."""
        names, divisions, years = columns["name"], columns["division"], columns["plan_year"]
        profiles = zip(
            years,
            columns["supporter"],
            columns["category"],
            map(bool, columns["is_fixed_asset"]),
            map(bool, columns["is_in_plan"]),
            strict=True,
        )
        found = []
        for position, (name, key, division, year, profile, row) in enumerate(
            zip(names, match_keys(names), divisions, years, profiles, rows, strict=True)
        ):
            if not name or year is None or division is None:
                found.append([])
                continue
            hits, earlier_rows = self._look_up(key, division.pk, division.parent_id, year, profile, row)
            if hits or earlier_rows:
                values = {name: column[position] for name, column in columns.items()}
                found.append(self._ranked(self._scored_all(values, hits, earlier_rows), limit))
            else:
                found.append([])
        return found

    def _find_in_index(self, values, row: int | None) -> list[LikelyDuplicate]:
        """The saved neighbours and the earlier rows of the file whose name is the row's name written the
        same way (`match_key`: width, traditional characters, spaces and punctuation aside), scored as
        usual; the row is remembered for the rows after it.

        The cheap check an import can afford (measured in the module docstring): a few dictionary lookups
        per row, and the detector's normalising and scoring only for the few rows that hit. Rewordings
        (教学楼 → 教学综合楼) are left to the review queue's scan after the import."""
        entry = _entry_of(values)
        if entry is None:
            return []
        name, division_id, parent_id, year = entry
        profile = FileRows.profile_of(values, year)
        hits, earlier_rows = self._look_up(match_key(name), division_id, parent_id, year, profile, row)
        if not hits and not earlier_rows:
            return []
        return self._scored_all(values, hits, earlier_rows)

    def _look_up(
        self, key: str, division_id: int, parent_id: int | None, year: int, profile: tuple, row: int | None
    ) -> tuple[list[dict], list[EarlierRow]]:
        """The saved projects and the earlier rows of the file in the row's neighbourhood and years with its
        name key; the row is remembered for the rows after it."""
        by_key = self._names_for(year)
        neighbours = [division_id, *self._children.get(division_id, ()), *([parent_id] if parent_id else [])]
        window = self.options.year_window
        hits = [
            saved
            for neighbour in neighbours
            for saved in by_key.get((neighbour, key), ())
            if abs(saved["plan_year"] - year) <= window
        ]
        earlier_rows = self.file_rows.matches(neighbours, key, year, window)
        self.file_rows.add(profile, division_id, key, row)
        return hits, earlier_rows

    def _scored_all(self, values, hits: list[dict], earlier_rows: list[EarlierRow]) -> list[LikelyDuplicate]:
        """The hits of a row that the detector scores high enough, as warnings."""
        record = record_for(values, self.vocabulary)
        found = []
        for saved in hits:
            candidate = self._scored(record_from_values(saved, self.vocabulary), record)
            if candidate is not None:
                found.append(likely_duplicate(candidate, self._reason_texts))
        for earlier in earlier_rows:
            candidate = self._scored(self.file_rows.record(earlier, record), record)
            if candidate is not None:
                found.append(replace(likely_duplicate(candidate, self._reason_texts), row=earlier.row))
        return found

    @staticmethod
    def _ranked(found: list[LikelyDuplicate], limit: int) -> list[LikelyDuplicate]:
        """Best first — saved projects before rows of the file on a tie, then in row and code order."""
        found.sort(key=lambda item: (-item.score, item.row is not None, item.row or 0, item.code))
        return found[:limit]

    def _scored(self, other: ProjectRecord, record: ProjectRecord) -> Candidate | None:
        result = score_pair(other, record, minimum=self.options.threshold)
        return Candidate(other, record, result) if _is_reported(result, self.options) else None

    def _names_for(self, year: int) -> dict[tuple[int, str], list[dict]]:
        """(division, name key) → saved projects, with every plan year within the window of `year` loaded."""
        if year in self._years_ready:  # every row after the first of its year: no set built per row
            return self._by_name
        # A row's own plan year is loaded before the row is checked, so before the import writes it: the
        # file's rows never come back here as saved projects (they are `file_rows`).
        self.load_years([year])  # no query when the import loaded the year before the row's chunk
        for saved in self._fetched:
            self._by_name.setdefault((saved["division_id"], match_key(saved["name"])), []).append(saved)
        self._fetched = []
        self._years_ready.add(year)
        return self._by_name


def _entry_of(values) -> tuple[str, int, int | None, int] | None:
    """(name, division id, its parent's id, plan year) of a row; None when one of them is missing."""
    name, year, division = _read(values, "name"), _read(values, "plan_year"), _read(values, "division")
    division_id = getattr(division, "pk", division)
    if not name or year is None or division_id is None:
        return None
    return name, division_id, getattr(division, "parent_id", None), int(year)


class EarlierRow(NamedTuple):
    """A row of the file an earlier `find` saw, as `FileRows` kept it."""

    row: int  # 0 when the import did not say
    division_id: int
    plan_year: int
    supporter_id: int | None
    category_id: int | None
    is_fixed_asset: bool
    is_in_plan: bool


class FileRows:
    """The new rows of one file checked so far, in as little memory as a warning needs.

    A row is one entry of a dict of ints: a fingerprint of (division, name key) → its row number and the
    index of its *profile* (plan year, supporter, category, asset type, funding channel — a few hundred
    combinations in a file, kept once each). About 100 bytes a row (measured with tracemalloc: 106 MB for
    1,000,000), where keeping the values would take about 450.
    A fingerprint shared by two different names (a 60-bit hash: about one chance in 10^6 in a
    1,000,000-row file) would only make the detector score two rows that differ.

    What is not kept: the name (a hit has the same name key, so the later row's name stands for it — it
    differs at most in width, characters' form, spaces and punctuation) and the description (the score of
    such a pair is then the names' alone).
    """

    FINGERPRINT_BITS = 60  # ints below 2**60 take 32 bytes
    PROFILE_BITS = 24  # up to 16 million profiles: more than any file has rows

    def __init__(self):
        self.by_fingerprint: dict[int, int | list[int]] = {}
        self.profiles: list[tuple] = []
        self.profile_index: dict[tuple, int] = {}
        self.divisions: dict[int, tuple[int | None, str]] = {}  # id → (parent id, name), read on a hit
        self.supporters: dict[int, str] = {}  # id → name, read on a hit

    def _fingerprint(self, division_id: int, key: str) -> int:
        # The name key's hash is kept on the string: arithmetic, not a tuple hashed, on every row.
        return (hash(key) + division_id * 0x9E3779B97F4A7C15) & ((1 << self.FINGERPRINT_BITS) - 1)

    @staticmethod
    def profile_of(values, year: int) -> tuple:
        """A row's profile (`values` as `find` takes them): plan year, supporter, category (ids), asset type,
        funding channel."""
        if isinstance(values, dict):
            supporter, category = values.get("supporter"), values.get("category")
            return (
                year,
                getattr(supporter, "pk", supporter),
                getattr(category, "pk", category),
                bool(values.get("is_fixed_asset", True)),
                bool(values.get("is_in_plan", True)),
            )
        # a Project: its ids, without a query
        return (
            year,
            values.supporter_id,
            values.category_id,
            bool(values.is_fixed_asset),
            bool(values.is_in_plan),
        )

    def add(self, profile: tuple, division_id: int, key: str, row: int | None) -> None:
        """Remember a row just checked, with its profile (`profile_of`)."""
        index = self.profile_index.get(profile)
        if index is None:
            index = self.profile_index[profile] = len(self.profiles)
            self.profiles.append(profile)
        entry = ((row or 0) << self.PROFILE_BITS) | index
        fingerprint = self._fingerprint(division_id, key)
        known = self.by_fingerprint.get(fingerprint)
        if known is None:
            self.by_fingerprint[fingerprint] = entry
        elif isinstance(known, list):
            known.append(entry)
        else:
            self.by_fingerprint[fingerprint] = [known, entry]

    def matches(self, divisions: list[int], key: str, year: int, window: int) -> list[EarlierRow]:
        """The rows remembered in `divisions` with the name key `key` and a plan year within `window`."""
        found = []
        for division_id in divisions:
            known = self.by_fingerprint.get(self._fingerprint(division_id, key))
            if known is None:
                continue
            for entry in known if isinstance(known, list) else (known,):
                profile = self.profiles[entry & ((1 << self.PROFILE_BITS) - 1)]
                if abs(profile[0] - year) <= window:
                    found.append(EarlierRow(entry >> self.PROFILE_BITS, division_id, *profile))
        return found

    def record(self, earlier: EarlierRow, later: ProjectRecord) -> ProjectRecord:
        """The detector's record of an earlier row, rebuilt from what was kept and the later row's record."""
        if earlier.division_id == later.division_id:
            parent_id, division_name = later.division_parent_id, later.division_name
        else:
            parent_id, division_name = self._division(earlier.division_id)
        if earlier.supporter_id == later.supporter_id:
            supporter_name = later.supporter_name
        else:
            supporter_name = self._supporter_name(earlier.supporter_id)
        return later._replace(
            pk=None,
            code="",
            division_id=earlier.division_id,
            division_parent_id=parent_id,
            division_name=division_name,
            plan_year=earlier.plan_year,
            category_id=earlier.category_id,
            is_fixed_asset=earlier.is_fixed_asset,
            supporter_id=earlier.supporter_id,
            supporter_name=supporter_name,
            is_in_plan=earlier.is_in_plan,
            description_bigrams=NO_BIGRAMS,
        )

    def _division(self, pk: int) -> tuple[int | None, str]:
        """(parent id, name) of a division, read once per division a hit needs."""
        from duikou.geo.models import Division

        if pk not in self.divisions:
            row = Division.objects.filter(pk=pk).values_list("parent_id", "name").first()
            self.divisions[pk] = row or (None, "")
        return self.divisions[pk]

    def _supporter_name(self, pk: int | None) -> str:
        from duikou.parties.models import Organization

        if pk is None:
            return ""
        if pk not in self.supporters:
            supporter = Organization.objects.filter(pk=pk).first()
            self.supporters[pk] = str(supporter) if supporter is not None else ""
        return self.supporters[pk]


def _read(values, name: str, default=None):
    if isinstance(values, dict):
        return values.get(name, default)
    return getattr(values, name, default)


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
