"""`NoteTexts`: every note's text, held as UTF-8 while a site is built from it (`encoded`,
`decoded`: the same for other text a build holds a while, the pages' HTML).

A site's build keeps the text of every note it read (MkDocs is served the text the index was
made from, never a later save). As Python strings those texts take 1, 2 or 4 bytes a character
by each text's widest character, and one emoji, as in a Tasks date (`📅 2026-05-01`), makes the
whole note 4 bytes a character: 88 MB for the 24 MB of a 5,000-note vault (docs/performance.md).
Held as their UTF-8 bytes they take what they take on disk, and each is decoded when asked for,
which a build does about once a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping

# Lone surrogates cannot come from a note read as UTF-8, but a text put here by other code could
# hold one: it comes back as it went in.
_ERRORS = "surrogatepass"


class NoteTexts(MutableMapping[str, str]):
    """A mapping of note path to text that answers as a dict of them would, holding each text as
    its UTF-8 bytes (tests/test_note_texts.py)."""

    __slots__ = ("_data",)

    def __init__(self, texts: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        self._data: dict[str, bytes] = {}
        self.update(texts)

    def __getitem__(self, path: str) -> str:
        return decoded(self._data[path])

    def __setitem__(self, path: str, text: str) -> None:
        self._data[path] = encoded(text)

    def __delitem__(self, path: str) -> None:
        del self._data[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, path: object) -> bool:
        return path in self._data

    def hold(self, path: str, data: bytes) -> None:
        """Put, as `path`'s text, the text whose UTF-8 bytes `data` are (a note's bytes as read,
        which decoded as UTF-8): held as they are, not decoded and encoded again."""
        self._data[path] = data

    def held(self, path: str) -> bytes | None:
        """The bytes held for `path` (None: no text): the same object for as long as its text
        is not put again, so a caller can tell an unchanged text by identity, undecoded."""
        return self._data.get(path)

    def __repr__(self) -> str:
        return f"NoteTexts({len(self._data)} notes)"


def encoded(text: str) -> bytes:
    """`text` as held: its UTF-8 bytes (a lone surrogate kept, see `_ERRORS`)."""
    return text.encode("utf-8", _ERRORS)


def decoded(held: bytes) -> str:
    """The text of bytes `encoded` (or `NoteTexts.held`) gave."""
    return held.decode("utf-8", _ERRORS)


def held_text(texts: Mapping[str, str], path: str) -> str | bytes | None:
    """`path`'s text as `texts` holds it (None: none): a `NoteTexts`' bytes, the same object
    for as long as the text is not put again, or another mapping's string. A cache keyed by
    it keeps no decoded copy of every text alive (350 MB at 20,000 notes)."""
    return texts.held(path) if isinstance(texts, NoteTexts) else texts.get(path)


def as_text(held: str | bytes | None) -> str | None:
    """The text `held_text` gave, decoded if it is bytes."""
    return decoded(held) if isinstance(held, bytes) else held
