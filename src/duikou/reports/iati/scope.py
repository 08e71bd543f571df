"""What one export covers, resolved from what a person typed; the errors it can refuse with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from duikou.core.scoping import restrict
from duikou.funds.models import LedgerEntry
from duikou.parties.models import Organization, OrganizationResolver
from duikou.programmes.models import Programme
from duikou.projects.models import Project


class ScopeError(ValueError):
    """The export was asked for something that does not exist (a programme, a supporter, a year span).

    `str()` is the message in the active language; `bilingual()` gives Chinese and English, for the
    command line.
    """

    def __init__(self, message: str, **params):
        self.message, self.params = message, params
        super().__init__(self.text())

    def text(self) -> str:
        return _(self.message).format(**self.params)

    def bilingual(self) -> str:
        with translation.override("zh-hans"):
            chinese = self.text()
        with translation.override("en"):
            english = self.text()
        return chinese if chinese == english else f"{chinese} / {english}"


class EmptyScope(ScopeError):
    """Nothing to export: an IATI file must hold at least one activity."""


@dataclass(frozen=True)
class IatiScope:
    """What one export covers: a programme's projects, optionally one supporter (with its cities) and
    plan years."""

    programme: Programme
    supporter: Organization | None = None
    first_year: int | None = None
    last_year: int | None = None
    user: object | None = (
        None  # on the web: only the projects and entries this user may see (core/scoping.py)
    )

    @cached_property  # works on a frozen dataclass: it writes the instance __dict__ directly
    def supporter_ids(self) -> list[int] | None:
        """The supporter and its supporting cities (浙江省 includes 衢州市, 杭州市)."""
        return None if self.supporter is None else [o.pk for o in self.supporter.supporter_family()]

    def projects(self):
        projects = Project.objects.filter(programme=self.programme)
        if self.user is not None:
            projects = restrict(projects, self.user, "view")
        if self.supporter_ids is not None:
            projects = projects.filter(supporter__in=self.supporter_ids)
        if self.first_year is not None:
            projects = projects.filter(plan_year__gte=self.first_year)
        if self.last_year is not None:
            projects = projects.filter(plan_year__lte=self.last_year)
        return projects

    def unassigned_entries(self):
        """Ledger entries of the scope not yet assigned to a project: no activity can carry them."""
        entries = LedgerEntry.objects.filter(programme=self.programme, project__isnull=True)
        if self.user is not None:
            entries = restrict(entries, self.user, "view")
        if self.supporter_ids is not None:
            entries = entries.filter(supporter__in=self.supporter_ids)
        if self.first_year is not None:
            entries = entries.filter(fiscal_year__gte=self.first_year)
        if self.last_year is not None:
            entries = entries.filter(fiscal_year__lte=self.last_year)
        return entries

    @property
    def file_stem(self) -> str:
        parts = ["iati-activities", self.programme.code]
        if self.supporter is not None:
            parts.append(f"supporter{self.supporter.pk}")
        if self.first_year is not None or self.last_year is not None:
            years = {self.first_year, self.last_year}
            parts.append(str(self.first_year) if len(years) == 1 else f"{self.first_year}-{self.last_year}")
        return "-".join(str(part) for part in parts)


def resolve_scope(
    *,
    programme: str = "xinjiang",
    supporter: str | None = None,
    year: int | None = None,
    from_year: int | None = None,
    to_year: int | None = None,
) -> IatiScope:
    """The scope from what a person typed (a programme code, a supporter's name or id, years).

    Raises:
        ScopeError: unknown programme or supporter, or years that make no span.
    """
    found = Programme.objects.filter(code=programme).first()
    if found is None:
        raise ScopeError(
            gettext_noop("找不到援助计划 {code}（先运行 duikou load-reference）。"), code=programme
        )
    if year is not None and (from_year is not None or to_year is not None):
        raise ScopeError(gettext_noop("年度与起止年度不能同时使用。"))
    first, last = (year, year) if year is not None else (from_year, to_year)
    for value in (first, last):
        if value is not None and not 1990 <= value <= 2100:
            raise ScopeError(gettext_noop("年度须在 1990 到 2100 之间：{year}。"), year=value)
    if first is not None and last is not None and first > last:
        raise ScopeError(gettext_noop("起始年度 {first} 晚于截止年度 {last}。"), first=first, last=last)
    organization = None
    if supporter:
        text = str(supporter).strip()
        if text.isdigit():
            organization = Organization.objects.supporters().filter(pk=int(text)).first()
        else:
            organization, _message = OrganizationResolver().supporter_of(text)
        if organization is None:
            raise ScopeError(gettext_noop("找不到援疆省市“{value}”。"), value=text)
    return IatiScope(programme=found, supporter=organization, first_year=first, last_year=last)
