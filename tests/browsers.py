"""The browser the browser tests drive: a Chromium or Chrome found by name on PATH.

Never a fixed path and never a downloaded browser. `python -m tests.browsers`, run by
`make test`, installs the OS's Chromium when none is found and that is possible (as root, with
apt-get, as on the CI's Debian); otherwise it says how to get one. It always exits 0: without a
browser the browser tests are skipped with one line saying why, and the rest still run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
SKIP_REASON = (
    "no Chromium or Chrome on PATH (looked for " + ", ".join(NAMES) + "): install one "
    "(e.g. `sudo apt-get install chromium`) and run `make test` again to run the browser tests"
)


def wait_until(page: object, expression: str, timeout: float = 30.0) -> None:
    """Wait until the JavaScript `expression` is true in `page` (AssertionError after `timeout`
    seconds). Polled from here, one evaluation at a time: Playwright's `wait_for_function`
    compiles its predicate with `eval` in the page whenever it polls again, which the site's
    policy (no 'unsafe-eval') refuses, so it fails whenever the condition is not true at once
    (microsoft/playwright#7395): on a loaded machine, now and then."""
    deadline = time.monotonic() + timeout
    while not _evaluated(page, expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:g} s: {expression}")
        time.sleep(0.05)


def _evaluated(page: object, expression: str) -> object:
    """`expression` in `page`; false while the page is being replaced (a reload)."""
    try:
        return page.evaluate(expression)  # type: ignore[attr-defined]
    except Exception as exc:  # (Playwright's Error: no import of it without a browser)
        if "context was destroyed" in str(exc):
            return False
        raise


def find_browser(path: str | None = None) -> str | None:
    """The first of NAMES found on `path` (default: $PATH), as a full path; None if none is."""
    for name in NAMES:
        found = shutil.which(name, path=path)
        if found:
            return found
    return None


def can_install(path: str | None = None) -> bool:
    """True when the OS's Chromium can be installed here without asking: root, and apt-get."""
    is_root = getattr(os, "geteuid", lambda: -1)() == 0
    return is_root and shutil.which("apt-get", path=path) is not None


def main() -> int:
    found = find_browser()
    if found is None and can_install():
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
            if subprocess.run(command, check=False).returncode != 0:
                break
        found = find_browser()
    if found is None:
        print(f"browser tests will be skipped: {SKIP_REASON}")
    else:
        print(f"browser tests: using {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
