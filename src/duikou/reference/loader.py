"""Load the reference data: divisions, organizations, the 援疆 programme, pairings, indicators.

Idempotent: each row is upserted by its natural key and saved only when a
value differs, so a second run changes nothing and logs nothing. The files in
`data/` are built from the team's sourced tables by `tools/build_reference.py`
and keep each row's notes and sources.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from duikou.checks.defaults import load_default_rules
from duikou.core.context import change_context
from duikou.core.models import ImportBatch
from duikou.geo.models import Division, FormerCode, short_name_of
from duikou.outcomes.models import Indicator
from duikou.pairings.models import Pairing
from duikou.parties.models import Organization
from duikou.programmes.models import Batch, Category, PolicyTarget, Programme

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_json(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def parse_date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def upsert(model, lookup: dict, values: dict, counts: Counter):
    """Create or update one row by its natural key; save only what differs. Returns the row."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        counts[f"{model._meta.model_name}.created"] += 1
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.full_clean()
        instance.save()
        counts[f"{model._meta.model_name}.updated"] += 1
    return instance


def load_divisions(counts: Counter) -> dict[str, Division]:
    by_code: dict[str, Division] = {}
    for row in read_csv("divisions.csv"):  # parents come before children in the file
        by_code[row["code"]] = upsert(
            Division,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row["short_name"] or short_name_of(row["name"]),
                "level": row["level"],
                "parent": by_code.get(row["parent_code"]) if row["parent_code"] else None,
                "zone": row["zone"],
                "is_xpcc": row["is_xpcc"] == "1",
                "is_code_official": row["is_code_official"] == "1",
                "is_confirmed": row["is_confirmed"] == "1",
                "valid_from": parse_date(row["valid_from"]),
                "comments": row["notes"],
            },
            counts,
        )
    for row in read_csv("former_codes.csv"):
        division = by_code[row["division_code"]]
        upsert(
            FormerCode,
            {"division": division, "name": row["name"]},
            {"code": row["code"], "valid_to": parse_date(row["valid_to"])},
            counts,
        )
    return by_code


def load_organizations(divisions: dict[str, Division], counts: Counter) -> dict[str, Organization]:
    by_name: dict[str, Organization] = {}
    for row in read_csv("organizations.csv"):  # parents come before children in the file
        by_name[row["name"]] = upsert(
            Organization,
            {"name": row["name"]},
            {
                "short_name": row["short_name"],
                "kind": row["kind"],
                "parent": by_name[row["parent"]] if row["parent"] else None,
                "home_division": divisions[row["home_division_code"]] if row["home_division_code"] else None,
                "aliases": [alias for alias in row["aliases"].split("|") if alias],
                "comments": row["notes"],
            },
            counts,
        )
    return by_name


def load_programmes(divisions: dict[str, Division], counts: Counter) -> dict[str, Programme]:
    config = read_json("programmes.json")
    programmes = {}
    for spec in config["programmes"]:
        programme = upsert(
            Programme,
            {"code": spec["code"]},
            {
                "name": spec["name"],
                "short_name": spec["short_name"],
                "started": parse_date(spec["started"]),
                "region": divisions[spec["region_code"]],
                "description": spec["description"],
            },
            counts,
        )
        programmes[spec["code"]] = programme
        for category in spec["categories"]:
            upsert(
                Category,
                {"programme": programme, "code": category["code"]},
                {key: category[key] for key in ("name", "short_name", "counts_as_livelihood", "order")},
                counts,
            )
        for target in spec["targets"]:
            upsert(
                PolicyTarget,
                {"programme": programme, "metric": target["metric"], "from_year": target["from_year"]},
                {
                    "comparator": target["comparator"],
                    "threshold": Decimal(target["threshold"]),
                    "to_year": target.get("to_year"),
                    "source": target["source"],
                },
                counts,
            )
        for batch in spec["batches"]:
            upsert(
                Batch,
                {"programme": programme, "number": batch["number"]},
                {
                    "name": batch["name"],
                    "starts": parse_date(batch["starts"]),
                    "ends": parse_date(batch["ends"]),
                    "comments": spec.get("batch_note", ""),
                },
                counts,
            )
    indicators: dict[str, Indicator] = {}
    for spec in config["indicators"]:
        indicators[spec["code"]] = upsert(
            Indicator,
            {"code": spec["code"]},
            {
                "name": spec["name"],
                "unit": spec["unit"],
                "aggregation": spec["aggregation"],
                "parent": indicators[spec["parent"]] if spec.get("parent") else None,
            },
            counts,
        )
    return programmes


def load_pairings(programme, divisions, organizations, counts: Counter) -> None:
    for row in read_csv("pairings.csv"):
        upsert(
            Pairing,
            {
                "programme": programme,
                "supporter": organizations[row["supporter"]],
                "division": divisions[row["division_code"]],
                "since": parse_date(row["since"]),
            },
            {"is_confirmed": row["is_confirmed"] == "1", "comments": row["notes"], "source": row["source"]},
            counts,
        )


def load_reference(*, user=None) -> dict[str, int]:
    """Load or refresh all reference data in one transaction; returns created/updated counts."""
    counts: Counter = Counter()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.REFERENCE, label="load-reference", created_by=user
        )
        with change_context(user=user, source="system", import_batch=batch, note="load-reference"):
            divisions = load_divisions(counts)
            organizations = load_organizations(divisions, counts)
            programmes = load_programmes(divisions, counts)
            load_pairings(programmes["xinjiang"], divisions, organizations, counts)
            load_default_rules(programmes, counts)  # created once, never overwritten (checks/defaults.py)
        if counts:
            batch.counts = dict(counts)
            batch.finished = timezone.now()
            batch.save()
        else:
            batch.delete()  # nothing changed: leave no trace of a no-op run
    return dict(counts)
