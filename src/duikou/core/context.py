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
    request_path: str = ""  # the page or API endpoint the writes came through (issue 5, item 6)
    api_token_prefix: str = ""  # the API token the request signed in with (core.tokens.ApiToken.prefix)


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
def change_context(
    *,
    user: Any = None,
    source: str = "command",
    import_batch: Any = None,
    note: str = "",
    request_path: str | None = None,
    api_token_prefix: str | None = None,
):
    """Open a change context for writes outside a web request.

    A context opened inside another (an import run from its page, the API's context inside the
    middleware's) keeps the enclosing request's path and API token unless it names its own, so the change
    log still says through which page or token the writes came.

    Args:
        user: the acting user (None for the system itself, e.g. reference data).
        source: the channel: "web", "command", "import", "api" or "system".
        import_batch: the `core.ImportBatch` the writes belong to, if any.
        note: free text kept on each change-log row (e.g. the command line).
        request_path: the page or API path of the request (default: the enclosing context's, else none).
        api_token_prefix: the prefix of the API token used (default: the enclosing context's, else none).
    """
    outer = _current.get()
    if request_path is None:
        request_path = outer.request_path if outer is not None else ""
    if api_token_prefix is None:
        api_token_prefix = outer.api_token_prefix if outer is not None else ""
    context = ChangeContext(
        user=user,
        source=source,
        import_batch=import_batch,
        note=note,
        request_path=request_path[:200],
        api_token_prefix=api_token_prefix,
    )
    token = _current.set(context)
    try:
        yield _current.get()
    finally:
        _current.reset(token)
