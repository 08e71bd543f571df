"""Which figures a user's dashboards show: the figures of their own scope (core/scoping.py), and
comparisons across supporters only where the programme allows them (`Programme.allows_supporter_comparison`).

The dashboards read rollups by supporter and division (docs/decisions/0003), so a restriction is a
narrower `Scope`, never a filter on rows:

- everything (administrators, the coordination office, auditors): the page as asked;
- a supporter HQ: a page about no supporter (the overview, a division) shows its own supporter's figures;
  a page about another supporter or its pairing is a 404 — unless the programme allows comparisons, when
  the programme-wide and other supporters' figures (aggregates, never their rows) are shown as asked;
- a recipient: a page about no division (the overview, a supporter) shows its own division's figures; a
  page about a division above its own shows its own; a division outside it is a 404;
- a user of no organization: 403 (they reach no figures at all).
"""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.http import Http404

from duikou.core.scoping import access_scope

from .queries import Scope


def restrict_scope(scope: Scope, user) -> Scope:
    """`scope` narrowed to what `user` may see.

    Raises:
        Http404: the page is about a supporter or division outside the user's scope.
        PermissionDenied: the user reaches no figures.
    """
    access = access_scope(user)
    if access.everything:
        return scope
    if access.is_supporter:
        if scope.programme is not None and scope.programme.allows_supporter_comparison:
            return scope
        if scope.supporter is None:
            return replace(scope, supporter=access.supporter)
        if scope.supporter.pk in access.supporter_ids:
            return scope
        raise Http404
    if access.is_recipient:
        if scope.division is None or access.division.pk in _ids_under(scope.division):
            return replace(scope, division=access.division)
        if scope.division.pk in access.division_ids:
            return scope
        raise Http404
    raise PermissionDenied


def _ids_under(division) -> set[int]:
    from duikou.geo.models import Division

    return set(Division.objects.descendants_of(division).values_list("pk", flat=True))
