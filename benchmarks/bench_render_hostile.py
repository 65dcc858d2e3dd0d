#!/usr/bin/env python3
"""Render time of hostile note bodies in Python-Markdown, the library MkDocs renders notes with
(DESIGN §9: a bad note never stops the rest; one hostile note costs seconds, never minutes).

Usage::

    python benchmarks/bench_render_hostile.py [--size CHARS] [--runs N] [--cases a,b] [--no-guard]

For each case it renders a body of ``--size`` characters and one of twice that size with the
site's Markdown extensions (MkDocs' defaults plus the task lists the plugin adds, and the
extensions Material sites commonly add), each through `markdown_guard.guard_markdown` first
unless ``--no-guard``, and prints the best of ``--runs`` times and the growth between the two
sizes: about 2 for a linear render, about 4 for a quadratic one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import markdown

# MkDocs' defaults and the task lists the vault plugin adds (plugin.on_config) ...
SITE_EXTENSIONS = ["toc", "tables", "fenced_code", "pymdownx.tasklist"]
# ... and what a Material site commonly adds on top.
RICH_EXTENSIONS = [
    *SITE_EXTENSIONS,
    "admonition", "attr_list", "footnotes", "md_in_html", "def_list", "abbr",
    "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite",
    "pymdownx.mark", "pymdownx.tilde", "pymdownx.caret", "pymdownx.betterem",
    "pymdownx.magiclink", "pymdownx.emoji", "pymdownx.smartsymbols", "pymdownx.keys",
]


def _rep(piece: str, size: int, suffix: str = "") -> str:
    return piece * max(1, size // len(piece)) + suffix


def _lines(line: str, size: int) -> str:
    return _rep(line + "\n", size)


CASES: dict[str, Callable[[int], str]] = {
    "plain": lambda n: _rep("Talked with [Jane](Jane.md) about *data* work and `code`.\n\n", n),
    "brackets": lambda n: _rep("[", n),
    "brackets-spaced": lambda n: _rep("[ ", n),
    "link-opens": lambda n: _rep("[", n, "]("),
    "image-opens": lambda n: _rep("![", n),
    "link-middles": lambda n: _rep("](", n),
    "link-parens": lambda n: _rep("[a](", n),
    "nested-links": lambda n: _rep("[", n // 2) + _rep("]", n // 2),
    "ref-links": lambda n: _rep("[a][", n),
    "angles": lambda n: _rep("<", n),
    "angle-words": lambda n: _rep("<a ", n),
    "comment-opens": lambda n: _rep("<!--", n),
    "stars": lambda n: "a " + _rep("*", n),
    "star-words": lambda n: _rep("*a ", n),
    "underscores": lambda n: _rep("_a ", n),
    "mixed-emphasis": lambda n: _rep("*_", n),
    "backticks": lambda n: _rep("`", n),
    "backtick-runs": lambda n: "".join("`" * k + " a " for k in range(1, int(n ** 0.5))),
    "ampersands": lambda n: _rep("&", n),
    "entities": lambda n: _rep("&a", n),
    "blockquotes": lambda n: _rep(">", n) + " a",
    "quote-lines": lambda n: "".join(">" * k + " a\n" for k in range(1, int(n ** 0.5))),
    "nested-lists": lambda n: "".join("  " * k + "- a\n" for k in range(int(n ** 0.5))),
    "list-lines": lambda n: _lines("- a", n),
    "table": lambda n: "| a | b |\n| - | - |\n" + _lines("| x | y |", n),
    "table-pipes": lambda n: "| a |\n| - |\n" + _rep("|", n),
    "attr-lists": lambda n: "a " + _rep("{:", n),
    "attr-braces": lambda n: "# a " + _rep("{", n),
    "footnote-refs": lambda n: _rep("[^", n),
    "tasks": lambda n: _lines("- [ ] a", n),
    "escapes": lambda n: _rep("\\", n),
    "headings": lambda n: _rep("#", n),
    "setext": lambda n: "a\n" + _rep("=", n),
    "html-blocks": lambda n: _rep("<div>", n),
    "autolinks": lambda n: _rep("<http://", n),
    "marks": lambda n: _rep("==", n),
    "tildes": lambda n: _rep("~~", n),
    "carets": lambda n: _rep("^^", n),
    "colons": lambda n: _rep(":", n),
}


def render_seconds(text: str, extensions: list[str], guard: bool, runs: int) -> float:
    """The best of `runs` times to render `text` (guarded first unless `guard` is false)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        source = _guarded(text) if guard else text
        markdown.markdown(source, extensions=extensions)
        best = min(best, time.perf_counter() - start)
    return best


def _guarded(text: str) -> str:
    from vault_tools.site.markdown_guard import guard_markdown

    return guard_markdown(text).text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--cases", default="")
    parser.add_argument("--rich", action="store_true", help="add Material's common extensions")
    parser.add_argument("--no-guard", action="store_true")
    args = parser.parse_args()
    extensions = RICH_EXTENSIONS if args.rich else SITE_EXTENSIONS
    chosen = args.cases.split(",") if args.cases else list(CASES)
    print(f"{'case':<16} {'n s':>9} {'2n s':>9} {'growth':>7}")
    for name in chosen:
        small, large = (render_seconds(CASES[name](n), extensions, not args.no_guard, args.runs)
                        for n in (args.size, 2 * args.size))
        growth = large / small if small > 0 else float("nan")
        flag = "  SUPER-LINEAR" if growth > 3 and large > 0.05 else ""
        print(f"{name:<16} {small:9.4f} {large:9.4f} {growth:7.2f}{flag}", flush=True)


if __name__ == "__main__":
    main()
