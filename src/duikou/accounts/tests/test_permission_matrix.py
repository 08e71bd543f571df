"""The permission matrix (issue 5, item 2): every URL of the site and the API × every role × an object of the
user's own scope and one of another's → allowed, 403 or 404.

How to read a row: `"projects:project_edit": ("project", may(A, SE))` — the page is about a project; the
platform administrator and a supporter editor hold the permission it asks for. From that the expected answer
follows the rule every page keeps (core/scoping.py):

- a role without the permission: **403**, whatever the object (it says nothing about the object);
- a role with it, on its own object: **allowed** (any answer below 400, or a 400 that only says what the
  request lacks);
- a role with it, on another's object: **allowed** for the roles that see everything (administrator,
  coordination office, auditor), **404** for the scoped ones (supporter and recipient roles) — never a 403
  that would confirm the object exists. Reference data (`public`) is the same for everyone.

Where a page answers otherwise on purpose, the row says so with `own=` / `other=` and a comment. A URL that is
not in the matrix fails `test_every_url_is_in_the_matrix`: adding a page means deciding who may use it.

The world (`world.py`): 浙江省 (own supporter, paired with 莎车县) and 上海市 (other, paired with 和田县);
the recipient roles belong to 莎车县's government. "Own" objects are 浙江省's in 莎车县, "other" ones
上海市's in 和田县; each supporter's annual plan of the projects' year is issued (the `plans` fixture).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from duikou.core.choices import JobKind
from duikou.core.models import BackgroundJob, ImportBatch

from .world import EVERYONE, RE, ROLES, RV, SE, SEES_EVERYTHING, SV, A, O, U

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = "allowed", 403, 404


@dataclass(frozen=True)
class Row:
    """One URL: what it is about (None: no object), who holds its permission, and the deliberate
    exceptions to the rule in the module docstring."""

    about: str | None
    roles: frozenset
    method: str = "get"
    public: bool = False  # reference data: another's object is answered like one's own
    own: dict = field(default_factory=dict)
    other: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def expected(self, role, which: str):
        explicit = (self.own if which == "own" else self.other).get(role)
        if explicit is not None:
            return explicit
        if role not in self.roles:
            return FORBIDDEN
        if which == "own" or self.public or role in SEES_EVERYTHING:
            return OK
        return NOT_FOUND


def may(*roles, **options) -> Row:
    """A row whose permission `roles` hold; `about=` names its object."""
    about = options.pop("about", None)
    return Row(about, frozenset(roles), **options)


def everyone(about=None, **options) -> Row:
    return Row(about, frozenset(EVERYONE), **options)


ALL_404 = dict.fromkeys(ROLES, NOT_FOUND)
PLAN_404 = dict.fromkeys((RE, RV), NOT_FOUND)  # a recipient reaches no annual plan
SUPPORTERS_404 = dict.fromkeys((SE, SV), NOT_FOUND)  # a supporter reaches no pair of likely duplicates

# -- the matrix -------------------------------------------------------------------------------------------
MATRIX: dict[str, Row] = {
    # dashboards: a user's own figures (dashboards/access.py); comparisons are off in this programme
    "dashboards:overview": everyone(),
    "dashboards:supporter_list": everyone(),
    # A recipient sees any supporter's figures narrowed to its own division.
    "dashboards:supporter": everyone("supporter", other={RE: OK, RV: OK}),
    # A supporter sees any division narrowed to its own figures.
    "dashboards:division": everyone("division", other={SE: OK, SV: OK}),
    "dashboards:pairing": everyone("pairing"),
    # projects
    "projects:project_list": everyone(),
    "projects:project_add": may(A, SE),
    "projects:plan_table": everyone(),  # without a plan year: back to the list (302)
    "projects:project": everyone("project"),
    "projects:project_edit": may(A, SE, about="project"),
    "projects:project_transition": may(A, SE, about="project"),
    # funds
    "funds:entry_list": everyone(),
    "funds:entry_add": may(A, SE),
    "funds:entry": everyone("entry"),
    "funds:entry_reverse": may(A, SE, about="entry"),
    "funds:entry_confirm": may(A, RE, about="entry"),
    "funds:entry_dispute": may(A, RE, about="entry"),
    "funds:reconciliation": everyone(),
    "funds:arrival_list": everyone(),
    "funds:period_list": everyone(),
    "funds:period_close": may(A, O),
    "funds:period_reopen": may(A, O, about="period"),
    # talent
    "talent:assignment_list": everyone(),
    "talent:assignment_add": may(A, SE),
    "talent:assignment": everyone("assignment"),
    "talent:assignment_edit": may(A, SE, about="assignment"),
    "talent:assignment_end": may(A, SE, about="assignment"),
    # outcomes
    "outcomes:measurement_list": everyone(),
    "outcomes:measurement_add": may(A, SE, RE),
    "outcomes:measurement": everyone("measurement"),
    "outcomes:measurement_edit": may(A, SE, RE, about="measurement"),
    # annual plans: a plan is its top-level supporter's; recipients reach none, their own supporter's included
    # (projects/plans/models.py::AnnualPlan.access_rule). The plans are issued, so a step answers why it
    # cannot be taken (200 with the form's error): only the permission and the scope are tested here.
    "plans:plan_list": everyone(),
    "plans:plan_add": may(A, SE),
    "plans:plan": everyone("plan", own=PLAN_404),
    "plans:plan_submit": may(A, SE, about="plan"),
    "plans:plan_return": may(A, O, about="plan"),
    "plans:plan_issue": may(A, O, about="plan"),
    "plans:plan_version": everyone("version", own=PLAN_404),
    "plans:plan_version_table": everyone("version", own=PLAN_404),
    # reference registries
    "pairings:pairing_list": everyone(),
    "geo:division_list": everyone(),
    "parties:organization_list": everyone(),
    "parties:organization": everyone("supporter", public=True),
    # reports: the IATI file holds the user's own projects
    "reports:iati": everyone(),
    "reports:iati_divisions": everyone(),
    "reports:iati_categories": everyone("programme", public=True),
    # imports and background jobs
    "core:import": may(A, SE, about="import"),
    "core:import_template": everyone("import"),
    # The permission passes, then the error file of an unknown check is missing.
    "core:import_errors": may(A, SE, about="import", own={A: NOT_FOUND, SE: NOT_FOUND}),
    # 导入记录: a unit's own imports; another unit's batch is answered like a missing one, except to those
    # who read the audit log (administrator, office, auditor).
    "core:import_history": everyone(),
    "core:import_batch": everyone("import_batch"),
    # Only the user who started a job sees it, administrators included.
    "core:job": everyone("job", other=ALL_404),
    "core:job_download": everyone("job", own=ALL_404, other=ALL_404),  # the job wrote no file
    # the audit log (core/audit): the change log for auditors; one object's history for whoever sees it
    "audit:change_list": may(A, O, U),
    "audit:object_history": everyone("project"),
    # likely duplicates (checks): the queue is read by the office, recipients and auditors (a pair's scope is
    # its division); a project's panel by whoever sees the project
    "checks:duplicate_list": everyone(),  # supporters get the page with no rows
    # A pair joins two supporters' projects: no supporter's scope reaches one, so a supporter is answered 404
    # on any pair, never a 403 that would confirm it exists.
    "checks:duplicate": may(A, O, RE, RV, U, about="duplicate", own=SUPPORTERS_404, other=SUPPORTERS_404),
    # The office and the recipients in their divisions decide (an empty form: 200 with the field's error).
    "checks:duplicate_decide": may(A, O, RE, about="duplicate", method="post"),
    "checks:project_duplicates": everyone("project"),
    # findings of the check rules (checks): every role reads those in its scope (a finding is its project's
    # supporter's and division's); those who edit their data answer theirs; the office runs the checks
    "findings:finding_list": everyone(),
    "findings:finding": everyone("finding"),
    "findings:finding_status": may(A, O, SE, RE, about="finding"),
    "findings:finding_comment": may(A, O, SE, RE, about="finding"),
    "findings:run": may(A, O),
    # signing in and out, the language
    "login": everyone(),
    "logout": everyone(method="post", own=dict.fromkeys(ROLES, "login")),  # signed out: to the log-in page
    "set_language": everyone(method="post", data={"language": "en", "next": "/"}),
    # -- the API: reads need the view permission, writes their own; the same scope as the pages -----------
    "api:project_list": everyone(),
    "api:project": everyone("project"),
    "api:project_transition": may(A, SE, about="project", method="post"),
    "api:ledger_entry_list": everyone(),
    "api:ledger_entry": everyone("entry"),
    "api:ledger_entry_reverse": may(A, SE, about="entry", method="post"),
    "api:ledger_entry_confirm": may(A, RE, about="entry", method="post"),
    "api:ledger_entry_dispute": may(A, RE, about="entry", method="post"),
    "api:assignment_list": everyone(),
    "api:assignment": everyone("assignment"),
    "api:assignment_end": may(A, SE, about="assignment", method="post"),
    "api:measurement_list": everyone(),
    "api:measurement": everyone("measurement"),
    "api:annual_plan_list": everyone(),
    "api:annual_plan": everyone("plan", own=PLAN_404),
    "api:annual_plan_submit": may(A, SE, about="plan", method="post"),
    "api:annual_plan_return": may(A, O, about="plan", method="post"),
    "api:annual_plan_issue": may(A, O, about="plan", method="post"),
    "api:indicator_list": everyone(),
    "api:indicator": everyone("indicator", public=True),
    "api:division_list": everyone(),
    "api:division": everyone("division_pk", public=True),
    "api:organization_list": everyone(),
    "api:organization": everyone("supporter", public=True),
    "api:pairing_list": everyone(),
    "api:pairing": everyone("pairing", public=True),
    "api:programme_list": everyone(),
    "api:programme": everyone("programme_pk", public=True),
    "api:category_list": everyone(),
    "api:category": everyone("category", public=True),
    "api:batch_list": everyone(),
    "api:batch": everyone("batch", public=True),
    # findings (checks): the pages' permissions and scope; the rules are configuration every member reads
    "api:finding_list": everyone(),
    "api:finding": everyone("finding"),
    "api:finding_status": may(A, O, SE, RE, about="finding", method="post"),
    "api:finding_comment": may(A, O, SE, RE, about="finding", method="post"),
    "api:check_rule_list": everyone(),
    "api:check_rule": everyone("rule", public=True),
    "api:stats": everyone(),
    "api:stats_by_supporter": everyone(),
    "api:stats_by_category": everyone(),
    "api:stats_by_zone": everyone(),
    "api:stats_by_division": everyone(),
    "api:stats_by_year": everyone(),
    "api:schema": everyone(),
    "api:docs": everyone(),
    "api:not_found": everyone(own=ALL_404),
}

# Writes to a detail endpoint: the same URL with another method (PATCH changes nothing with an empty body).
WRITES: dict[str, Row] = {
    "api:project": may(A, SE, about="project", method="patch"),
    "api:assignment": may(A, SE, about="assignment", method="patch"),
    "api:measurement": may(A, SE, RE, about="measurement", method="patch"),
}

# URLs whose owners are still building them: their rows are theirs to declare; listed here so that the matrix
# stays complete for everything else.
NOT_YET_DECLARED: set[str] = set()


def url_kwargs(name: str, row: Row, world, role, which: str) -> dict:
    pattern_kwargs = PATTERNS[name]
    if row.about is None:
        return {}
    if row.about == "import":
        return {"kind": "projects", **({"sha256": "0" * 64} if "sha256" in pattern_kwargs else {})}
    if row.about == "job":
        owner = world["users"][role] if which == "own" else world["users"][A if role != A else O]
        job = BackgroundJob.objects.create(kind=JobKind.EXPORT, label="x", user=owner)
        return {"pk": job.pk}
    if row.about == "import_batch":
        owner = world["users"][role] if which == "own" else world["users"][A if role != A else O]
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.IMPORT, label="x.csv", created_by=owner, parameters={"importer": "projects"}
        )
        return {"pk": batch.pk}
    if row.about == "finding":
        return {"pk": finding_about(world["objects"]["project"][which]).pk}
    if row.about == "rule":
        return {"pk": finding_about(world["objects"]["project"][which]).rule_id}
    if row.about == "duplicate":
        return {"pk": pair_about(world["objects"]["project"][which]).pk}
    target = world["objects"][row.about][which]
    if "model" in pattern_kwargs:  # an object's history: /audit/history/<app>.<model>/<pk>/
        return {"model": target._meta.label_lower, "pk": target.pk}
    if row.about == "division":
        return {"code": target.code}
    if row.about == "programme":
        return {"programme": target.code}
    return {"pk": target.pk}


def finding_about(project):
    """A finding of a check rule on `project` (one per project), as a run would have left it."""
    from duikou.checks.models import CheckRule, Finding

    rule, _ = CheckRule.objects.get_or_create(
        programme=project.programme,
        code="total-mismatch",
        defaults={"name": "总投资与资金来源之和不符", "kind": "total_mismatch", "scope": "project"},
    )
    finding, _ = Finding.objects.get_or_create(
        rule=rule,
        key=f"project:{project.pk}",
        defaults={
            "subject_label": str(project),
            "message": "总投资不符",
            "severity": "medium",
            "first_found": timezone.now(),
            "project": project,
            "supporter": project.supporter,
            "division": project.division,
            "year": project.plan_year,
        },
    )
    return finding


def pair_about(project):
    """A pending pair of likely duplicates: `project` and a second one of its supporter in its division, as a
    scan (`duikou duplicates --save`) would have queued it; the pair's scope is that division."""
    from duikou.checks.models import DuplicatePair
    from duikou.testing import make_project

    pair = DuplicatePair.objects.filter(project_a=project).first()
    if pair is None:
        twin = make_project(
            supporter=project.supporter, division=project.division, name=f"{project.name}工程"
        )
        pair = DuplicatePair.objects.create(
            project_a=project,
            project_b=twin,
            division=project.division,
            score="0.950",
            kind="duplicate",
            reasons=[{"code": "same_division", "a": project.division.name}],
        )
    return pair


def outcome(response):
    if response.status_code in (FORBIDDEN, NOT_FOUND):
        return response.status_code
    if response.status_code in (401, 405) or response.status_code >= 500:
        return response.status_code
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/accounts/login/"):
        return "login"
    return OK


def walk(patterns, namespace=None):
    """(name, keyword arguments) of every named URL pattern, the admin's left out (the admin site is for staff
    whose scope is everything: `test_the_admin_site_is_for_staff_whose_scope_is_everything` in
    test_scoped_choices.py)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner == "admin":
                continue
            yield from walk(
                pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, set(pattern.pattern.regex.groupindex)


PATTERNS = dict(walk(get_resolver().url_patterns))


def test_every_url_is_in_the_matrix():
    missing = sorted(set(PATTERNS) - set(MATRIX) - NOT_YET_DECLARED)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    assert not (set(MATRIX) - set(PATTERNS)), "rows for URLs that no longer exist"


def request(client, row: Row, url: str):
    if row.method == "get":
        return client.get(url)
    if row.method == "patch":
        return client.patch(url, {}, content_type="application/json")
    return client.post(url, row.data or {}, **({} if row.data else {"content_type": "application/json"}))


def check(name: str, row: Row, world) -> list[str]:
    mismatches = []
    for role in ROLES:
        client = Client()
        client.force_login(world["users"][role])
        for which in ("own", "other") if row.about not in (None, "import") else ("own",):
            if name == "api:not_found":
                url = "/api/no-such-thing/"
            else:
                url = reverse(name, kwargs=url_kwargs(name, row, world, role, which))
            got = outcome(request(client, row, url))
            wanted = row.expected(role, which)
            if got != wanted:
                mismatches.append(
                    f"{row.method.upper()} {name} as {role} on {which}: {got}, expected {wanted}"
                )
    return mismatches


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_matrix(name, world, plans):
    assert check(name, MATRIX[name], world) == []


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_matrix_of_writes(name, world, plans):
    assert check(name, WRITES[name], world) == []
