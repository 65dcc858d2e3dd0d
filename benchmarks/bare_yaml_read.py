#!/usr/bin/env python3
"""Baseline for the §11 ``check`` budget: read every note and parse its front matter, nothing else.

Usage::

    python benchmarks/bare_yaml_read.py NOTES_DIR

Walks ``NOTES_DIR``, reads every ``.md`` file as UTF-8, takes the text between the first two
``---`` lines as front matter and parses it with PyYAML's C loader (``yaml.CSafeLoader``). It
prints one summary line. It is deliberately bare: no link parsing, no indexing, no validation.
That is the floor any tool that reads a vault has to pay, so ``check`` is measured against it.
"""

from __future__ import annotations

import os
import re
import sys

import yaml

# The closing fence: a line that is exactly `---` (trailing blanks and a CR tolerated).
_CLOSE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


def front_matter(text: str) -> str | None:
    """The YAML between the first two ``---`` lines, or None when the note has none."""
    if not text.startswith("---"):
        return None
    first_end = text.find("\n")
    if first_end < 0 or text[3:first_end].strip():
        return None
    close = _CLOSE.search(text, first_end + 1)
    if close is None:
        return None
    return text[first_end + 1 : close.start()]


def main(argv: list[str]) -> int:
    """Read and parse every note under ``argv[0]``; return 0, or 2 on a usage error or when
    the C loader is missing."""
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    if not getattr(yaml, "__with_libyaml__", False):
        # Falling back to the pure-Python loader would make the baseline ~10x slower and the
        # budget meaningless, so refuse instead.
        print("PyYAML is built without libyaml: yaml.CSafeLoader is unavailable", file=sys.stderr)
        return 2
    files = parsed = failed = 0
    for folder, _dirs, names in os.walk(argv[0]):
        for name in names:
            if not name.endswith(".md"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                text = fh.read()
            files += 1
            fm = front_matter(text)
            if fm is None:
                continue
            try:
                yaml.load(fm, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                failed += 1  # counted, not fatal: the baseline must finish on any vault
            else:
                parsed += 1
    print(f"{files} files, {parsed} front matters parsed, {failed} failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
