"""The scan's shortcuts find what the plain method finds (issue 6, item 4: 20× faster than brute force).

`index.candidate_pairs` indexes only each core's rarest bigrams (prefix filtering) and the name patterns are
tries: both must give the same pairs and the same matches as counting every shared bigram of every neighbour
and as a longest-first alternation. Checked on random names from a small alphabet, where bigrams collide
often and cores of every size meet.
"""

import random
import re

import pytest

from duikou.checks.duplicates.index import candidate_pairs
from duikou.checks.duplicates.normalise import NameFeatures, _alternation, bigrams_of
from duikou.checks.duplicates.scoring import ProjectRecord, lowest_name_similarity

ALPHABET = "中学教楼卫生院村镇文化设施综合"
PARENT = 1  # a prefecture; 2 and 3 its counties; 4 a county elsewhere
PARENTS = {2: PARENT, 3: PARENT}
CHILDREN = {PARENT: [2, 3]}


def random_record(rng: random.Random, pk: int) -> ProjectRecord:
    core = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 9)))
    division = rng.choice([1, 2, 3, 4])
    description = (
        frozenset(rng.sample(sorted(bigrams_of(ALPHABET)), rng.randint(3, 6)))
        if rng.random() < 0.3
        else frozenset()
    )
    return ProjectRecord(
        pk=pk,
        code=f"P{pk}",
        name=core,
        features=NameFeatures(text=core, local=core, core=core, bigrams=bigrams_of(core)),
        division_id=division,
        division_parent_id=PARENTS.get(division),
        division_name=str(division),
        plan_year=rng.randint(2020, 2026),
        category_id=None,
        is_fixed_asset=True,
        supporter_id=None,
        supporter_name="",
        is_in_plan=True,
        description_bigrams=description,
    )


def exhaustive_pairs(records, *, year_window, threshold) -> list[tuple[int, int]]:
    """Every pair of neighbours whose shared bigrams let it reach the threshold: the test the index applies,
    without the index."""
    floor = lowest_name_similarity(threshold, has_descriptions=False)
    floor_with_descriptions = lowest_name_similarity(threshold, has_descriptions=True)
    found = []
    for index, first in enumerate(records):
        for second in records[index + 1 :]:
            neighbours = (
                first.division_id == second.division_id
                or first.division_parent_id == second.division_id
                or second.division_parent_id == first.division_id
            )
            if not neighbours or abs(first.plan_year - second.plan_year) > year_window:
                continue
            a, b = first.features.bigrams, second.features.bigrams
            common, smaller = len(a & b), min(len(a), len(b))
            if not common or common < floor_with_descriptions * smaller:
                continue
            similarity = (2 * common / (len(a) + len(b)) + common / smaller) / 2
            has_descriptions = bool(first.description_bigrams and second.description_bigrams)
            if similarity < floor and not (similarity >= floor_with_descriptions and has_descriptions):
                continue
            found.append((first.pk, second.pk))
    return found


@pytest.mark.parametrize(
    ("seed", "threshold", "year_window"), [(1, 0.7, 2), (2, 0.5, 1), (3, 0.9, 0), (4, 0.2, 3)]
)
def test_the_prefix_index_finds_exactly_the_pairs_of_counting_every_shared_bigram(
    seed, threshold, year_window
):
    rng = random.Random(seed)
    records = [random_record(rng, pk) for pk in range(1, 401)]

    found = [
        (first.pk, second.pk)
        for first, second in candidate_pairs(
            records, year_window=year_window, threshold=threshold, children=CHILDREN
        )
    ]

    expected = exhaustive_pairs(records, year_window=year_window, threshold=threshold)
    assert expected  # the random names do meet
    assert sorted(found) == expected  # the earlier record first, each pair once


def test_the_trie_pattern_matches_as_the_longest_first_alternation():
    rng = random.Random(5)
    words = {"".join(rng.choice("喀什地区莎车县阿瓦提") for _ in range(rng.randint(1, 5))) for _ in range(60)}
    trie = _alternation(words)
    longest_first = re.compile("|".join(map(re.escape, sorted(words, key=lambda word: (-len(word), word)))))
    refusing = "(?![乡镇村])"  # as the place pattern: a refused longest match falls back to a shorter one
    texts = ["".join(rng.choice("喀什地区莎车县阿瓦提乡镇") for _ in range(12)) for _ in range(500)]
    for text in texts:
        assert trie.findall(text) == longest_first.findall(text)
        assert re.findall(f"(?:{trie.pattern}){refusing}", text) == re.findall(
            f"(?:{longest_first.pattern}){refusing}", text
        )
