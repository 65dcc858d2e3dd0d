"""The notes as parsed, remembered between the site's runs: a note whose bytes a run parsed
before is not parsed again (a third of a `build` after a few edits at 5,000 notes), its Note
is read back from the record (`note_json`), about three times faster.

One file in the vault's cache folder (`manifest.cache_dir`, beside `site.json`; git ignores
it), holding a line per note: a digest of the note's path and bytes (and whether the parse kept
the links' sentences), then the Note as JSON. A lookup is by that digest, so a note whose
bytes changed in any way, or that moved, is parsed anew; nothing is trusted by a file's date.

What it holds:
- Never a private note (`Note.private`: `private: true`, `publish: false`, `draft: true`, or
  anything unclear), nor any note whose front matter so much as names one of those keys
  (`privacy.may_name_visibility`): those are parsed on every run, so that no word of a
  private note is ever in the cache folder, and no record, damaged or crafted, can make a
  private note public. A public note's values are there as they are in the note itself.
- Only the notes of the last run that read the whole vault: a note deleted, or changed, has
  its line dropped by the next such run.

The record is used only by the code that wrote it (`manifest.fingerprint`: the package, PyYAML,
Python). A record that cannot be read, or whose lines are not the ones its first line vouches
for (a digest of them all), is discarded in one line, and every note is parsed. It is replaced
whole (temporary file, then rename), readable by its owner only, by the run that holds the
site's lock (`SiteCache.lock`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from pathlib import Path

from ..manifest import fingerprint, read_plain_file
from ..note_json import from_json, to_json
from ..notes import Note
from ..parse import decode_note, parse_note
from ..privacy import may_name_visibility
from ..vault import note_from_data
from ..writer import content_hash
from .site_cache import make_folder

log = logging.getLogger("mkdocs.plugins.vault")

FILE_NAME = "parsed.jsonl"
FORMAT = 2
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class ParsedNotes:
    """The record of one whole-vault load: `note_from_data` for each note read, then `save`."""

    def __init__(self, folder: Path | None, lines: dict[str, str] | None = None) -> None:
        self.folder = folder
        self._known = lines or {}  # the record's lines not asked for yet, by digest
        self._kept: dict[str, str] = {}  # the lines of the notes read now
        # The Notes made for the notes read since `load`, by the same digest, private ones too
        # (never written anywhere): the next whole load in this process takes them as they are
        # (`serve`'s first build reads the very notes its watcher's first fill just read, ~0.4 s
        # of a start at 5,000 notes). Let go of by the `save` after that load (None: then
        # every note is parsed).
        self._made: dict[str, Note] | None = {}
        self._changed = False
        self._saved = False

    @classmethod
    def load(cls, folder: Path | None, *, trust: bool = True) -> ParsedNotes:
        """The record in `folder` (None: no cache folder; not `trust`: none, as for `build
        --clean`: the notes are all parsed, and the record replaced)."""
        if folder is None or not trust:
            return cls(folder)
        path = folder / FILE_NAME
        try:
            data = read_plain_file(path)
        except FileNotFoundError:
            return cls(folder)
        except OSError as exc:
            return cls._discarded(folder, f"cannot be read ({exc.strerror or exc})")
        head, _, body = data.partition(b"\n")
        try:
            found = json.loads(head)
            if not isinstance(found, dict) or found.get("format") != FORMAT:
                return cls._discarded(folder, "was written by another version")
            if found.get("key") != _key():
                return cls(folder)  # (other code: every note parsed, the record replaced)
            if found.get("lines") != _digest(body):
                return cls._discarded(folder, "is damaged")
            text = body.decode("ascii")
            lines = dict(line.split("\t", 1) for line in text.split("\n")) if text else {}
        except (ValueError, UnicodeDecodeError) as exc:
            return cls._discarded(folder, f"is damaged ({str(exc)[:60]})")
        return cls(folder, lines)

    @classmethod
    def _discarded(cls, folder: Path, why: str) -> ParsedNotes:
        log.info(f"The record of parsed notes {folder / FILE_NAME} {why}: discarded, every "
                 "note is parsed.")
        with contextlib.suppress(OSError):
            (folder / FILE_NAME).unlink()
        return cls(folder)

    def note_from_data(self, rel_path: str, data: bytes | OSError, contexts: bool = True, *,
                       digest: str | None = None) -> tuple[Note, str | None]:
        """`vault.note_from_data`: the Note made from these bytes at this path earlier in this
        process (until a second `save`); else (before `save`) the one the record holds for
        them, or a parse, recorded (unless private); else a parse. `digest`: the bytes'
        `content_hash`, when the caller has it (else it is worked out here)."""
        if self.folder is None or self._made is None or not isinstance(data, bytes):
            # (no folder to keep them in: nothing to look up, nothing worth encoding)
            return note_from_data(rel_path, data, contexts)
        text, _ = decode_note(rel_path, data)
        if text is None:
            return note_from_data(rel_path, data, contexts)
        key = _entry(rel_path, digest or content_hash(data), contexts)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._note(key, rel_path, text, contexts)
        return made, text

    def _note(self, key: str, rel_path: str, text: str, contexts: bool) -> Note:
        """The Note of `text`, the note `rel_path` whose digest is `key`: from the record if it
        holds it (before `save`), else parsed (and recorded, before `save`)."""
        if self._saved or may_name_visibility(text):
            # (after `save`: nothing more is recorded; naming its privacy: that is never taken
            # from the record)
            return parse_note(rel_path, text, contexts=contexts)
        line = self._known.pop(key, None)
        if line is not None:
            try:
                note = from_json(line)
            except (ValueError, TypeError, IndexError, KeyError, OverflowError):
                note = None
            if note is not None and note.path == rel_path:
                self._kept[key] = line
                return note
            self._changed = True
        note = parse_note(rel_path, text, contexts=contexts)
        if not note.private:  # (always so here: kept as the rule this record lives by)
            made = to_json(note)
            if made is not None:
                self._kept[key] = made
                self._changed = True
        return note

    def save(self) -> None:
        """Replace the record with the lines of the notes read since `load` (when they are
        not the record's already), then let go of them all: a note read after is parsed,
        unless read since `load` with the same bytes (its Note is the one made then). A second
        save lets go of those Notes too. Best effort: a folder that cannot be written just
        means every note is parsed next time."""
        if self._saved:
            self._made = None
            return
        kept, self._kept, known, self._known = self._kept, {}, self._known, {}  # (let go of)
        self._saved = True
        if self.folder is None or not (self._changed or known):
            return
        body = "\n".join(f"{key}\t{line}" for key, line in kept.items()).encode("ascii")
        del kept
        head = json.dumps({"format": FORMAT, "key": _key(), "lines": _digest(body)})
        temp = self.folder / f".{FILE_NAME}.{os.getpid()}.tmp"
        try:
            make_folder(self.folder)
            temp.unlink(missing_ok=True)
            # O_EXCL: never through a link planted at that name; 0600: the owner's notes.
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
            with open(fd, "wb") as file:
                file.write(head.encode("ascii") + b"\n" + body)
            os.replace(temp, self.folder / FILE_NAME)
        except OSError as exc:
            log.info(f"The record of parsed notes could not be written ({exc}).")
            with contextlib.suppress(OSError):
                temp.unlink()


    def finish(self) -> None:
        """`save` (unless saved), then let go of every Note made: no later load takes them.
        (`serve`, once its site answers: its first build took the notes as its watcher's
        first fill read them, or loaded them through this record and saved it.)"""
        self.save()
        self._made = None


def _key() -> str:
    # The code that parses (parsing reads no setting: no dashboard name is given).
    return fingerprint("")


def _entry(rel_path: str, digest: str, contexts: bool) -> str:
    """A note's key in the record: its path, whether its links' sentences were kept, and its
    bytes' `content_hash` (worked out once a read: the watcher and the site want it too)."""
    h = hashlib.blake2b(rel_path.encode("utf-8", "surrogatepass"), digest_size=16)
    h.update(b"\0+\0" if contexts else b"\0-\0")
    h.update(digest.encode("ascii"))
    return h.hexdigest()


def _digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()
