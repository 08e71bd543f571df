"""How Duikou drives a browser: Debian's Chromium, headless, quiet and offline.

Shared by the browser tests (`dashboards/tests/conftest.py`) and `tools/screenshots.py`,
so both launch the same browser the same way. Playwright is imported by the callers
(a dev dependency), never here.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # the Debian package; a downloaded browser is not allowed here
# No sandbox: CI runs as root. The rest keeps Chromium quiet and offline, as on an intranet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 900}


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the arguments every Duikou browser run uses."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
