"""The change context: who is writing, and on whose behalf.

Every write of a change-logged model must happen inside a change context, so
that the change log can say who, when, and through which request or import
batch. A web request gets one from `ChangeContextMiddleware`; commands,
imports and the demo loader open one explicitly::

    with change_context(user=None, source="command", note="load-reference"):
        ...

Outside any context a write of a logged model raises `ChangeContextMissing`:
that is the test that "nothing changes silently" (DESIGN.md, cross-cutting rules).
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


class ChangeContextMissing(RuntimeError):
    """A change-logged model was written outside `change_context()` or a web request."""


@dataclass(frozen=True)
class ChangeContext:
    """Who writes, through which channel, under which request or import batch id."""

    user: Any = None
    source: str = "command"  # web, command, import, api, system
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)
    import_batch: Any = None  # a core.ImportBatch, when the writes belong to one
    note: str = ""


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "duikou_change_context", default=None
)


def current_change_context() -> ChangeContext | None:
    return _current.get()


def require_change_context() -> ChangeContext:
    context = _current.get()
    if context is None:
        raise ChangeContextMissing(
            "A change-logged model was written outside a change context. Wrap the write in "
            "`with duikou.core.context.change_context(...)` (commands, imports, scripts) or make it "
            "inside a web request."
        )
    return context


@contextmanager
def change_context(*, user: Any = None, source: str = "command", import_batch: Any = None, note: str = ""):
    """Open a change context for writes outside a web request.

    Args:
        user: the acting user (None for the system itself, e.g. reference data).
        source: the channel: "web", "command", "import", "api" or "system".
        import_batch: the `core.ImportBatch` the writes belong to, if any.
        note: free text kept on each change-log row (e.g. the command line).
    """
    token = _current.set(ChangeContext(user=user, source=source, import_batch=import_batch, note=note))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
