"""The duplicate-detection benchmark (issue 6, item 4): quality on the planted set and speed, against two
baselines in the same run.

**The labelled set.** `duikou generate` plants pairs of projects and labels them (`demo.PlantedAnomaly`):
`near_duplicate` (the positives: reworded, traditional characters, another supporter paired with the same
county, another funding channel), `phase` (二期 of a project) and `near_miss` (same place and kind of work,
another facility: 第二中学 ↔ 第四中学, another township, another crop). A method's **recall** is the share of
near_duplicate pairs it reports as duplicates; its **precision** is near_duplicate pairs reported ÷ labelled
pairs reported as duplicates (phases reported with the reason 分期 are not counted as duplicates). Pairs it
reports that carry no label are counted separately: the generator does not say what they are.

**Ours.** `duikou.checks.duplicates.scan()` — the code behind `duikou duplicates` — at the default threshold
over every project, timed from the call to its return (reading the projects, divisions and supporters
included), `--runs` times, median; each run from cold (`clear_memos()`: nothing remembered from the run
before). The check of one new project: `likely_duplicates(values)` for projects of the data set presented
as unsaved values (their own row left out), median and 95th percentile.

**Baselines.**
  * exact title match (what AMP does): projects whose names are equal after `core.text.match_key`
    (punctuation, spaces, full-width and traditional characters removed), over all pairs of the data set;
  * brute-force fuzzy matching: rapidfuzz `fuzz.ratio` of the `match_key` names of **every pair of
    projects** (n·(n−1)/2), `process.extract` per project against every later project with the cut-off
    `--fuzzy-cutoff` (C++ inside rapidfuzz, one thread). Its quality at that cut-off is reported too.

Usage (also run by bench/run.py after its load, on the loaded database):
    .venv/bin/python bench/duplicates.py --database-url postgres://postgres@127.0.0.1:5432/duikou_dup_sf1
        [--runs 3] [--checks 200] [--fuzzy-cutoff 90] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict

from dashboard import setup_django

GOALS = {"precision": 0.90, "recall": 0.95, "scan_seconds": 10.0, "check_ms": 100.0, "speedup": 20.0}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def labelled_pairs() -> dict[tuple[int, int], str]:
    from duikou.demo.models import AnomalyKind, PlantedAnomaly

    kinds = (AnomalyKind.NEAR_DUPLICATE, AnomalyKind.PHASE, AnomalyKind.NEAR_MISS)
    rows = PlantedAnomaly.objects.filter(kind__in=kinds).values_list("kind", "project_id", "other_project_id")
    return {(min(a, b), max(a, b)): kind for kind, a, b in rows}


def quality(reported: set[tuple[int, int]], labels: dict[tuple[int, int], str]) -> dict:
    """Precision and recall of the pairs a method reports as duplicates, on the labelled pairs."""
    positives = {pair for pair, kind in labels.items() if kind == "near_duplicate"}
    true = len(reported & positives)
    false = {kind: sum(1 for pair in reported if labels.get(pair) == kind) for kind in ("phase", "near_miss")}
    labelled_reported = true + sum(false.values())
    return {
        "reported": len(reported),
        "true_positives": true,
        "positives": len(positives),
        "false_positives_phase": false["phase"],
        "false_positives_near_miss": false["near_miss"],
        "unlabelled_reported": len(reported) - labelled_reported,
        "precision": round(true / labelled_reported, 3) if labelled_reported else None,
        "recall": round(true / len(positives), 3) if positives else None,
    }


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def measure_ours(runs: int, labels) -> dict:
    from duikou.checks.duplicates import ScanOptions, scan
    from duikou.checks.duplicates.scan import clear_memos
    from duikou.checks.duplicates.scoring import Kind

    seconds, found = [], []
    for _ in range(runs):
        clear_memos()  # each run from cold: what one run learnt of the cores must not speed up the next
        started = time.perf_counter()
        found = scan(options=ScanOptions(include_decided=True))
        seconds.append(time.perf_counter() - started)
    duplicates = {pair(c.first.pk, c.second.pk) for c in found if c.kind == Kind.DUPLICATE}
    phases = {pair(c.first.pk, c.second.pk) for c in found if c.kind == Kind.PHASE}
    result = quality(duplicates, labels)
    result["phases_reported_as_phase"] = sum(1 for p in phases if labels.get(p) == "phase")
    result["phase_pairs"] = sum(1 for kind in labels.values() if kind == "phase")
    result["scan_seconds"] = round(statistics.median(seconds), 2)
    result["scan_samples"] = [round(value, 2) for value in seconds]
    return result


def measure_checks(count: int) -> dict:
    """likely_duplicates() for `count` projects presented as a form's unsaved values."""
    from duikou.checks.duplicates import ScanOptions, likely_duplicates
    from duikou.checks.duplicates.normalise import Vocabulary
    from duikou.projects.models import Project

    rng = random.Random(1)
    ids = list(Project.objects.values_list("pk", flat=True))
    chosen = Project.objects.filter(pk__in=rng.sample(ids, min(count, len(ids))))
    samples = []
    options = ScanOptions(include_decided=True)
    for project in chosen:
        values = {
            "name": project.name,
            "division": project.division_id,
            "plan_year": project.plan_year,
            "supporter": project.supporter_id,
            "category": project.category_id,
            "is_fixed_asset": project.is_fixed_asset,
            "is_in_plan": project.is_in_plan,
            "description": project.description,
        }
        others = Project.objects.exclude(pk=project.pk)
        started = time.perf_counter()
        # What the form does: the vocabulary read, the neighbours read and scored.
        likely_duplicates(values, projects=others, options=options, vocabulary=Vocabulary.from_database())
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "checks": len(samples),
        "check_ms_median": round(statistics.median(samples), 1),
        "check_ms_p95": round(samples[int(len(samples) * 0.95) - 1], 1),
    }


def measure_exact(labels) -> dict:
    from duikou.core.text import match_key
    from duikou.projects.models import Project

    started = time.perf_counter()
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, name in Project.objects.values_list("pk", "name").iterator():
        groups[match_key(name)].append(pk)
    reported = {pair(a, b) for ids in groups.values() for i, a in enumerate(ids) for b in ids[i + 1 :]}
    return {**quality(reported, labels), "seconds": round(time.perf_counter() - started, 2)}


def measure_brute_force(labels, cutoff: float) -> dict:
    from rapidfuzz import fuzz, process

    from duikou.core.text import match_key
    from duikou.projects.models import Project

    started = time.perf_counter()
    rows = list(Project.objects.order_by("pk").values_list("pk", "name"))
    keys = [match_key(name) for _, name in rows]
    reported = set()
    for index, key in enumerate(keys):
        later = keys[index + 1 :]
        for _, _, position in process.extract(key, later, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None):
            reported.add(pair(rows[index][0], rows[index + 1 + position][0]))
    seconds = time.perf_counter() - started
    count = len(rows)
    return {
        **quality(reported, labels),
        "seconds": round(seconds, 2),
        "pairs_compared": count * (count - 1) // 2,
        "cutoff": cutoff,
    }


def measure(database_url: str, runs: int, checks: int, cutoff: float) -> dict:
    setup_django(database_url)
    from duikou.projects.models import Project

    labels = labelled_pairs()
    projects = Project.objects.count()
    log(f"duplicates: {projects:,} projects, {len(labels)} labelled pairs")
    ours = measure_ours(runs, labels)
    log(f"  ours: scan {ours['scan_seconds']} s, precision {ours['precision']}, recall {ours['recall']}")
    single = measure_checks(checks)
    log(f"  one project: median {single['check_ms_median']} ms, p95 {single['check_ms_p95']} ms")
    exact = measure_exact(labels)
    log(f"  exact titles: precision {exact['precision']}, recall {exact['recall']}")
    brute = measure_brute_force(labels, cutoff)
    log(f"  brute force (rapidfuzz, all pairs): {brute['seconds']} s, recall {brute['recall']}")
    return {
        "projects": projects,
        "ours": {**ours, **single},
        "exact_title": exact,
        "brute_force": brute,
        "speedup_over_brute_force": round(brute["seconds"] / ours["scan_seconds"], 1),
        "goals": GOALS,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database holding a data set")
    parser.add_argument("--runs", type=int, default=3, help="full scans timed (median)")
    parser.add_argument("--checks", type=int, default=200, help="single-project checks timed")
    parser.add_argument("--fuzzy-cutoff", type=float, default=90.0, help="rapidfuzz ratio cut-off (0–100)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    args = parser.parse_args(argv)
    results = measure(args.database_url, max(1, args.runs), args.checks, args.fuzzy_cutoff)
    print(json.dumps(results, ensure_ascii=False, sort_keys=True, indent=None if args.json else 2))


if __name__ == "__main__":
    main()


# -- docs/performance.md ----------------------------------------------------------------------------------
DUPLICATES_DOC_START = "<!-- bench:duplicates:start -->"
DUPLICATES_DOC_END = "<!-- bench:duplicates:end -->"
DUPLICATES_SECTION = """{start}
## Duplicate detection / 疑似重复项目

Measured by `{command}` on {date} at commit {commit}; `bench/duplicates.py` on the database the load above
wrote ({projects:,} projects). The labelled set is the generator's planted pairs: {positives} near-duplicates
(positives), {phase_pairs} phases and the near-misses (negatives). Precision = near-duplicates reported ÷
labelled pairs reported as duplicates; recall = near-duplicates reported ÷ {positives}. Phases reported with
the reason 分期 are not duplicates: ours reports {phases_reported_as_phase} of {phase_pairs} so. Reported
pairs without a label are counted apart (the generator does not say what they are).

| method | pairs compared | seconds | precision | recall | reported | of them unlabelled |
|---|---|---:|---:|---:|---:|---:|
| **ours**: `scan()` at the default threshold (blocking by division and year, bigram index) | candidates only | **{ours[scan_seconds]}** | **{ours[precision]}** | **{ours[recall]}** | {ours[reported]:,} | {ours[unlabelled_reported]:,} |
| exact title match (AMP) | all, by equal `match_key` | {exact[seconds]} | {exact[precision]} | {exact[recall]} | {exact[reported]:,} | {exact[unlabelled_reported]:,} |
| brute force: rapidfuzz `fuzz.ratio` ≥ {brute[cutoff]:g} | all {brute[pairs_compared]:,} pairs | {brute[seconds]} | {brute[precision]} | {brute[recall]} | {brute[reported]:,} | {brute[unlabelled_reported]:,} |

Goals (issue 6): precision ≥ 0.90: {precision_verdict}; recall ≥ 0.95: {recall_verdict}; a full scan in
≤ 10 s: {scan_verdict}; checking one new project (`likely_duplicates`, {ours[checks]} projects) in ≤ 100 ms:
median {ours[check_ms_median]} ms, p95 {ours[check_ms_p95]} ms: {check_verdict}; ≥ 20× faster than the brute
force: **{speedup}×**: {speedup_verdict}.
{end}"""  # noqa: E501 (Markdown table rows)


def render_duplicates_section(results: dict) -> str:
    """The duplicate benchmark's section of docs/performance.md, markers included."""
    duplicates = results["benchmarks"]["duplicates"]
    ours = duplicates["ours"]

    def verdict(met: bool) -> str:
        return "**met**" if met else "**missed**"

    return DUPLICATES_SECTION.format(
        start=DUPLICATES_DOC_START,
        end=DUPLICATES_DOC_END,
        command=results["command"],
        date=results["date"],
        commit=f"`{results['git']['commit']}`",
        projects=duplicates["projects"],
        positives=ours["positives"],
        phase_pairs=ours["phase_pairs"],
        phases_reported_as_phase=ours["phases_reported_as_phase"],
        ours=ours,
        exact=duplicates["exact_title"],
        brute=duplicates["brute_force"],
        speedup=duplicates["speedup_over_brute_force"],
        precision_verdict=verdict((ours["precision"] or 0) >= GOALS["precision"]),
        recall_verdict=verdict((ours["recall"] or 0) >= GOALS["recall"]),
        scan_verdict=verdict(ours["scan_seconds"] <= GOALS["scan_seconds"]),
        check_verdict=verdict(ours["check_ms_p95"] <= GOALS["check_ms"]),
        speedup_verdict=verdict(duplicates["speedup_over_brute_force"] >= GOALS["speedup"]),
    )
