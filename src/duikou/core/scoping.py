"""Who may see and change which rows: one restricted-queryset mechanism for every page, import, export
and API endpoint (STYLE.md 13, after NetBox's `utilities/querysets.py::RestrictedQuerySet.restrict`).

Two questions decide every access:

1. **May the user do this kind of thing at all?** A Django model permission (`projects.change_project`),
   granted by the user's role (`duikou.accounts.roles`) or directly. Without it a page answers 403 — which
   says nothing about any particular object.
2. **Which rows?** The user's `AccessScope`, read from their membership of an organization: everything
   (platform administrators, the coordination office, auditors), one supporter's family (a supporter HQ:
   浙江省, its front HQ and the cities under it), or one recipient division and what lies under it. An
   object outside it does not exist for the user: 404, never 403 with its name.

Each model declares its rule once, as `access_rule` (an `AccessRule` naming the fields that lead to the
supporter and to the division, or `AccessRule.PUBLIC` for reference data every member may read). A model
that declares nothing shows no rows to a scoped user, and `core/tests/test_scoping.py` fails until it
declares one. Then `Model.objects.restrict(user, "view")` is the queryset of a page, a form, an export, an
importer's check and an API endpoint alike; `in_scope(obj, user)` re-checks a write after it was saved,
inside its transaction, so a write that would leave the user's scope rolls back.

Core does not import the accounts app (it sits above core): the scope comes from `user.membership`, a
reverse one-to-one accessor, through its `access_scope()` method.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ACTIONS = ("view", "add", "change", "delete")
_CACHE_ATTRIBUTE = "_duikou_access_scope"


@dataclass(frozen=True)
class AccessScope:
    """The rows a user may reach: everything, or those of some supporters, or those in some divisions.

    `supporter` and `division` are the organization and division the ids come from (the dashboards narrow
    their figures to them).
    """

    everything: bool = False
    supporter_ids: frozenset[int] | None = None
    division_ids: frozenset[int] | None = None
    supporter: object | None = None
    division: object | None = None

    @property
    def is_supporter(self) -> bool:
        return self.supporter_ids is not None

    @property
    def is_recipient(self) -> bool:
        return self.division_ids is not None


EVERYTHING = AccessScope(everything=True)
NOTHING = AccessScope()


@dataclass(frozen=True)
class AccessRule:
    """How a model's rows relate to a scope: the lookup path to their supporter and to their division.

    `AccessRule(supporter="supporter", division="division")` — a supporter HQ reaches the rows of its
    supporters, a recipient the rows in its divisions. A rule without `division` shows nothing to a
    recipient (and the reverse). `AccessRule.PUBLIC`: reference data (divisions, organizations, programmes,
    pairings) that every member reads; changing it still needs the permission.
    """

    supporter: str | None = None
    division: str | None = None
    is_public: bool = False
    shared: Q | None = None  # rows every scoped member also sees (a period closed for all supporters)

    def q(self, scope: AccessScope) -> Q | None:
        """The filter for `scope`; None when every row is in it."""
        if scope.everything or self.is_public:
            return None
        q = Q(pk__in=[])
        if scope.supporter_ids is not None and self.supporter:
            q |= Q(**{f"{self.supporter}__in": sorted(scope.supporter_ids)})
        if scope.division_ids is not None and self.division:
            q |= Q(**{f"{self.division}__in": sorted(scope.division_ids)})
        if self.shared is not None and (scope.supporter_ids is not None or scope.division_ids is not None):
            q |= self.shared
        return q

    def contains(self, obj, scope: AccessScope) -> bool | None:
        """Whether an unsaved or saved object is in `scope`, read from its attributes without a query when
        the paths are plain foreign keys; None when that cannot be told without the database."""
        if scope.everything or self.is_public:
            return True
        if self.shared is not None:
            return None
        for path, ids in ((self.supporter, scope.supporter_ids), (self.division, scope.division_ids)):
            if path and ids is not None:
                if "__" in path:
                    return None
                if getattr(obj, f"{path}_id", None) in ids:
                    return True
        return False


AccessRule.PUBLIC = AccessRule(is_public=True)


def access_scope(user) -> AccessScope:
    """The user's scope (read once per user object): everything for superusers, their membership's scope,
    or nothing — a signed-in user who belongs to no organization reaches no rows."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = EVERYTHING
    else:
        membership = getattr(user, "membership", None)  # RelatedObjectDoesNotExist is an AttributeError
        scope = membership.access_scope() if membership is not None else NOTHING
    setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def forget_access_scope(user) -> None:
    """Drop the scope read for `user` (after their membership changed)."""
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def rule_of(model) -> AccessRule | None:
    return getattr(model, "access_rule", None)


def permission_name(model, action: str) -> str:
    """`<app>.<action>_<model>`: the Django permission behind `action` on `model`."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def scope_q(model, user) -> Q | None:
    """The filter of `model`'s rows in `user`'s scope; None when all rows are."""
    scope = access_scope(user)
    if scope.everything:
        return None
    rule = rule_of(model)
    if rule is None:
        return Q(pk__in=[])  # a model with no declared rule is closed to scoped users
    return rule.q(scope)


def restrict(queryset, user, action: str = "view"):
    """`queryset` narrowed to the rows `user` may `action` ("view", "add", "change", "delete"): none
    without the model permission, else those in the user's scope."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {ACTIONS}")
    if user is None or not user.has_perm(permission_name(queryset.model, action)):
        return queryset.none()
    q = scope_q(queryset.model, user)
    return queryset if q is None else queryset.filter(q)


class RestrictedQuerySetMixin:
    """`Model.objects.restrict(user, action)` on every change-logged model's queryset."""

    def restrict(self, user, action: str = "view"):
        return restrict(self, user, action)


def in_scope(obj, user) -> bool:
    """Whether `obj` (saved) is in `user`'s scope — the re-check of a write, inside its transaction."""
    model = type(obj)
    q = scope_q(model, user)
    if q is None:
        return True
    rule = rule_of(model)
    known = rule.contains(obj, access_scope(user)) if rule is not None else False
    if known is not None:
        return known
    return model._base_manager.filter(q, pk=obj.pk).exists()


def check_writable(obj, user) -> None:
    """Refuse, before anything else is checked, a write that would put `obj` (unsaved, or changed and not yet
    saved) outside `user`'s scope, as far as its own attributes tell (`AccessRule.contains`).

    It comes first so that no later check names a row of another scope in its message: a closed period of
    another supporter's books, its issued annual plan, its project with the same code. The re-check after
    the save (`check_in_scope`) still decides what the attributes cannot tell. No user: a command.

    Raises:
        ValidationError: with code "out_of_scope".
    """
    if user is None:
        return
    scope = access_scope(user)
    if scope.everything:
        return
    path = scope_field(type(obj), user)
    if path is not None and getattr(obj, f"{path}_id", None) is None:
        return  # left blank: the model's own check says it is required
    rule = rule_of(type(obj))
    if rule is None or rule.contains(obj, scope) is False:
        raise out_of_scope_error(obj)


def scope_field(model, user) -> str | None:
    """The field of `model` that places its rows in `user`'s scope (the supporter for a supporter's member,
    the division for a recipient's), when it is a plain reference: where a refusal out of scope is shown."""
    scope, rule = access_scope(user), rule_of(model)
    if rule is None or scope.everything:
        return None
    path = rule.supporter if scope.is_supporter else rule.division if scope.is_recipient else None
    return path if path and "__" not in path else None


def is_scoped(model) -> bool:
    """Whether `model`'s rows are narrowed by a scope (a project, an entry), not reference data."""
    rule = rule_of(model)
    return rule is None or not rule.is_public


def referable(queryset, user):
    """The rows of `queryset` that a reference written by `user` may name: of a scoped model (a project, a
    plan, an entry), those the user may see, so that another supporter's object is answered like a missing
    one; reference data (supporters, divisions, programmes) whole."""
    return restrict(queryset, user, "view") if is_scoped(queryset.model) else queryset


def offered_choices(model, field_name: str, queryset, user):
    """The rows a form (or the API) offers for `model`'s reference `field_name` to `user`: `referable` ones,
    and, where the field is the one that places a `model` row in a scope, only those of the user's scope —
    a supporter's member picks among its own supporters, a recipient's among its divisions. A field of the
    rule that the user's scope does not reach through (a recipient's supporter) offers every row, unless no
    field of the rule reaches the scope: then nothing can be written and nothing is offered.

    Returns `queryset` itself when nothing is narrowed.
    """
    queryset = referable(queryset, user)
    scope = access_scope(user)
    rule = rule_of(model) if model is not None else None
    if scope.everything or rule is None or rule.is_public:
        return queryset
    if field_name not in (rule.supporter, rule.division):
        return queryset
    ids = {rule.supporter: scope.supporter_ids, rule.division: scope.division_ids}
    if ids[field_name] is not None:
        return queryset.filter(pk__in=sorted(ids[field_name]))
    if any(path and ids[path] is not None for path in ids):
        return queryset
    return queryset.none()


def out_of_scope_error(obj=None) -> ValidationError:
    return ValidationError(
        _("超出您的数据范围：您所在单位不能录入或修改其他单位的数据。"), code="out_of_scope"
    )


def check_in_scope(obj, user) -> None:
    """Raise a ValidationError when a write by `user` put `obj` outside their scope (no user: a command).

    Called after `save()` inside the write's transaction, so the refusal rolls the write back.

    Raises:
        ValidationError: with code "out_of_scope".
    """
    if user is not None and not in_scope(obj, user):
        raise out_of_scope_error(obj)


class ScopedImporterMixin:
    """An importer that refuses, with a row error, every row outside the importing user's scope — a new row
    for another supporter, or a stored one (by its natural key) that belongs to another supporter.

    Put it first in the bases: its `check_row` (the engine's hook after `build`) checks each row's instance,
    and the stored row it updates, before the importer's own checks. Without a user (the `duikou import`
    command) nothing is restricted.
    """

    def run(self, *args, user=None, **kwargs):
        self.access_scope = access_scope(user) if user is not None else EVERYTHING
        self.access_rule = rule_of(self.model)
        return super().run(*args, user=user, **kwargs)

    def check_row(self, row, instance) -> None:
        self.check_row_scope(row, instance)
        super().check_row(row, instance)

    def check_row_scope(self, row, instance) -> None:
        """Raise `RowErrors` when the row's object, or the stored one it changes, is outside the scope."""
        from duikou.core.imports import RowErrors

        scope = getattr(self, "access_scope", EVERYTHING)
        if scope.everything or instance is None:
            return
        rule = self.access_rule
        path = (rule.supporter if scope.is_supporter else rule.division) if rule is not None else None
        existing = getattr(row, "existing", None)
        for candidate in (instance, existing):
            if candidate is None or self._is_unresolved(candidate, path):
                continue
            if rule is not None and rule.contains(candidate, scope):
                continue
            if candidate is existing and getattr(self, "natural_key", None):
                # The row is the user's own, but its key names another unit's record: the key is the
                # mistake (a code copied from someone else's sheet), not the row's supporter.
                message = _("超出您的数据范围：这个编号已是其他单位的记录，不能修改；新记录请换一个编号。")
                raise RowErrors([(self.natural_key, message)])
            column = self.field_columns().get(path or "", path or "")
            raise RowErrors([(column, str(out_of_scope_error().messages[0]))])

    def _is_unresolved(self, instance, path: str | None) -> bool:
        """A required reference left blank: the row already has its "必填项为空" error."""
        if not path or "__" in path or getattr(instance, f"{path}_id", None) is not None:
            return False
        return not self.model._meta.get_field(path).null
