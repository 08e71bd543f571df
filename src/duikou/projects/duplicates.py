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
With `bulk=True` (an import) the finder may prepare once and answer each row cheaply, and it compares each
row with the rows of the same file asked about before it too: an import passes `find(values, limit=…,
row=<the row's number in the file>)`, and such a hit is a `LikelyDuplicate` with `row` set and no `pk`.
An import shows each as `warning()`.
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
    """A saved project — or another row of the file being imported — that looks like the one about to be
    saved, with why.

    Attributes:
        pk, code, name, supporter, plan_year: the saved project (supporter as its name); `pk` is None and
            `code` may be empty for a row of the same file.
        score: 0 … 1, rounded to two places.
        kind: "duplicate" (the detector's `Kind`), as the review queue calls it.
        reasons: the reasons as sentences, in the interface's language.
        conflicts: which of `reasons` argue against a duplicate (shown apart).
        row: the number of the row of the same file (an import), when the likely duplicate is one; 0 when
            the caller did not say which row it was.
    """

    pk: int | None
    code: str
    name: str
    supporter: str
    plan_year: int
    score: float
    kind: str = "duplicate"
    reasons: tuple[str, ...] = ()
    conflicts: tuple[bool, ...] = field(default=(), compare=False)
    row: int | None = None

    @property
    def is_in_file(self) -> bool:
        """Whether this is another row of the file being imported (not saved yet)."""
        return self.row is not None

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:project", args=[self.pk]) if self.pk is not None else ""

    def describe(self) -> str:
        """One line for people: code (or the file's row), name, supporter, year, score and reasons."""
        from django.utils.translation import gettext as _

        if self.is_in_file:
            return _("{where} {name}（{supporter}，{year}年，相似度 {score}）：{reasons}").format(
                where=self._row_text(),
                name=self.name,
                supporter=self.supporter,
                year=self.plan_year,
                score=self.score,
                reasons="；".join(self.reasons),
            )
        return _("{code} {name}（{supporter}，{year}年，相似度 {score}）：{reasons}").format(
            code=self.code,
            name=self.name,
            supporter=self.supporter,
            year=self.plan_year,
            score=self.score,
            reasons="；".join(self.reasons),
        )

    def warning(self) -> str:
        """The import's warning on the row: a saved project, or another row of the same file."""
        from django.utils.translation import gettext as _

        if self.is_in_file:
            return _("与{where}（{name}）疑似重复：{supporter}，{year}年，相似度 {score}；{reasons}").format(
                where=self._row_text(),
                name=self.name,
                supporter=self.supporter,
                year=self.plan_year,
                score=self.score,
                reasons="；".join(self.reasons),
            )
        return _("疑似与已有项目重复：{duplicate}").format(duplicate=self.describe())

    def _row_text(self) -> str:
        from django.utils.translation import gettext as _

        return _("本文件第 {row} 行").format(row=self.row) if self.row else _("本文件中前面的一行")

    def as_dict(self) -> dict:
        values = {
            "id": self.pk,
            "code": self.code,
            "name": self.name,
            "supporter": self.supporter,
            "plan_year": self.plan_year,
            "score": self.score,
            "kind": self.kind,
            "reasons": list(self.reasons),
        }
        if self.is_in_file:  # only an import's finder answers with rows; the API's schema has no such key
            values["row"] = self.row
        return values


class NoDuplicateFinder:
    """The finder when the setting is empty: nothing is ever a likely duplicate."""

    def __init__(self, *, projects=None, bulk: bool = False):
        pass

    def find(self, values, *, limit: int = 10, row: int | None = None) -> list[LikelyDuplicate]:
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
