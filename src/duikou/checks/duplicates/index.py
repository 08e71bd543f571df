"""Candidate pairs: blocking by place and year, then shared name bigrams.

Comparing every project with every other is 800 million pairs at SF1 (40,000 projects). Duplicate
construction is local, so a pair is only a candidate when

- the two projects are in the same division, or one in a county and the other in its prefecture (州直
  projects) — an XPCC division and its regiments alike;
- their plan years are at most `year_window` apart;
- their name cores share enough character bigrams for the pair to reach the threshold at all (the name
  similarity of `scoring.py` bounds the score from above).

An inverted index keyed by (division, bigram, plan year) finds, for each project, the earlier projects of its
neighbouring divisions and years that share a bigram, counting how many; only pairs that can still reach the
threshold are scored, and only those the cheap part of the score leaves above it are aligned
(`scoring.compare_names`). Plain Python dictionaries and frozensets: at SF1 a full scan takes a few seconds
(bench/duplicates.py), so no numerical library is needed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from duikou.core.text import normalize_text

from .normalise import Vocabulary, bigrams_of, normalise_name, strip_generic
from .scoring import MIN_DESCRIPTION_LENGTH, ProjectRecord, lowest_name_similarity

RECORD_FIELDS = (
    "pk",
    "code",
    "name",
    "description",
    "division_id",
    "division__parent_id",
    "division__name",
    "plan_year",
    "category_id",
    "is_fixed_asset",
    "supporter_id",
    "supporter__short_name",
    "supporter__name",
    "is_in_plan",
)


def description_bigrams(description: str) -> frozenset[str]:
    text = strip_generic("".join(normalize_text(description or "").split()))
    if len(text) < MIN_DESCRIPTION_LENGTH:  # a word or two says nothing
        return frozenset()
    return bigrams_of(text)


def record_from_values(values: dict, vocabulary: Vocabulary) -> ProjectRecord:
    """A `ProjectRecord` from a row of `Project.objects.values(*RECORD_FIELDS)`."""
    return ProjectRecord(
        pk=values["pk"],
        code=values["code"],
        name=values["name"],
        features=normalise_name(values["name"], vocabulary),
        division_id=values["division_id"],
        division_parent_id=values["division__parent_id"],
        division_name=values["division__name"],
        plan_year=values["plan_year"],
        category_id=values["category_id"],
        is_fixed_asset=values["is_fixed_asset"],
        supporter_id=values["supporter_id"],
        supporter_name=values["supporter__short_name"] or values["supporter__name"],
        is_in_plan=values["is_in_plan"],
        description_bigrams=description_bigrams(values["description"]),
    )


def load_records(queryset, vocabulary: Vocabulary) -> list[ProjectRecord]:
    """The records of every project in `queryset`, in one query."""
    return [record_from_values(values, vocabulary) for values in queryset.values(*RECORD_FIELDS).iterator()]


class CandidateIndex:
    """Records indexed by (division, plan year, bigram); `add` one, `neighbours` of one.

    Args:
        year_window: how many plan years apart two projects may be.
        children: division id → ids of its child divisions (a prefecture's counties).
    """

    def __init__(self, *, year_window: int, children: dict[int, list[int]]):
        self.year_window = year_window
        self.children = children
        self.records: list[ProjectRecord] = []
        self.sizes: list[int] = []
        # (division, bigram) → plan year → positions: most (division, bigram) lookups miss, and a miss
        # costs one lookup instead of one per year of the window.
        self.postings: dict[tuple[int, str], dict[int, list[int]]] = {}

    def add(self, record: ProjectRecord) -> int:
        position = len(self.records)
        self.records.append(record)
        self.sizes.append(len(record.features.bigrams))
        for bigram in record.features.bigrams:
            by_year = self.postings.setdefault((record.division_id, bigram), {})
            by_year.setdefault(record.plan_year, []).append(position)
        return position

    def neighbour_divisions(self, record: ProjectRecord) -> list[int]:
        """The record's division, its parent (a county's prefecture), its children (a prefecture's)."""
        divisions = [record.division_id, *self.children.get(record.division_id, ())]
        if record.division_parent_id is not None:
            divisions.append(record.division_parent_id)
        return divisions

    def shared_bigrams(self, record: ProjectRecord) -> dict[int, int]:
        """Position of each indexed record in the record's neighbourhood → bigrams shared with it."""
        counts: dict[int, int] = defaultdict(int)
        postings = self.postings
        years = range(record.plan_year - self.year_window, record.plan_year + self.year_window + 1)
        for division in self.neighbour_divisions(record):
            for bigram in record.features.bigrams:
                by_year = postings.get((division, bigram))
                if by_year is None:
                    continue
                for year in years:
                    for position in by_year.get(year, ()):
                        counts[position] += 1
        return counts

    def candidates(self, record: ProjectRecord, threshold: float) -> Iterator[ProjectRecord]:
        """Indexed records whose name similarity with `record` (from the shared counts) lets the pair reach
        `threshold`."""
        size = len(record.features.bigrams)
        if not size:
            return
        floor = lowest_name_similarity(threshold, has_descriptions=False)
        floor_with_descriptions = lowest_name_similarity(threshold, has_descriptions=True)
        records, sizes = self.records, self.sizes
        for position, common in self.shared_bigrams(record).items():
            other_size = sizes[position]
            smaller = size if size < other_size else other_size
            # The similarity is at most the containment common / smaller: most pairs stop here.
            if common < floor_with_descriptions * smaller:
                continue
            other = records[position]
            similarity = (2 * common / (size + other_size) + common / smaller) / 2
            if similarity < floor and not (
                similarity >= floor_with_descriptions
                and record.description_bigrams
                and other.description_bigrams
            ):
                continue
            if other.pk != record.pk:
                yield other


def candidate_pairs(
    records: Iterable[ProjectRecord], *, year_window: int, threshold: float, children: dict[int, list[int]]
) -> Iterator[tuple[ProjectRecord, ProjectRecord]]:
    """Every candidate pair among `records` once, the earlier-indexed record first."""
    index = CandidateIndex(year_window=year_window, children=children)
    for record in records:
        for other in index.candidates(record, threshold):
            yield other, record
        index.add(record)


def division_children() -> dict[int, list[int]]:
    """Division id → its children's ids (a few hundred rows)."""
    from duikou.geo.models import Division

    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in Division.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    return dict(children)
