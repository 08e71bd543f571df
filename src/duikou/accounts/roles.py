"""The roles, declared once: which permissions each grants and which rows it reaches.

Roles are not Django groups. A group's permissions live in the database, where an administrator can
widen them by accident and no review sees it; here they are code, reviewed with it and pinned by the
permission matrix (`accounts/tests/test_permission_matrix.py`). `RoleBackend` grants a member the
permissions of their role; the rows come from `ROLE_SCOPES` and the member's organization
(`Membership.access_scope`). Groups and direct permissions still work for an exceptional grant, but never
widen the rows: the scope is the membership's alone.

A permission is written `<app>.<codename>`; `*` matches any run of characters (`projects.*_project`).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

from .choices import Role, ScopeKind

# The apps whose data every role reads (within its scope): the registries and their reference data.
DOMAIN_APPS = ("geo", "parties", "programmes", "pairings", "projects", "funds", "talent", "outcomes")
READ_DOMAIN = tuple(f"{app}.view_*" for app in DOMAIN_APPS)
# The change log and the import batches it points to: auditors, the office and administrators.
READ_HISTORY = ("core.view_objectchange", "core.view_importbatch")
# The review queue of likely duplicate projects (checks.DuplicatePair): its scope is the pair's division, so
# supporters see none of it; the coordination office and recipients in their divisions decide the pairs.
READ_DUPLICATES = ("checks.view_duplicatepair",)
DECIDE_DUPLICATES = ("checks.change_duplicatepair",)
# Findings of the check rules (checks.Finding): scoped like their supporter and division; a member who may
# change their own data may also acknowledge, resolve and comment on their own findings.
READ_FINDINGS = ("checks.view_finding", "checks.view_findingcomment", "checks.view_checkrule")
ANSWER_FINDINGS = ("checks.change_finding", "checks.add_findingcomment")

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.PLATFORM_ADMIN: ("*",),
    Role.COORDINATION_OFFICE: (
        *READ_DOMAIN,
        *READ_HISTORY,
        # Configuration of the programmes: categories, targets, batches, indicators, pairings, divisions,
        # organizations — and the closing of periods (结账).
        "programmes.*",
        "pairings.*",
        "geo.*",
        "parties.*",
        "outcomes.*_indicator",
        "funds.add_periodlock",
        "funds.change_periodlock",
        # The annual plans: return a submitted plan with its comments (退回) or issue it (下达).
        "projects.review_annualplan",
        *READ_DUPLICATES,
        *DECIDE_DUPLICATES,
        # The check rules (thresholds, years, severity), running them, and answering every finding.
        "checks.*_checkrule",
        "checks.run_checks",
        *READ_FINDINGS,
        *ANSWER_FINDINGS,
    ),
    Role.SUPPORTER_EDITOR: (
        *READ_DOMAIN,
        # Their own projects, ledger, roster and measurements (the scope keeps them to their own).
        "projects.add_project",
        "projects.change_project",
        # Their annual plan: draft and submit it (报送) — a plan is its top-level supporter's, so only the
        # members of that supporter reach it (projects/plans/models.py::AnnualPlan) — and record an
        # adjustment (调整, with reason and approver) when a change touches a project of an issued plan.
        "projects.add_annualplan",
        "projects.submit_annualplan",
        "projects.add_planadjustment",
        "funds.add_ledgerentry",
        # The ledger import asks add and change of its model, as every import does; nothing changes a
        # posted entry (append-only in Python and in the database), so this grants no edit.
        "funds.change_ledgerentry",
        "talent.add_assignment",
        "talent.change_assignment",
        "outcomes.add_measurement",
        "outcomes.change_measurement",
        *READ_FINDINGS,
        *ANSWER_FINDINGS,
    ),
    Role.SUPPORTER_VIEWER: (*READ_DOMAIN, *READ_FINDINGS),
    Role.RECIPIENT_EDITOR: (
        *READ_DOMAIN,
        # Confirm or dispute what arrived (对账) and record outcomes in their divisions.
        "funds.add_arrivalconfirmation",
        "funds.change_arrivalconfirmation",
        "outcomes.add_measurement",
        "outcomes.change_measurement",
        *READ_DUPLICATES,
        *DECIDE_DUPLICATES,
        *READ_FINDINGS,
        *ANSWER_FINDINGS,
    ),
    Role.RECIPIENT_VIEWER: (*READ_DOMAIN, *READ_DUPLICATES, *READ_FINDINGS),
    Role.AUDITOR: (*READ_DOMAIN, *READ_HISTORY, *READ_DUPLICATES, *READ_FINDINGS),
}

ROLE_SCOPES: dict[str, str] = {
    Role.PLATFORM_ADMIN: ScopeKind.EVERYTHING,
    Role.COORDINATION_OFFICE: ScopeKind.EVERYTHING,
    Role.SUPPORTER_EDITOR: ScopeKind.SUPPORTER,
    Role.SUPPORTER_VIEWER: ScopeKind.SUPPORTER,
    Role.RECIPIENT_EDITOR: ScopeKind.RECIPIENT,
    Role.RECIPIENT_VIEWER: ScopeKind.RECIPIENT,
    Role.AUDITOR: ScopeKind.EVERYTHING,
}


@lru_cache(maxsize=4096)
def role_grants(role: str, permission: str) -> bool:
    """Whether `role` grants `permission` (`"projects.change_project"`)."""
    return any(fnmatchcase(permission, pattern) for pattern in ROLE_PERMISSIONS.get(role, ()))
