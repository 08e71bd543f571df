"""Progress of a long command on stderr, never on stdout (which may carry `--json`).

On a terminal one line is rewritten in place (`\\r`); in a log or a pipe a line is written at each tenth,
so a CI log shows ten lines, not ten thousand.
"""

from __future__ import annotations


class TerminalProgress:
    """`progress(rows_done, rows_total)` for the import engine and `write_export`, writing to `stream`.

    Args:
        stream: the command's `self.stderr` (an OutputWrapper) or any text stream.
        label: what is being done, e.g. "检查 / checking".
    """

    def __init__(self, stream, label: str):
        self.stream = stream
        self.label = label
        isatty = getattr(stream, "isatty", None)
        self.is_terminal = bool(isatty and isatty())
        self.last_shown = -1  # percent on a terminal, tenth otherwise
        self.line_open = False

    def __call__(self, rows_done: int, rows_total: int) -> None:
        if rows_total <= 0:
            return
        percent = min(100, rows_done * 100 // rows_total)
        step = percent if self.is_terminal else percent // 10 * 10
        if step <= self.last_shown:
            return
        self.last_shown = step
        text = f"{self.label}: {percent}% ({rows_done:,} / {rows_total:,})"
        if self.is_terminal:
            self._write(f"\r{text}", ending="")
            self.line_open = percent < 100
            if not self.line_open:
                self._write("")
        else:
            self._write(text)

    def finish(self) -> None:
        """End an unfinished terminal line, so that what follows starts on its own."""
        if self.line_open:
            self._write("")
            self.line_open = False

    def _write(self, text: str, ending: str = "\n") -> None:
        if hasattr(self.stream, "style_func"):  # Django's OutputWrapper adds its own line ending
            self.stream.write(text, ending=ending)
        else:
            self.stream.write(text + ending)
        if hasattr(self.stream, "flush"):
            self.stream.flush()
