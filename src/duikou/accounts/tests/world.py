"""The world of the scoping tests: one user per role, and an object of each kind in the own scope (浙江省, in
莎车县) and in another's (上海市, in 和田县)."""

from __future__ import annotations

import datetime

import pytest

from duikou.accounts.choices import Role
from duikou.funds.choices import EntryKind
from duikou.funds.services import close_period
from duikou.geo.choices import DivisionLevel, Zone
from duikou.parties.choices import OrganizationKind
from duikou.projects.plans.models import AnnualPlan
from duikou.projects.plans.services import issue_plan, submit_plan
from duikou.testing import (
    PLAN_YEAR,
    make_assignment,
    make_division,
    make_entry,
    make_indicator,
    make_measurement,
    make_pairing,
    make_programme,
    make_project,
    make_region,
    make_supporter,
    make_user,
)

# -- roles ------------------------------------------------------------------------------------------------
A = Role.PLATFORM_ADMIN
O = Role.COORDINATION_OFFICE  # noqa: E741 — the office, next to A and U
SE, SV = Role.SUPPORTER_EDITOR, Role.SUPPORTER_VIEWER
RE, RV = Role.RECIPIENT_EDITOR, Role.RECIPIENT_VIEWER
U = Role.AUDITOR
ROLES = (A, O, SE, SV, RE, RV, U)
SEES_EVERYTHING = {A, O, U}
EVERYONE = set(ROLES)


# -- the world --------------------------------------------------------------------------------------------
@pytest.fixture
def world():
    from duikou.programmes.models import Batch, Category

    programme = make_programme()
    prefecture = make_division(
        "653100", "喀什地区", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.SOUTH
    )
    own_county = make_division(
        "653125", "莎车县", level=DivisionLevel.COUNTY, parent=prefecture, zone="south"
    )
    hotan = make_division(
        "653200", "和田地区", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.SOUTH
    )
    other_county = make_division("653221", "和田县", level=DivisionLevel.COUNTY, parent=hotan, zone="south")
    own, other = make_supporter("浙江省"), make_supporter("上海市")
    front_hq = make_supporter(
        "浙江省援疆指挥部", kind=OrganizationKind.FRONT_HQ, parent=own, home_division=prefecture
    )
    recipient = make_supporter(
        "莎车县人民政府", kind=OrganizationKind.RECIPIENT_GOVERNMENT, home_division=own_county
    )
    pairings = {"own": make_pairing(own, own_county), "other": make_pairing(other, other_county)}
    projects = {
        "own": make_project(supporter=own, division=own_county),
        "other": make_project(supporter=other, division=other_county),
    }
    organizations = {"own": own, "other": other}
    memberships = {SE: front_hq, SV: own, RE: recipient, RV: recipient}
    users = {role: make_user(f"user-{role}", role=role, organization=memberships.get(role)) for role in ROLES}
    locks = {
        which: close_period(
            acting_user=None,
            programme=programme,
            year=2020,
            month=1,
            supporter=organizations[which],
            reason="月结",
            today=datetime.date(2024, 6, 1),
        )
        for which in ("own", "other")
    }
    indicator = make_indicator()
    batch = Batch.objects.create(
        programme=programme,
        number=11,
        name="第十一批",
        starts=datetime.date(2023, 1, 1),
        ends=datetime.date(2025, 12, 31),
    )
    objects = {
        "project": projects,
        "entry": {which: make_entry(projects[which], kind=EntryKind.ARRIVED) for which in projects},
        "assignment": {
            which: make_assignment(supporter=organizations[which], host_division=projects[which].division)
            for which in projects
        },
        "measurement": {which: make_measurement(projects[which]) for which in projects},
        "period": locks,
        "supporter": organizations,
        "pairing": pairings,
        "division": {"own": own_county, "other": other_county},
        "division_pk": {"own": own_county, "other": other_county},
        "programme": {"own": programme, "other": programme},
        "programme_pk": {"own": programme, "other": programme},
        "indicator": {"own": indicator, "other": indicator},
        "category": dict.fromkeys(
            ("own", "other"), Category.objects.create(programme=programme, code="c", name="c")
        ),
        "batch": {"own": batch, "other": batch},
    }
    return {"users": users, "objects": objects}


@pytest.fixture
def plans(world):
    """Each supporter's annual plan for the projects' year (浙江省's own, 上海市's the other's), issued, so
    that its version 1 is a page of its own; added to the world's objects as "plan" and "version".

    A fixture of its own: an issued plan turns a change to its project into an adjustment (a reason and
    an approver), which the tests of writes out of scope ask only where they mean to.
    """
    programme = world["objects"]["programme"]["own"]
    plans = {
        which: AnnualPlan.objects.create(programme=programme, supporter=supporter, year=PLAN_YEAR)
        for which, supporter in world["objects"]["supporter"].items()
    }
    for plan in plans.values():
        submit_plan(plan, acting_user=None)
        issue_plan(plan, acting_user=None, issued_on=datetime.date(2024, 3, 1))
    world["objects"]["plan"] = plans
    world["objects"]["version"] = {which: plan.versions.get() for which, plan in plans.items()}
    return plans
