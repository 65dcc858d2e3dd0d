"""Tests of the synthetic vault generator (benchmarks/generate_vault.py), not of vault-tools.

``N`` (``--notes``) counts every ``.md`` file under ``notes/``, the fixed ``index.md`` and
``Follow-ups.md`` included.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import yaml

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
LINK = re.compile(r'^"\[\[([^\]|#]+)\]\]"$')


def _load(name: str) -> ModuleType:
    # Loaded by path: benchmarks/ is a folder of scripts, not a package on sys.path.
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gv = _load("generate_vault")


def _files(vault: Path) -> dict[str, bytes]:
    """Every file of a vault: posix path relative to the vault -> bytes."""
    return {
        p.relative_to(vault).as_posix(): p.read_bytes() for p in vault.rglob("*") if p.is_file()
    }


def _front(text: str) -> tuple[str | None, str]:
    """(raw front matter or None, body) of a note."""
    if not text.startswith("---\n"):
        return None, text
    end = text.index("\n---\n", 3)
    return text[4 : end + 1], text[end + 5 :]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gv.generate_vault(tmp_path_factory.mktemp("gen") / "vault", 400, seed=3)


@pytest.fixture(scope="module")
def notes(vault: Path) -> dict[str, tuple[dict | None, str]]:
    """Every note: relative path -> (parsed front matter or None, body)."""
    out = {}
    for path in sorted((vault / "notes").rglob("*.md")):
        raw, body = _front(path.read_text(encoding="utf-8"))
        out[path.relative_to(vault / "notes").as_posix()] = (
            None if raw is None else yaml.safe_load(raw),
            body,
        )
    return out


def test_same_seed_gives_same_bytes(tmp_path: Path) -> None:
    a = _files(gv.generate_vault(tmp_path / "a", 300, seed=11))
    b = _files(gv.generate_vault(tmp_path / "b", 300, seed=11))
    assert a.keys() == b.keys()
    assert a == b


def test_same_seed_same_bytes_across_hash_seeds(tmp_path: Path) -> None:
    # Set iteration order depends on PYTHONHASHSEED; output must not.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import generate_vault as g; "
        "g.generate_vault(sys.argv[2], 150, seed=5)"
    )
    for hash_seed, out in (("1", "a"), ("2", "b")):
        subprocess.run(
            [sys.executable, "-c", code, str(BENCHMARKS), str(tmp_path / out)],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_different_seed_differs(tmp_path: Path) -> None:
    a = _files(gv.generate_vault(tmp_path / "a", 100, seed=1))
    b = _files(gv.generate_vault(tmp_path / "b", 100, seed=2))
    assert a != b


@pytest.mark.parametrize("n", [10, 11, 57, 400, 1000])
def test_exactly_n_markdown_files(tmp_path: Path, n: int) -> None:
    vault = gv.generate_vault(tmp_path / "v", n)
    md = list((vault / "notes").rglob("*.md"))
    assert len(md) == n  # N includes index.md and Follow-ups.md
    assert (vault / "notes" / "index.md").is_file()
    assert (vault / "notes" / "Follow-ups.md").is_file()
    assert sum(gv.plan_counts(n).values()) == n


def test_too_few_notes_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        gv.generate_vault(tmp_path / "v", gv.MIN_NOTES - 1)


def test_existing_vault_is_not_overwritten(tmp_path: Path) -> None:
    gv.generate_vault(tmp_path / "v", 20)
    with pytest.raises(FileExistsError):
        gv.generate_vault(tmp_path / "v", 20)


def test_mkdocs_yml(vault: Path) -> None:
    config = yaml.safe_load((vault / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"]
    assert config["docs_dir"] == "notes"
    assert config["theme"] == {"name": "material"}


def test_every_front_matter_parses(notes: dict[str, tuple[dict | None, str]]) -> None:
    with_front = [fm for fm, _ in notes.values() if fm is not None]
    assert len(with_front) > 0.9 * len(notes)
    assert all(isinstance(fm, dict) for fm in with_front)


def test_stems_unique_case_insensitively(vault: Path) -> None:
    stems = Counter(p.stem.casefold() for p in (vault / "notes").rglob("*.md"))
    assert [s for s, n in stems.items() if n > 1] == []


def test_shape(notes: dict[str, tuple[dict | None, str]]) -> None:
    kinds = Counter((fm or {}).get("type") for fm, _ in notes.values())
    plan = gv.plan_counts(400)
    assert kinds["contact"] == plan["contacts"] == 140
    assert kinds["interview"] == plan["interviews"] == 180
    assert kinds["company"] == plan["companies"] == 48
    assert kinds["career"] == plan["careers"] == 12
    assert gv.plan_counts(10)["careers"] == 3
    contact_paths = [p for p, (fm, _) in notes.items() if fm and fm.get("type") == "contact"]
    assert all(p.startswith("contacts/") for p in contact_paths)


def test_front_matter_links_resolve(notes: dict[str, tuple[dict | None, str]]) -> None:
    """Links in front matter always point at an existing note of the right kind."""
    by_stem = {Path(p).stem: (fm or {}).get("type") for p, (fm, _) in notes.items()}
    expect = {
        "with": "contact",
        "referrals": "contact",
        "introduced_by": "contact",
        "company": "company",
        "career": "career",
    }
    for path, (fm, _) in notes.items():
        if not fm:
            continue
        for key, kind in expect.items():
            if key not in fm:
                continue
            values = fm[key] if isinstance(fm[key], list) else [fm[key]]
            assert values, (path, key)
            for value in values:
                m = re.fullmatch(r"\[\[([^\]|#]+)\]\]", value)
                assert m, (path, key, value)
                assert by_stem.get(m.group(1)) == kind, (path, key, value)


def test_interview_fields(notes: dict[str, tuple[dict | None, str]]) -> None:
    interviews = {p: fm for p, (fm, _) in notes.items() if fm and fm.get("type") == "interview"}
    statuses = Counter(fm["status"] for fm in interviews.values())
    assert statuses["done"] > statuses["planned"] > statuses["cancelled"] > 0
    for path, fm in interviews.items():
        day = fm["date"].isoformat()  # safe_load reads ISO dates as dates
        assert "2025-01-01" <= day <= "2027-03-31"
        assert path.startswith(f"interviews/{day} ")
        if isinstance(fm["with"], list):
            assert 1 <= len(fm["with"]) <= 3
        assert fm.get("interest", 0) in (-2, -1, 0, 1, 2)
    assert sum("thank_you" in fm for fm in interviews.values()) > len(interviews) / 2


def test_contact_fields(notes: dict[str, tuple[dict | None, str]]) -> None:
    contacts = [fm for fm, _ in notes.values() if fm and fm.get("type") == "contact"]
    emails = [fm["email"] for fm in contacts]
    assert all(re.fullmatch(r"[a-z0-9.]+@example\.com", e) for e in emails)
    assert len(set(emails)) == len(emails)
    introduced = sum("introduced_by" in fm for fm in contacts) / len(contacts)
    cadenced = sum("cadence" in fm for fm in contacts) / len(contacts)
    assert 0.3 < introduced < 0.5
    assert 0.2 < cadenced < 0.4


def test_bodies_have_links_headings_and_tasks(notes: dict[str, tuple[dict | None, str]]) -> None:
    bodies = "\n".join(body for _, body in notes.values())
    assert "[[" in bodies and "|" in bodies and "#" in bodies
    assert re.search(r"\[\[[^\]|#]+\|[^\]]+\]\]", bodies)  # [[Name|text]]
    assert re.search(r"\[\[[^\]|#]+#[^\]|]+\]\]", bodies)  # [[Name#Heading]]
    assert re.search(r"^- \[ \] .* 📅 \d{4}-\d{2}-\d{2}$", bodies, re.M)
    assert re.search(r"^- \[ \] .* due:\d{4}-\d{2}-\d{2}$", bodies, re.M)
    assert re.search(r"^- \[x\] ", bodies, re.M)
    assert re.search(r"^```", bodies, re.M)
    assert re.search(r"^## ", bodies, re.M)


def test_body_length(notes: dict[str, tuple[dict | None, str]]) -> None:
    """Bodies hold 5-40 non-blank lines (the fixed index lists every career, so it is exempt)."""
    for path, (_, body) in notes.items():
        if path in ("index.md", "Follow-ups.md"):
            continue
        lines = [line for line in body.splitlines() if line.strip()]
        assert 5 <= len(lines) <= 40, path


def test_unique_names_disambiguate_only_when_exhausted() -> None:
    names = gv._Names()
    got = names.unique(["Ann Lee", "Bo Kim"], 5)
    assert got == ["Ann Lee", "Bo Kim", "Ann Lee 2", "Bo Kim 2", "Ann Lee 3"]
    assert names.unique(["ann lee", "Cy Park"], 1) == ["Cy Park"]  # case-insensitive clash


def test_bare_yaml_read_reads_every_note(vault: Path) -> None:
    # The §11 baseline must see the same files the generator wrote.
    out = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bare_yaml_read.py"), str(vault / "notes")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    files, parsed, failed = map(int, re.findall(r"\d+", out))
    assert files == 400
    assert failed == 0
    notes_with_front = [
        p for p in (vault / "notes").rglob("*.md") if p.read_text("utf-8").startswith("---\n")
    ]
    assert parsed == len(notes_with_front)
