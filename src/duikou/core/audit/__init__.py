"""The audit log (审计日志, issue 5, item 6): the change log read by auditors.

- `filtersets.py`: the query contract of the log — time range, user, source, object type, action, import
  batch, object id, request id, API token, free text — shared by the page and its CSV/XLSX exports.
- `tables.py`: the columns, with the before/after difference of each change.
- `views.py`: the global log (`/audit/`, permission `core.view_objectchange`: auditors, the coordination
  office, administrators) and one object's full history (`/audit/history/<app>.<model>/<id>/`, for whoever may
  see the object, like the history card on its page).

The rows are written by `core.changelog` (docs/decisions/0001-change-log.md); nothing here changes them.
"""
