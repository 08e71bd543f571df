"""What every rule kind shares: its declaration, the context of a run, the `Hit` it yields, and links."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.parties.choices import SUPPORTER_KINDS
from duikou.parties.models import Organization
from duikou.programmes.models import Programme

from .choices import RuleScope, Unit

RATE_PLACES = Decimal("0.0001")
KINDS: dict[str, type[RuleKind]] = {}


def register(kind: type[RuleKind]) -> type[RuleKind]:
    """Class decorator: make a rule kind known to `CheckRule.kind` and the runs."""
    if kind.code in KINDS:
        raise ValueError(f"rule kind {kind.code!r} registered twice")
    KINDS[kind.code] = kind
    return kind


def ratio(part, whole) -> Decimal | None:
    """part ÷ whole to four places, as the dashboards compute their rates; None without a whole."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES)


def fails(value: Decimal | None, comparator: str, threshold: Decimal) -> bool:
    """Whether `value` misses the target "value <comparator> threshold" (gte, lte, eq, gt, lt)."""
    if value is None:
        return False
    met = {
        "gte": value >= threshold,
        "lte": value <= threshold,
        "eq": value == threshold,
        "gt": value > threshold,
        "lt": value < threshold,
    }[comparator]
    return not met


@dataclass(frozen=True)
class Parameter:
    """One parameter of a rule kind: its type (int, decimal, str, date "MM-DD", list), default and label."""

    type: str
    default: object
    label: str
    required: bool = False


@dataclass
class Hit:
    """One subject and period for which a rule does not hold, as a run found it."""

    key: str
    subject_label: str
    message: str
    value: Decimal | None = None
    threshold: Decimal | None = None
    comparator: str = ""
    unit: str = Unit.RATIO
    year: int | None = None
    period: str = ""
    subject_model: str | None = None  # "projects.project", "parties.organization" …
    subject_id: int | None = None
    supporter_id: int | None = None
    division_id: int | None = None
    project_id: int | None = None
    other_project_id: int | None = None
    rows_url: str = ""
    details: dict = field(default_factory=dict)


@dataclass
class CheckContext:
    """What a run measures against: the programme, the as-of date and, optionally, one year."""

    programme: Programme
    as_of: datetime.date
    year: int | None = None

    @cached_property
    def top_supporter_of(self) -> dict[int, Organization]:
        """Each supporter's top-level 援疆省市 (衢州市 → 浙江省): supporter-year rules fold cities into it."""
        organizations = {
            o.pk: o
            for o in Organization.objects.filter(kind__in=SUPPORTER_KINDS).only(
                "name", "short_name", "parent_id"
            )
        }
        top = {}
        for pk, organization in organizations.items():
            node = organization
            while node.parent_id in organizations:
                node = organizations[node.parent_id]
            top[pk] = node
        return top

    def year_bounds(self, rule) -> tuple[int | None, int | None]:
        """The years a rule looks at: its own span, narrowed to the run's year."""
        first, last = rule.from_year, rule.to_year
        if self.year is not None:
            if (first is not None and self.year < first) or (last is not None and self.year > last):
                return (1, 0)  # empty
            first = last = self.year
        return first, last

    def years_q(self, rule, field_name: str):
        from django.db.models import Q

        first, last = self.year_bounds(rule)
        q = Q()
        if first is not None:
            q &= Q(**{f"{field_name}__gte": first})
        if last is not None:
            q &= Q(**{f"{field_name}__lte": last})
        return q

    def list_url(self, url_name: str, **filters) -> str:
        """A registry list narrowed to this programme and `filters` (the list's FilterSet names)."""
        params = {"programme": self.programme.pk, **{k: v for k, v in filters.items() if v is not None}}
        return reverse(url_name) + "?" + urlencode(params, doseq=True)


class RuleKind:
    """One check, implemented once. Subclasses set `code`, `label`, `scopes`, `parameters`, `unit`, and
    implement `evaluate(rule, context)`, yielding a `Hit` for each subject and period that fails."""

    code = ""
    label = ""
    description = ""
    scopes: tuple[str, ...] = (RuleScope.PROJECT,)
    unit = Unit.RATIO
    parameters: dict[str, Parameter] = {}

    def __init__(self, rule):
        self.rule = rule
        self.params = self.resolve(rule.parameters or {})

    @classmethod
    def resolve(cls, given: dict) -> dict:
        """The parameters with their defaults, converted to their types (decimals as Decimal)."""
        values = {}
        for name, parameter in cls.parameters.items():
            raw = given.get(name, parameter.default)
            values[name] = None if raw is None else _convert(parameter.type, raw)
        return values

    @classmethod
    def parameter_errors(cls, given: dict) -> list[str]:
        """Messages for unknown, missing or malformed parameters (shown on the rule's form)."""
        if not isinstance(given, dict):
            return [str(_("参数须为 JSON 对象。"))]
        errors = []
        for name in sorted(set(given) - set(cls.parameters)):
            errors.append(
                str(_("未知参数 {name}；可用参数：{known}。")).format(
                    name=name, known="、".join(cls.parameters) or "—"
                )
            )
        for name, parameter in cls.parameters.items():
            if name not in given or given[name] is None:
                if parameter.required:
                    errors.append(
                        str(_("缺少参数 {name}（{label}）。")).format(name=name, label=parameter.label)
                    )
                continue
            try:
                _convert(parameter.type, given[name])
            except (TypeError, ValueError, InvalidOperation):
                errors.append(
                    str(_("参数 {name} 的值 {value!r} 不是{type}。")).format(
                        name=name, value=given[name], type=TYPE_LABELS[parameter.type]
                    )
                )
        return errors

    def evaluate(self, context: CheckContext) -> Iterable[Hit]:
        raise NotImplementedError


TYPE_LABELS = {
    "int": _("整数"),
    "decimal": _("数值"),
    "str": _("文字"),
    "bool": _("true 或 false"),
    "month_day": _("月-日（如 06-30）"),
    "list": _("列表"),
}


def _convert(kind: str, raw):
    if kind == "int":
        if isinstance(raw, bool):
            raise TypeError(raw)
        return int(raw)
    if kind == "decimal":
        if isinstance(raw, (bool, float)):
            raw = str(raw)
        return Decimal(str(raw))
    if kind == "bool":
        if not isinstance(raw, bool):
            raise TypeError(raw)
        return raw
    if kind == "str":
        if not isinstance(raw, str):
            raise TypeError(raw)
        return raw
    if kind == "month_day":
        month, day = (int(part) for part in str(raw).split("-"))
        datetime.date(2024, month, day)  # a real day (29 February allowed)
        return (month, day)
    if kind == "list":
        if not isinstance(raw, list):
            raise TypeError(raw)
        return [str(item) for item in raw]
    raise ValueError(kind)


def supporter_year_subject(context: CheckContext, supporter_id: int | None, year: int):
    """What a per-supporter-year finding is about (programme-wide when `supporter_id` is None): the top
    supporter, the name messages give it, and the `Hit` fields that name the subject.

    Returns:
        (supporter or None, who, fields for `Hit`)
    """
    supporter = context.top_supporter_of[supporter_id] if supporter_id else None
    who = supporter.name if supporter else context.programme.name
    fields = {
        "key": f"supporter:{supporter_id}:{year}" if supporter else f"programme:{year}",
        "subject_label": _("{who} {year}年").format(who=who, year=year),
        "subject_model": "parties.organization" if supporter else "programmes.programme",
        "subject_id": supporter.pk if supporter else context.programme.pk,
        "supporter_id": supporter.pk if supporter else None,
    }
    return supporter, who, fields


def benchmark_date(year: int, month_day: tuple[int, int]) -> datetime.date:
    month, day = month_day
    if (month, day) == (2, 29):
        day = 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return datetime.date(year, month, day)


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{(value * 100).quantize(Decimal('0.1'))}%"
