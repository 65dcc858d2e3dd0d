"""Vault shapes for the benchmarks: the generator's own vault, and three variants of it that
stress other parts of the work (standard library only).

- ``generator``: ``generate_vault.render_vault`` as it is.
- ``long``: the same notes, each public note lengthened to 50–90 non-blank lines: many ``##``
  sections, links to other public notes (by name, with a shown text, to a heading of a long
  note) and tasks in every §10 form.
- ``attachments``: the same notes, with small real PNG images and PDF documents in
  ``notes/attachments/`` (one for every five notes), and about a third of the public notes
  embedding one to three of them (``![[image.png]]``, ``![[scan.pdf]]``, ``![alt](relative)``)
  or a public note (``![[Name]]``).
- ``deep``: the same notes moved six to eight folders down (``contacts/d1-2/d2-0/…/Name.md``),
  so links by path and relative links cross deep trees.

Every shape is a pure function of ``(notes, seed)``, like the generator: the same arguments give
the same bytes. Added links only ever point at notes that are public when generated, so a shape
adds nothing the site's leak scan would have to refuse (private notes are left as they are).
The PNG and PDF bytes are written here from the formats' specifications (PNG: signature, IHDR,
IDAT of zlib-compressed scanlines, IEND, each chunk with its CRC-32; PDF 1.4: a catalog, a page
tree, one page with a text stream, a cross-reference table with the objects' byte offsets).

``ensure_shaped_vault`` keeps generated vaults in a cache folder, stamped with the parameters
and the hash of both generator modules, so a vault is rebuilt whenever either changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import struct
import zlib
from pathlib import Path
from random import Random
from urllib.parse import quote

from generate_vault import render_vault

HERE = Path(__file__).resolve().parent
SHAPES = ("generator", "long", "attachments", "deep")
STAMP = ".generator.json"  # at the vault root, beside mkdocs.yml: outside the notes folder
ATTACHMENTS = "attachments"  # folder under notes/
FIXED = ("notes/index.md", "notes/Follow-ups.md")
LONG_EXTRA = (50, 90)  # non-blank lines a long note ends up with, at least / at most
DEEP_LEVELS = (6, 8)  # folders below the kind's own folder


# --- which notes may be linked: public ones, by name -------------------------------------------


def _front(text: str) -> str:
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---\n", 3)
    return text[4:end] if end > 0 else ""


def _is_private(text: str) -> bool:
    return "\nprivate: true" in "\n" + _front(text)


def _public_targets(files: dict[str, str]) -> list[str]:
    """Stems of the public notes that are not interviews (an interview's name holds its
    contact's, who may be made private later by bench_build), in a stable order."""
    return [posixpath.basename(path)[:-3] for path, text in files.items()
            if path.startswith("notes/") and path.endswith(".md") and path not in FIXED
            and "/interviews/" not in f"/{path}" and not _is_private(text)]


def _editable(files: dict[str, str]) -> list[str]:
    """Paths of the public notes a shape may add to, in a stable order."""
    return [path for path, text in files.items()
            if path.startswith("notes/") and path.endswith(".md") and path not in FIXED
            and not _is_private(text)]


# --- long notes ---------------------------------------------------------------------------------

_PROSE = (
    "Followed up on the points from {L}, and the answer about {S} was clearer this time.",
    "{L} suggested reading more about {S} before the next conversation.",
    "Compared notes with {L}; both of us think {S} matters more than the title.",
    "Kept a list of open questions for {L} about {S}.",
    "A short call with {L} about {S} turned into an hour.",
)
_SUBJECTS = ("hiring plans", "team culture", "the first ninety days", "remote work",
             "career ladders", "mentoring", "on-call duty", "budgets")


def _link(rng: Random, stems: list[str]) -> str:
    stem = stems[rng.randrange(len(stems))]
    r = rng.random()
    if r < 0.15:
        return f"[[{stem}|{stem.split(' ')[0]}]]"
    if r < 0.30:
        return f"[[{stem}#Part {rng.randint(1, 4)}]]"  # every long note has Parts 1–4
    return f"[[{stem}]]"


def _long_lines(rng: Random, stems: list[str], have: int) -> list[str]:
    """Sections ``## Part 1``, ``## Part 2``… of prose, bullets and tasks, enough to bring a
    note of ``have`` non-blank lines to 50–90."""
    want = rng.randint(*LONG_EXTRA) - have
    lines: list[str] = []
    part = 0
    while want > 0 or part < 4:
        part += 1
        lines += ["", f"## Part {part}", ""]
        want -= 1
        for _ in range(rng.randint(4, 9)):
            text = rng.choice(_PROSE).replace("{L}", _link(rng, stems))
            text = text.replace("{S}", rng.choice(_SUBJECTS))
            r = rng.random()
            day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if r < 0.2:
                subject = rng.choice(_SUBJECTS)
                lines.append(f"- [ ] Ask {_link(rng, stems)} about {subject} 📅 {day}")
            elif r < 0.3:
                lines.append(f"- [ ] Send {_link(rng, stems)} the notes due:{day}")
            elif r < 0.4:
                lines.append(f"- [x] Thank {_link(rng, stems)}")
            elif r < 0.6:
                lines.append(f"- {text}")
            else:
                lines += ["", text, ""] if lines[-1] else [text, ""]
            want -= 1
    return lines


def _lengthen(files: dict[str, str], seed: int) -> None:
    rng = Random(f"long-{seed}")
    stems = _public_targets(files)
    for path in _editable(files):
        text = files[path]
        have = sum(1 for line in text.split("\n") if line.strip())
        files[path] = text.rstrip("\n") + "\n" + "\n".join(_long_lines(rng, stems, have)).rstrip(
            "\n") + "\n"


# --- attachments: PNG and PDF bytes from their specifications -----------------------------------


def png_bytes(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid truecolour PNG of ``width`` x ``height`` pixels in a diagonal gradient of
    ``rgb``: signature, IHDR, one IDAT (filter byte 0 before each scanline), IEND."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            shade = (x + y) * 255 // max(width + height - 2, 1)
            rows += bytes((c + shade) // 2 for c in rgb)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def pdf_bytes(text: str) -> bytes:
    """A valid one-page PDF 1.4 showing ``text`` (ASCII letters, digits and spaces) in
    Helvetica, with a correct cross-reference table."""
    safe = "".join(c for c in text if c.isalnum() or c == " ")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def _attach(files: dict[str, str], binary: dict[str, bytes], notes: int, seed: int) -> None:
    rng = Random(f"attachments-{seed}")
    count = max(2, notes // 5)
    names = []
    for i in range(count):
        if i % 4 == 3:
            name = f"scan-{i:05d}.pdf"
            binary[f"notes/{ATTACHMENTS}/{name}"] = pdf_bytes(f"Scanned document {i}")
        else:
            name = f"image-{i:05d}.png"
            size = 8 + i % 9
            colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            binary[f"notes/{ATTACHMENTS}/{name}"] = png_bytes(size, size, colour)
        names.append(name)
    stems = _public_targets(files)
    for path in _editable(files):
        if rng.random() >= 0.35:
            continue
        folder = posixpath.dirname(path[len("notes/"):])
        lines = ["", "## Attachments", ""]
        for _ in range(rng.randint(1, 3)):
            name = rng.choice(names)
            r = rng.random()
            if r < 0.5:
                lines += [f"![[{name}]]", ""]
            elif r < 0.75 and name.endswith(".png"):
                rel = posixpath.relpath(f"{ATTACHMENTS}/{name}", folder or ".")
                lines += [f"![A picture]({quote(rel)})", ""]
            elif r < 0.85 and name.endswith(".png"):
                lines += [f"![[{name}|120]]", ""]  # Obsidian's width
            else:
                lines += [f"![[{rng.choice(stems)}]]", ""]  # a public note, embedded
        files[path] = files[path].rstrip("\n") + "\n" + "\n".join(lines).rstrip("\n") + "\n"


# --- deep folders -------------------------------------------------------------------------------


def deep_folder(folder: str, stem: str) -> str:
    """``folder`` followed by six to eight levels chosen from a hash of ``stem`` (four names a
    level), so notes spread over a deep, bushy tree the same way on every run."""
    digest = hashlib.sha256(stem.encode("utf-8")).digest()
    depth = DEEP_LEVELS[0] + digest[0] % (DEEP_LEVELS[1] - DEEP_LEVELS[0] + 1)
    levels = [f"d{i + 1}-{digest[i + 1] % 4}" for i in range(depth)]
    return posixpath.join(folder, *levels) if folder else posixpath.join(*levels)


# --- the vault ----------------------------------------------------------------------------------


def render_shaped(notes: int, seed: int, shape: str) -> dict[str, bytes]:
    """The vault of ``shape`` as ``{posix path relative to the vault root: bytes}``: ``notes``
    Markdown files (attachments are not notes), stable order. Pure."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; choose from {', '.join(SHAPES)}")
    files = render_vault(notes, seed, relocate=deep_folder if shape == "deep" else None)
    binary: dict[str, bytes] = {}
    if shape == "long":
        _lengthen(files, seed)
    elif shape == "attachments":
        _attach(files, binary, notes, seed)
    if shape != "generator":
        files["mkdocs.yml"] = files["mkdocs.yml"].replace(
            "site_name: Synthetic vault (", f"site_name: Synthetic vault ({shape}, ", 1)
    out = {path: text.encode("utf-8") for path, text in files.items()}
    out.update(binary)
    return out


def write_shaped(out_dir: Path, notes: int, seed: int, shape: str) -> Path:
    """Write the vault of ``shape`` into ``out_dir`` (which must not hold a vault yet)."""
    out_dir = Path(out_dir)
    notes_dir = out_dir / "notes"
    if (out_dir / "mkdocs.yml").exists() or (notes_dir.exists() and any(notes_dir.iterdir())):
        raise FileExistsError(f"{out_dir} already holds a vault")
    for rel, data in render_shaped(notes, seed, shape).items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out_dir


def source_hash() -> str:
    """The hash of both generator modules: a vault made by other code is made again."""
    digest = hashlib.sha256()
    for name in ("generate_vault.py", "vault_shapes.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def vault_name(notes: int, seed: int, shape: str) -> str:
    """The cache folder's name: the generator's keeps the name it always had."""
    base = f"notes{notes}-seed{seed}"
    return base if shape == "generator" else f"{shape}-{base}"


def ensure_shaped_vault(cache: Path, notes: int, seed: int, shape: str) -> tuple[Path, bool]:
    """``(vault root, reused)`` for the cached vault of ``shape``; made in a temporary folder
    and moved into place, so an interrupted run never leaves a half vault that looks whole."""
    stamp = json.dumps({"notes": notes, "seed": seed, "shape": shape,
                        "generator": source_hash()}, sort_keys=True)
    vault = cache / vault_name(notes, seed, shape)
    if (vault / STAMP).is_file() and (vault / STAMP).read_text(encoding="utf-8") == stamp:
        return vault, True
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".tmp-{vault.name}-{os.getpid()}"
    for stale in (tmp, vault):  # both live in our own cache folder
        if stale.exists():
            shutil.rmtree(stale)
    write_shaped(tmp, notes, seed, shape)
    (tmp / STAMP).write_text(stamp, encoding="utf-8")
    os.replace(tmp, vault)
    return vault, False
