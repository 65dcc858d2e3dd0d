#!/usr/bin/env python3
"""Parse time of hostile 1 MB notes against a plain 1 MB note (DESIGN §9, §11: every scan is
linear; one note of any content up to 1 MB parses in well under a second).

Usage::

    python benchmarks/bench_hostile.py [--size BYTES] [--runs N] [--json FILE]

Each case is one note of about ``--size`` characters (default 1,000,000) built against one of
the parser's scans: a line of "[" ending in "](", "<!--" repeated, runs of backticks, and so on.
For each it prints the best of ``--runs`` parse times (decode_note + parse_note, as `check`
does), the time at an eighth of the size, the growth between the two (about 8 for a linear scan,
about 64 for a quadratic one) and the ratio to the plain note of the full size.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vault_tools.parse import decode_note, parse_note


def _repeat(piece: str, size: int, suffix: str = "") -> str:
    return piece * max(1, size // len(piece)) + suffix


def _plain(size: int) -> str:
    """Prose with links, tasks and headings, as a long but ordinary note has."""
    paragraph = (
        "## Notes from the call\n\n"
        "Talked with [[Jane Doe]] about the move from support to [[Data Work|data work]]. "
        "She suggested reading [the guide](../topics/Guide.md) and asking `Sam` about it.\n\n"
        "- [ ] Send Jane the article 📅 2026-12-01\n"
        "- [x] Thank [[Bob Smith]] for the introduction\n\n"
    )
    return "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n# A long note\n\n" + _repeat(
        paragraph, size)


CASES: dict[str, Callable[[int], str]] = {
    "plain": _plain,
    "md-link-opens": lambda n: _repeat("[", n, "]("),
    "comment-opens": lambda n: _repeat("<!--", n),
    "wikilink-opens": lambda n: _repeat("[[", n),
    "backticks": lambda n: "x " + _repeat("`", n),
    "backtick-runs": lambda n: "x " + "".join("`" * k + " a " for k in range(1, 2 * int(n ** 0.5))),
    "embed-opens": lambda n: _repeat("![", n),
    "link-middles": lambda n: _repeat("](", n),
    "obsidian-comments": lambda n: _repeat("%%", n),
    "hashes": lambda n: _repeat("#", n),
    "task-due-emoji": lambda n: "- [ ] " + _repeat("📅", n),
    "wikilink-closes": lambda n: _repeat("]]", n),
    "angle-destinations": lambda n: _repeat("[a](<", n),
    "title-quotes": lambda n: _repeat('[a](b "', n),
    "mixed": lambda n: _repeat("[[a](<`![%%<!--#", n),
    "quoted-lines": lambda n: _repeat("> [", n, "]("),
    "marker-lines": lambda n: _repeat("<!-- vault-tools:related -->\n"
                                       "<!-- /vault-tools:related -->\n", n),
    "front-matter-blanks": lambda n: "---\n{a: b,\nc" + " " * min(n, 200_000) + "x: d}\n---\n",
}


def best_time(text: str, runs: int) -> float:
    data = text.encode("utf-8")
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        decoded, _problem = decode_note("hostile.md", data)
        if decoded is not None:
            parse_note("hostile.md", decoded)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)

    best_time(_plain(10_000), 1)  # warm up: the first parse pays for lazy set-up
    plain = best_time(_plain(args.size), args.runs)
    rows = []
    print(f"| case | {args.size:,} chars (s) | at 1/8 (s) | growth (8 = linear) | vs plain |")
    print("|---|---:|---:|---:|---:|")
    for name, build in CASES.items():
        full = best_time(build(args.size), args.runs)
        eighth = best_time(build(args.size // 8), args.runs)
        growth = full / eighth if eighth > 0 else float("nan")
        rows.append({"case": name, "seconds": full, "eighth_seconds": eighth,
                     "growth": growth, "vs_plain": full / plain})
        print(f"| {name} | {full:.4f} | {eighth:.4f} | {growth:.1f} | {full / plain:.2f} |",
              flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
