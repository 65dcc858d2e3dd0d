"""The leak scan's secrets, worked out again only when what they are made from changed.

`privacy.secrets` reads every note of the vault (~0.15 s at 5,000 notes): a whole-vault cost
that `serve` paid on every save, although a save rarely changes any secret. `KnownSecrets`
keeps the last build's secrets and the notes and texts they were made from (the objects, not
copies: the index replaces a note it reads again, so an unchanged note is the same object) and
gives them back when

- the private notes are the same ones, and none of them was read again (their every word is a
  secret: one that changed is never compared, its secrets are worked out again);
- the published fields and the shared templates (`leaks.shared_templates`) are the same;
- every public note read again gives equal `privacy.secret_inputs` (names, front matter,
  comments): a line of prose added to a public note changes none of them.

Anything else (a note created, deleted or renamed, a privacy change, a comment, a changed
field) works them out again. `tests/test_known_secrets.py` holds them equal to the plain path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..note_texts import as_text, held_text
from ..notes import Note
from ..privacy import Secret, secret_inputs
from ..views.common import SiteView
from .leaks import LeakScanner


class KnownSecrets:
    """The secrets of the last build of one site, and what they were worked out from."""

    def __init__(self) -> None:
        self._made_from: tuple[Any, ...] | None = None
        # Each note and its text as `held_text` gives it: a `NoteTexts`' bytes, not a copy.
        self._notes: dict[str, tuple[Note, str | bytes | None]] = {}
        self._found: list[Secret] = []
        self._scanner: LeakScanner | None = None

    def secrets(self, view: SiteView, texts: Mapping[str, str], shared: list[str],
                compute: Callable[[], list[Secret]]) -> list[Secret]:
        """`compute()` (the secrets of `view` with `texts` and `shared`), or the last ones it
        gave when they are the same (see the module)."""
        made_from = (view.hidden, view.publish_fields, tuple(shared))
        if made_from == self._made_from and self._same_notes(view, texts):
            return self._found
        self._made_from = None  # (until `compute` returns)
        self._found = compute()
        self._scanner = None
        self._notes = {path: (note, held_text(texts, path))
                       for path, note in view.index.notes.items()}
        self._made_from = made_from
        return self._found

    def scanner(self, secrets: list[Secret]) -> LeakScanner:
        """A scanner of `secrets`: the one made for the last secrets `secrets` gives when they
        are these (its memory of the places found clean holds for the same secrets)."""
        if secrets is not self._found:
            return LeakScanner(secrets)
        if self._scanner is None:
            self._scanner = LeakScanner(secrets)
        return self._scanner

    def _same_notes(self, view: SiteView, texts: Mapping[str, str]) -> bool:
        """True when every note gives the secrets it gave (see the module); the notes then
        stand for the ones they were compared with."""
        notes = view.index.notes
        if len(notes) != len(self._notes):
            return False
        changed = {}
        for path, note in notes.items():
            known = self._notes.get(path)
            if known is None:
                return False
            held = held_text(texts, path)
            if known[0] is note and known[1] is held:
                continue
            if path in view.hidden or known[0].path in view.hidden:
                return False
            if secret_inputs(known[0], as_text(known[1])) != secret_inputs(note, texts.get(path)):
                return False
            changed[path] = (note, held)
        self._notes.update(changed)
        return True
