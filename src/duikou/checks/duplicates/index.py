"""Candidate pairs: blocking by place and year, then shared name bigrams.

Comparing every project with every other is 800 million pairs at SF1 (40,000 projects). Duplicate
construction is local, so a pair is only a candidate when

- the two projects are in the same division, or one in a county and the other in its prefecture (州直
  projects) — an XPCC division and its regiments alike;
- their plan years are at most `year_window` apart;
- their name cores share enough character bigrams for the pair to reach the threshold at all (the name
  similarity of `scoring.py` bounds the score from above).

The last test is a set-similarity join with prefix filtering (Chaudhuri et al., "A primitive operator for
similarity joins", ICDE 2006; Bayardo et al., "Scaling up all pairs similarity search", WWW 2007). A pair
can only reach the threshold when it shares at least `required_overlap(floor, s)` bigrams, `s` the size of
the smaller core (the similarity is at most the containment common / s). Then the smaller core's first
`s − required + 1` bigrams, in any fixed order, already hold one of them. So bigrams are numbered rarest
first, projects are taken smallest core first, and only each project's rarest bigrams (its *prefix*) are
indexed, by (division, bigram, plan year): a project looks up all its bigrams and finds every smaller or
equal neighbour it can reach, without walking the long lists of common bigrams (中心, 设施, 学校). What the
lookups find is then counted exactly (a set intersection), and tested as before. The pairs are the same as
counting every shared bigram of every neighbour; only fewer are looked at.

Plain Python dictionaries and frozensets of small ints: at SF1 a full scan takes about a second
(bench/duplicates.py), so no numerical library is needed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain

from duikou.core.text import normalize_text

from .normalise import Vocabulary, bigrams_of, normalise_name, strip_generic
from .scoring import MIN_DESCRIPTION_LENGTH, ProjectRecord, lowest_name_similarity

# What `record_from_values` reads: one project's row with its division's and supporter's names (joins; a
# single project's check and an import's index read these).
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
# What a scan reads of every project: no joins, the divisions and supporters are read once apart (a few
# hundred rows), and tuples instead of dicts (half the time of `values()` at SF1).
SCAN_FIELDS = (
    "pk",
    "code",
    "name",
    "description",
    "division_id",
    "plan_year",
    "category_id",
    "is_fixed_asset",
    "supporter_id",
    "is_in_plan",
)
NO_BIGRAMS: frozenset[str] = frozenset()


def description_bigrams(description: str) -> frozenset[str]:
    if not description:  # most projects have none: skip the normalising
        return NO_BIGRAMS
    text = strip_generic("".join(normalize_text(description).split()))
    if len(text) < MIN_DESCRIPTION_LENGTH:  # a word or two says nothing
        return NO_BIGRAMS
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
    """The records of every project in `queryset`: one query of its rows, and the divisions and supporters
    read once (a name written twice, in another county or year, is normalised once)."""
    from duikou.geo.models import Division
    from duikou.parties.models import Organization

    divisions = {
        pk: (parent_id, name)
        for pk, parent_id, name in Division.objects.values_list("pk", "parent_id", "name")
    }
    supporters = {
        pk: short_name or name
        for pk, short_name, name in Organization.objects.values_list("pk", "short_name", "name")
    }
    features: dict[str, object] = {}
    records = []
    for (
        pk,
        code,
        name,
        description,
        division_id,
        year,
        category_id,
        is_fixed_asset,
        supporter_id,
        is_in_plan,
    ) in queryset.values_list(*SCAN_FIELDS).iterator(chunk_size=5000):
        name_features = features.get(name)
        if name_features is None:
            name_features = features[name] = normalise_name(name, vocabulary)
        parent_id, division_name = divisions[division_id]
        records.append(
            ProjectRecord(
                pk=pk,
                code=code,
                name=name,
                features=name_features,
                division_id=division_id,
                division_parent_id=parent_id,
                division_name=division_name,
                plan_year=year,
                category_id=category_id,
                is_fixed_asset=is_fixed_asset,
                supporter_id=supporter_id,
                supporter_name=supporters.get(supporter_id),
                is_in_plan=is_in_plan,
                description_bigrams=description_bigrams(description),
            )
        )
    return records


def required_overlap(floor: float, size: int) -> int:
    """The fewest bigrams a pair must share to reach the name similarity `floor` when the smaller core has
    `size` bigrams (the similarity is at most the containment common / size); at least one.

    A hair below the product, so that float rounding never drops a pair the exact test lets through.
    """
    return max(1, math.ceil(floor * size - 1e-9))


def bigram_codes(records: list[ProjectRecord]) -> list[tuple[int, ...]]:
    """Each record's core bigrams as ints, rarest bigram first (0 is the rarest among `records`)."""
    frequency = Counter(chain.from_iterable(record.features.bigrams for record in records))
    code_of = {bigram: code for code, bigram in enumerate(sorted(frequency, key=lambda b: (frequency[b], b)))}
    by_core: dict[str, tuple[int, ...]] = {}  # cores recur (安居富民房 in every county): encoded once
    codes = []
    for record in records:
        core = record.features.core
        encoded = by_core.get(core)
        if encoded is None:
            encoded = by_core[core] = tuple(sorted(code_of[bigram] for bigram in record.features.bigrams))
        codes.append(encoded)
    return codes


def neighbour_divisions(record: ProjectRecord, children: dict[int, list[int]]) -> list[int]:
    """The record's division, its parent (a county's prefecture), its children (a prefecture's)."""
    divisions = [record.division_id, *children.get(record.division_id, ())]
    if record.division_parent_id is not None:
        divisions.append(record.division_parent_id)
    return divisions


def candidate_pairs(
    records: Iterable[ProjectRecord], *, year_window: int, threshold: float, children: dict[int, list[int]]
) -> Iterator[tuple[ProjectRecord, ProjectRecord]]:
    """Every pair among `records` in one neighbourhood whose name similarity lets it reach `threshold`,
    once, the record earlier in `records` first (the module docstring tells how)."""
    records = list(records)
    codes = bigram_codes(records)
    sets = {}  # one frozenset per distinct core, for the exact count
    code_sets = [sets.setdefault(encoded, frozenset(encoded)) for encoded in codes]
    floor = lowest_name_similarity(threshold, has_descriptions=False)
    floor_with_descriptions = lowest_name_similarity(threshold, has_descriptions=True)
    # division → bigram code → plan year → positions of the records whose prefix holds the bigram.
    prefixes: dict[int, dict[int, dict[int, list[int]]]] = defaultdict(dict)
    smallest_first = sorted(
        (position for position, encoded in enumerate(codes) if encoded), key=lambda p: len(codes[p])
    )
    for position in smallest_first:
        record, encoded = records[position], codes[position]
        size = len(encoded)
        found = _indexed_neighbours(record, encoded, prefixes, year_window, children)
        if found:
            mine = code_sets[position]
            has_description = bool(record.description_bigrams)
            for other_position in found:
                other = records[other_position]
                other_size = len(codes[other_position])  # ≤ size: smaller cores are indexed first
                common = len(mine & code_sets[other_position])
                if common < floor_with_descriptions * other_size:
                    continue
                similarity = (2 * common / (size + other_size) + common / other_size) / 2
                if similarity < floor and not (
                    similarity >= floor_with_descriptions and has_description and other.description_bigrams
                ):
                    continue
                if other.pk == record.pk:
                    continue
                yield (other, record) if other_position < position else (record, other)
        own_floor = floor_with_descriptions if record.description_bigrams else floor
        by_bigram = prefixes[record.division_id]
        for code in encoded[: size - required_overlap(own_floor, size) + 1]:
            by_bigram.setdefault(code, {}).setdefault(record.plan_year, []).append(position)


def _indexed_neighbours(record, encoded, prefixes, year_window: int, children) -> set[int]:
    """Positions of the indexed records of the record's neighbourhood and years whose prefix holds one of
    the record's bigrams."""
    found: set[int] = set()
    years = range(record.plan_year - year_window, record.plan_year + year_window + 1)
    for division in neighbour_divisions(record, children):
        by_bigram = prefixes.get(division)
        if by_bigram is None:
            continue
        for code in encoded:
            by_year = by_bigram.get(code)
            if by_year is None:
                continue
            for year in years:
                positions = by_year.get(year)
                if positions is not None:
                    found.update(positions)
    return found


def division_children() -> dict[int, list[int]]:
    """Division id → its children's ids (a few hundred rows)."""
    from duikou.geo.models import Division

    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in Division.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    return dict(children)
