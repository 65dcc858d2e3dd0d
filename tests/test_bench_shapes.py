"""The benchmark vault shapes (benchmarks/vault_shapes.py): each is a valid vault that `check`
reads like the generator's own, deterministic, and its attachments are real PNG and PDF files.
A shape that broke links or wrote junk bytes would make `make bench` measure the wrong work."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import vault_shapes  # noqa: E402

NOTES = 120


@pytest.fixture(scope="module")
def shaped() -> dict[str, dict[str, bytes]]:
    return {shape: vault_shapes.render_shaped(NOTES, 3, shape) for shape in vault_shapes.SHAPES}


def _notes(files: dict[str, bytes]) -> dict[str, str]:
    return {p: d.decode("utf-8") for p, d in files.items()
            if p.startswith("notes/") and p.endswith(".md")}


def test_every_shape_has_the_same_number_of_notes_and_the_same_bytes_each_time(shaped) -> None:
    for shape, files in shaped.items():
        assert len(_notes(files)) == NOTES, shape
        assert vault_shapes.render_shaped(NOTES, 3, shape) == files, shape
    assert len({json.dumps(sorted(f.items()), default=str) for f in shaped.values()}) == 4


def test_long_notes_have_fifty_lines_and_many_sections(shaped) -> None:
    for path, text in _notes(shaped["long"]).items():
        if path in vault_shapes.FIXED or "\nprivate: true" in text:
            continue
        assert sum(1 for line in text.split("\n") if line.strip()) >= 50, path
        assert len(re.findall(r"^## ", text, re.MULTILINE)) >= 4, path


def test_deep_notes_sit_six_to_eight_folders_below_their_kind(shaped) -> None:
    for path in _notes(shaped["deep"]):
        if path in vault_shapes.FIXED:
            continue
        depth = len(Path(path).parts) - 2  # notes/ and the file
        assert 6 <= depth <= 9, path  # 6-8 levels, under the kind's folder when it has one


def _png_ok(data: bytes) -> bool:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, kinds, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, kind
        kinds.append(kind)
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        if kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    return len(zlib.decompress(idat)) == height * (1 + 3 * width)


def _pdf_ok(data: bytes) -> bool:
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    xref = int(data[data.rindex(b"startxref") + 9:].split()[0])
    assert data[xref:xref + 4] == b"xref"
    entries = data[xref:].split(b"\n")[3:8]
    for number, entry in enumerate(entries, 1):
        offset = int(entry.split()[0])
        assert data[offset:].startswith(f"{number} 0 obj".encode()), number
    return True


def test_attachments_are_real_png_and_pdf_files_that_notes_embed(shaped) -> None:
    files = shaped["attachments"]
    attached = {p: d for p, d in files.items() if p.startswith("notes/attachments/")}
    assert any(p.endswith(".png") for p in attached) and any(p.endswith(".pdf") for p in attached)
    for path, data in attached.items():
        assert _png_ok(data) if path.endswith(".png") else _pdf_ok(data), path
    embeds = sum(text.count("![[") for text in _notes(files).values())
    assert embeds > NOTES // 10


def _check(root: Path) -> list[dict]:
    exe = Path(sys.executable).parent / "vault-tools"
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "vault_tools"]
    proc = subprocess.run([*cmd, "check", "--vault", str(root), "--json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_every_shape_checks_like_the_generators_vault(tmp_path: Path) -> None:
    # The same diagnostics as the generator's vault (its placeholders), nothing more: a moved
    # note, an added link or an embed that did not resolve would show up as another one.
    found = {}
    for shape in vault_shapes.SHAPES:
        root = vault_shapes.write_shaped(tmp_path / shape, NOTES, 3, shape)
        found[shape] = Counter((d["code"], d["message"]) for d in _check(root))
    assert found["generator"]
    for shape in vault_shapes.SHAPES:
        assert found[shape] == found["generator"], shape


def test_a_cached_vault_is_reused_and_made_again_when_asked_for_another_shape(
        tmp_path: Path) -> None:
    first, reused = vault_shapes.ensure_shaped_vault(tmp_path, 20, 1, "deep")
    again, reused_again = vault_shapes.ensure_shaped_vault(tmp_path, 20, 1, "deep")
    other, _ = vault_shapes.ensure_shaped_vault(tmp_path, 20, 1, "long")
    assert (first, reused, reused_again) == (again, False, True)
    assert other != first
