"""What every import resolves the same way: the programme, the supporter, the division.

A mixin for importers (projects, ledger, roster, outcomes): resolvers are built once per file, and each
`resolve_*` appends a (column, reason) problem instead of raising, so a row reports all its unknown names
at once (core.imports.RowErrors).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from duikou.core.text import match_key
from duikou.geo.models import DivisionResolver
from duikou.parties.models import OrganizationResolver

from .models import Programme

DEFAULT_PROGRAMME = "xinjiang"


class ReferenceResolving:
    """Mixed into a `core.imports.Importer`; call `prepare_references()` from `prepare()`."""

    def prepare_references(self) -> None:
        self.divisions = DivisionResolver()
        self.organizations = OrganizationResolver()
        self.programmes = {}
        for programme in Programme.objects.all():
            for text in (programme.code, programme.name):
                self.programmes[match_key(text)] = programme
        self.default_programme = (
            self.programmes.get(DEFAULT_PROGRAMME) or Programme.objects.order_by("pk").first()
        )
        self._resolved: dict[tuple[str, str], tuple] = {}  # the same names recur on every row

    def _remembered(self, kind: str, text: str, resolve) -> tuple:
        key = (kind, text)
        if key not in self._resolved:
            self._resolved[key] = resolve(text)
        return self._resolved[key]

    def resolve_programme(self, text, problems: list, column: str = "programme"):
        if not text:
            if self.default_programme is None:
                problems.append(
                    (column, _("系统中还没有援助计划：请先加载参考数据（duikou load-reference）。"))
                )
            return self.default_programme
        programme, _message = self._remembered(
            "programme", text, lambda text: (self.programmes.get(match_key(text)), "")
        )
        if programme is None:
            problems.append((column, _("找不到援助计划“{value}”").format(value=text)))
        return programme

    def resolve_supporter(self, text, problems: list, column: str = "supporter"):
        if not text:
            return None
        supporter, message = self._remembered("supporter", text, self.organizations.supporter_of)
        if supporter is None:
            problems.append((column, message))
        return supporter

    def resolve_division(self, text, problems: list, column: str = "division"):
        if not text:
            return None
        division, message = self._remembered("division", text, self.divisions.resolve)
        if division is None:
            problems.append((column, message))
        return division

    def template_choices(self, spec) -> list[str]:
        """The template's drop-down lists of supporters and divisions, for every importer resolving them."""
        if spec.kind == "organization":
            return self.supporter_names()
        if spec.kind == "division":
            return self.division_names()
        return super().template_choices(spec)

    def supporter_names(self) -> list[str]:
        from duikou.parties.models import Organization

        return list(Organization.objects.supporters().order_by("name").values_list("name", flat=True))

    def division_names(self) -> list[str]:
        from duikou.geo.choices import DivisionLevel
        from duikou.geo.models import Division

        # Every level a project or pairing is placed at (团场 too: some are paired); townships are too many
        # for a list and are typed.
        levels = [
            DivisionLevel.PREFECTURE,
            DivisionLevel.COUNTY,
            DivisionLevel.XPCC_DIVISION,
            DivisionLevel.REGIMENT,
        ]
        return [d.full_name for d in Division.objects.filter(level__in=levels).select_related("parent")]
