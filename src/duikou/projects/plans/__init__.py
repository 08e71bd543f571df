"""The annual plan workflow (年度计划, issue 5 item 4), with the shape of an app inside `projects`.

A supporter submits (报送) its annual project plan; the coordination office returns it with comments (退回)
or issues it (下达). Issuing freezes version 1: a snapshot of the projects and amounts. After issue, a change
to a plan project's plan facts — or a project added to or removed from the plan — is an adjustment (调整)
with a reason and an approver, and freezes the next version.

It lives inside `projects` rather than in an app of its own because the project form, the project API and
the project import must ask it before a change: an app to the right of `projects` could not be imported
from there (CONTRIBUTING.md, dependency order). Modules: `choices`, `models`, `guard` (what a change to a
project means for an issued plan, without writing anything), `services` (the state changes), `diff`,
`forms`, `filtersets`, `tables`, `views`, `urls`, `api`.
"""
