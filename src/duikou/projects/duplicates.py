"""Likely duplicates before a project is saved: the extension point the form, the API and the import ask.

Issue 6, item 3: "creating a project (form, import or API) shows the likely duplicates before it is
saved". The detector lives in `checks`, which comes after `projects` in the dependency order (DESIGN.md), so
projects never imports it. It asks the finder named by the setting `DUIKOU_PROJECT_DUPLICATE_FINDER` (a
dotted path read with `import_string`; default `duikou.checks.duplicates.finder.ProjectDuplicateFinder`).
A setting rather than a registry that `checks` fills in its `AppConfig.ready()`: the one line in
settings.py says which code runs, a test swaps it with `override_settings`, and a deployment can switch the
check off (an empty value) without touching an app.

A finder is a class built with `(projects=<queryset of saved projects to compare with>, bulk=<bool>)`;
`find(values, limit=…)` returns `LikelyDuplicate`s, best first. `values` is a dict of a project's field
values (`name`, `division`, `plan_year`, `supporter`, `category`, `is_fixed_asset`, `is_in_plan`,
`description`; objects or ids; `pk` of a stored project being edited) or an unsaved/edited `Project`.
With `bulk=True` (an import) the finder may prepare once and answer each row cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

SETTING = "DUIKOU_PROJECT_DUPLICATE_FINDER"
DEFAULT_FINDER = "duikou.checks.duplicates.finder.ProjectDuplicateFinder"
# Fields whose change makes an edit worth checking again (what the detector compares by).
CHECKED_FIELDS = ("name", "division", "plan_year")


@dataclass(frozen=True)
class LikelyDuplicate:
    """A saved project that looks like the one about to be saved, with why.

    Attributes:
        pk, code, name, supporter, plan_year: the saved project (supporter as its name).
        score: 0 … 1, rounded to two places.
        kind: "duplicate" (the detector's `Kind`), as the review queue calls it.
        reasons: the reasons as sentences, in the interface's language.
        conflicts: which of `reasons` argue against a duplicate (shown apart).
    """

    pk: int
    code: str
    name: str
    supporter: str
    plan_year: int
    score: float
    kind: str = "duplicate"
    reasons: tuple[str, ...] = ()
    conflicts: tuple[bool, ...] = field(default=(), compare=False)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:project", args=[self.pk])

    def describe(self) -> str:
        """One line for people: code, name, supporter, year, score and reasons."""
        from django.utils.translation import gettext as _

        return _("{code} {name}（{supporter}，{year}年，相似度 {score}）：{reasons}").format(
            code=self.code,
            name=self.name,
            supporter=self.supporter,
            year=self.plan_year,
            score=self.score,
            reasons="；".join(self.reasons),
        )

    def as_dict(self) -> dict:
        return {
            "id": self.pk,
            "code": self.code,
            "name": self.name,
            "supporter": self.supporter,
            "plan_year": self.plan_year,
            "score": self.score,
            "kind": self.kind,
            "reasons": list(self.reasons),
        }


class NoDuplicateFinder:
    """The finder when the setting is empty: nothing is ever a likely duplicate."""

    def __init__(self, *, projects=None, bulk: bool = False):
        pass

    def find(self, values, *, limit: int = 10) -> list[LikelyDuplicate]:
        return []


def duplicate_finder(*, projects=None, bulk: bool = False):
    """The configured finder, ready to compare with `projects` (default: every saved project).

    Args:
        projects: the saved projects a user may see; others are neither compared nor named.
        bulk: many rows will be checked (an import): prepare once, answer each row cheaply.
    """
    path = getattr(settings, SETTING, DEFAULT_FINDER)
    finder_class = import_string(path) if path else NoDuplicateFinder
    return finder_class(projects=projects, bulk=bulk)


def needs_duplicate_check(changed_fields) -> bool:
    """Whether an edit changed what the detector compares (name, division, plan year)."""
    return any(name in changed_fields for name in CHECKED_FIELDS)
