"""What a page's build said, kept with the page so that a build that keeps it says it again.

A clean build logs, page by page, what MkDocs and the plugins find while reading a page (its
Markdown, its links), rendering it and checking its anchors. A build that keeps the page from
the site cache (`incremental`) does none of that: without this module its warnings would be
said once, by the build that rendered the page, and `--strict` would pass the next time. So
what is logged while a page is read, rendered and checked is heard (`hearing`) and kept with the
page, by phase, and said again (`repeat`) at the same place of a build that keeps the page: the
user, and `--strict`, see what a clean build shows.

Only the building thread is heard (the `serve` watcher logs from its own), and only MkDocs'
loggers (the `mkdocs` hierarchy the plugins log under), at INFO and above as `mkdocs build`
shows them. A record read back from the cache names a logger and level this module accepts,
else it is not said (a crafted record cannot log elsewhere or at another level).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

READ, WRITE, ANCHORS = "read", "write", "anchors"
PHASES = (READ, WRITE, ANCHORS)
# What one line said: [level number, logger name, message]
Line = list[Any]
_LEVELS = frozenset({logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL})


class _Ear(logging.Handler):
    """Keeps the lines the building thread logs (below the `mkdocs` logger)."""

    def __init__(self, into: list[Line]) -> None:
        super().__init__(level=logging.INFO)
        self._into = into
        self._thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self._thread or record.levelno not in _LEVELS:
            return
        with contextlib.suppress(Exception):  # (a message that cannot be formatted: not kept)
            self._into.append([record.levelno, record.name, record.getMessage()])


@contextlib.contextmanager
def hearing(run: Any, page: str, phase: str) -> Iterator[None]:
    """Keep in `run.said[page][phase]` what is logged meanwhile (added to what it holds)."""
    heard: list[Line] = run.said.setdefault(page, {}).setdefault(phase, [])
    ear = _Ear(heard)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(ear)
    try:
        yield
    finally:
        logger.removeHandler(ear)


def repeat(warnings: dict[str, list[Line]], phase: str) -> None:
    """Say again what a page's build said in `phase`, as it was said."""
    for line in warnings.get(phase, ()):
        if valid_line(line):
            logging.getLogger(line[1]).log(line[0], line[2])


def valid_line(line: Any) -> bool:
    """True for a line as `hearing` keeps it: a known level, a logger of MkDocs', a message."""
    return (isinstance(line, list) and len(line) == 3 and isinstance(line[0], int)
            and line[0] in _LEVELS and isinstance(line[1], str)
            and (line[1] == "mkdocs" or line[1].startswith("mkdocs.")) and isinstance(line[2], str))


def valid(warnings: Any) -> bool:
    """True for a page's lines as the site cache keeps them: by phase, each a valid line."""
    return (isinstance(warnings, dict) and all(phase in PHASES for phase in warnings)
            and all(isinstance(lines, list) and all(valid_line(x) for x in lines)
                    for lines in warnings.values()))
