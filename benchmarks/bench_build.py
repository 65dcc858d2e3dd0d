#!/usr/bin/env python3
"""Benchmark for the DESIGN §11 budget: ``vault-tools build`` of 1,000 (and 5,000) notes takes at
most 1.15x a plain ``mkdocs build`` with Material and a small nav, on the same notes, measured in
the same run. Also reports stock Material with its default nav (one entry per note) at the
same size, which is what a small nav avoids.

Usage::

    python benchmarks/bench_build.py                  # 1,000 notes, 3 runs of each
    python benchmarks/bench_build.py --notes 5000     # the 5,000-note figure
    python benchmarks/bench_build.py --smoke          # 200 notes, 1 run
    python benchmarks/bench_build.py --shape deep     # another vault shape (vault_shapes.py)

Run it with the virtualenv's Python (``.venv/bin/python``), so ``mkdocs`` and ``vault-tools``
come from the same ``bin/`` folder.

The vault comes from ``generate_vault.py`` and is kept under ``benchmarks/.vaults/``. Before
timing, each interview with a private contact is marked private too (the generator leaves them
public, and their names, the contact's name, would fail the build's leak scan, as they should),
each private note gets a body of its own (the generator's shared phrases would stand in public
notes too, which the leak scan also refuses), a private note whose name a public note's text
holds is made public (the generator names notes in plain sentences), and the blocks are filled
once, so both sides
build the very same notes and the timed ``vault-tools build`` includes a fill that finds
nothing to change. Each measurement is a fresh
process; the commands alternate after one untimed warm-up each, and the median is reported.

Exit status 0 whether or not the budget is met (this is a report); 2 when a command fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_check import CHILD_ENV
from vault_shapes import SHAPES, source_hash, write_shaped

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".vaults"
STAMP = ".bench-build.json"
BUDGET = 1.15  # DESIGN §11

SMALL_NAV = """site_name: Plain build, small nav
docs_dir: notes
site_dir: site-plain
theme:
  name: material
nav:
  - Home: index.md
  - Follow-ups: Follow-ups.md
plugins:
  - search
"""
DEFAULT_NAV = """site_name: Plain build, default nav
docs_dir: notes
site_dir: site-default
theme:
  name: material
plugins:
  - search
"""
VAULT = """site_name: vault-tools build
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""


class BenchError(RuntimeError):
    """A command under measurement failed, so there is no valid figure to report."""


def tool(name: str) -> list[str]:
    """An executable beside ``sys.executable`` (the same virtualenv)."""
    candidate = Path(sys.executable).parent / name
    if not candidate.is_file():
        raise BenchError(f"{candidate} not found: run with the virtualenv's python")
    return [str(candidate)]


def run(cmd: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False, env={**CHILD_ENV, "NO_MKDOCS_2_WARNING": "1"})
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-20:]
        raise BenchError(f"{shlex.join(cmd)} exited with {proc.returncode}\n" + "\n".join(tail))
    return elapsed


def mark_private_interviews(root: Path) -> int:
    """Make every interview with a private contact private too; returns how many."""
    from vault_tools.notes import InterviewFields
    from vault_tools.vault import find_vault, load_index

    vault = find_vault(root)
    index = load_index(vault)
    private = {note.path for note in index if note.private}
    count = 0
    for note in index.by_type("interview"):
        fields = note.fields
        if note.private or not isinstance(fields, InterviewFields):
            continue
        if any(index.resolve(target).path in private for target in fields.with_):
            path = vault.abs(note.path)
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("---\n", "---\nprivate: true\n", 1), encoding="utf-8")
            count += 1
    return count


def unique_private_bodies(root: Path) -> int:
    """Give each private note a body of its own. The generator draws every sentence from shared
    phrase lists, so a private note's sentences also stand in public notes, which the leak scan
    rightly refuses to publish; a real private note's words are its own."""
    from vault_tools.vault import find_vault, load_index

    vault = find_vault(root)
    count = 0
    for note in load_index(vault):
        if not note.private:
            continue
        path = vault.abs(note.path)
        lines = path.read_text(encoding="utf-8").split("\n")
        head = "\n".join(lines[:note.body_line - 1])
        digest = hashlib.sha256(note.path.encode("utf-8")).hexdigest()
        words = " ".join(digest[i:i + 6] for i in range(0, 48, 6))
        path.write_text(f"{head}\n# {note.name}\n\nPrivate notes about {words} stay here.\n",
                        encoding="utf-8")
        count += 1
    return count


_BLOCK = re.compile(r"<!-- vault-tools:(\w+) -->.*?<!-- /vault-tools:\1 -->", re.S)
_LINK = re.compile(r"\[\[([^\]|\n#]*)(?:#[^\]|\n]*)?(?:\|([^\]\n]*))?\]\]")
_NUMBERED = re.compile(r"(.+) \d+")


def publish_private_named_in_public(root: Path) -> int:
    """Make public each private note whose name or alias the site would show in words on a
    public page. The generator names notes in plain sentences ("See 2025-10-13 Career fair for
    more context"), gives people aliases such as "José A." (a public "maybe through [[José
    Becker|José]]. [[a private note]]" reads "José. a private note"), and numbers the second
    note of a name ("Nadia Smith 2", which a dashboard's "Nadia Smith" and a count spell):
    with such a note private, the leak scan rightly refuses the build (at 20,000 notes every
    build was). A real vault's owner would make the note public or reword the sentence; here
    the note is made public. Returns how many were."""
    from vault_tools.privacy import Secret
    from vault_tools.site.leaks import LeakScanner
    from vault_tools.vault import find_vault, load_index_and_texts

    vault = find_vault(root)
    index, texts = load_index_and_texts(vault)
    private = {note.path for note in index if note.private}
    shown_names = {note.name for note in index if not note.private}
    names = [Secret(value, "name", note.path, whole_word=True)
             for note in index if note.private for value in (note.name, *note.aliases)]
    scanner = LeakScanner(names)

    def shown(match: re.Match[str]) -> str:
        # A link as the page shows it: its label, or its target's name; one to a private
        # note as "a private note".
        target = index.resolve(match.group(1).strip()).path
        if target in private:
            return "a private note"
        return match.group(2) or match.group(1).rsplit("/", 1)[-1]

    named: set[str] = set()
    for note in index:
        if not note.private and note.path in texts:
            # Generated blocks aside: the site works them out again without private notes.
            text = _LINK.sub(shown, _BLOCK.sub(" ", texts[note.path]))
            named.update(secret.source for secret in scanner.find(text))
    for note in index:
        numbered = _NUMBERED.fullmatch(note.name)
        if note.private and numbered and numbered.group(1) in shown_names:
            named.add(note.path)
    for path in sorted(named):
        file = vault.abs(path)
        text = file.read_text(encoding="utf-8")
        file.write_text(text.replace("private: true\n", "", 1), encoding="utf-8")
    return len(named)


def prepare(notes: int, seed: int, cache: Path = CACHE, shape: str = "generator") -> Path:
    """A generated vault of ``shape`` (see vault_shapes.py) with the three configurations,
    filled once; cached by parameters."""
    stamp = json.dumps({"notes": notes, "seed": seed, "shape": shape,
                        "generator": source_hash()}, sort_keys=True)
    name = f"build-notes{notes}-seed{seed}-v3"
    root = cache / (name if shape == "generator" else f"build-{shape}-{name[6:]}")
    if (root / STAMP).is_file() and (root / STAMP).read_text(encoding="utf-8") == stamp:
        return root
    if root.exists():
        shutil.rmtree(root)
    cache.mkdir(parents=True, exist_ok=True)
    write_shaped(root, notes, seed, shape)
    (root / "mkdocs.yml").write_text(VAULT, encoding="utf-8")
    (root / "mkdocs-small-nav.yml").write_text(SMALL_NAV, encoding="utf-8")
    (root / "mkdocs-default-nav.yml").write_text(DEFAULT_NAV, encoding="utf-8")
    marked = mark_private_interviews(root)
    print(f"marked {marked} interviews with private contacts private", flush=True)
    rewritten = unique_private_bodies(root)
    print(f"gave {rewritten} private notes bodies of their own", flush=True)
    published = 0
    for _ in range(5):  # (a note made public shows its links' names: it may name another)
        found = publish_private_named_in_public(root)
        published += found
        if not found:
            break
    print(f"made {published} private notes named in public ones public", flush=True)
    run([*tool("vault-tools"), "fill", "--vault", str(root)], root)
    (root / STAMP).write_text(stamp, encoding="utf-8")
    return root


def measure(root: Path, runs: int, default_nav: bool) -> dict[str, list[float]]:
    commands = {
        "plain mkdocs build, small nav": [*tool("mkdocs"), "build", "-q", "-f",
                                          "mkdocs-small-nav.yml"],
        "vault-tools build": [*tool("vault-tools"), "build", "--vault", str(root)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, cmd in commands.items():  # warm-up: bytecode, first disk reads
        print(f"warm-up: {name}", flush=True)
        run(cmd, root)
    for index in range(runs):
        for name, cmd in commands.items():
            times[name].append(run(cmd, root))
            print(f"run {index + 1}/{runs}: {name}: {times[name][-1]:.2f} s", flush=True)
    if default_nav:
        cmd = [*tool("mkdocs"), "build", "-q", "-f", "mkdocs-default-nav.yml"]
        times["stock Material, default nav"] = [run(cmd, root)]
        print(f"stock Material, default nav: {times['stock Material, default nav'][0]:.2f} s",
              flush=True)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-default-nav", action="store_true",
                        help="Skip the stock default-nav build (slow: minutes at 5,000 notes).")
    parser.add_argument("--shape", choices=SHAPES, default="generator",
                        help="vault shape (vault_shapes.py; default: the generator's own)")
    parser.add_argument("--smoke", action="store_true", help="200 notes, 1 run.")
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help="Where generated vaults are kept (default: benchmarks/.vaults).")
    args = parser.parse_args()
    if args.smoke:
        args.notes, args.runs = 200, 1
    try:
        root = prepare(args.notes, args.seed, args.cache, args.shape)
        default_nav = not args.no_default_nav and args.notes <= 1000
        times = measure(root, args.runs, default_nav)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    plain = statistics.median(times["plain mkdocs build, small nav"])
    ours = statistics.median(times["vault-tools build"])
    print()
    print(f"{args.notes} notes, median of {args.runs} run(s) each:")
    for name, values in times.items():
        print(f"  {name:<32} {statistics.median(values):8.2f} s")
    ratio = ours / plain
    verdict = "within" if ratio <= BUDGET else "OVER"
    print(f"  ratio vault-tools / plain: {ratio:.2f}x ({verdict} the {BUDGET}x budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
