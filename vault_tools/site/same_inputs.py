"""A page's inputs digested once while they stay the same: `Digested`.

Every save, `serve` works out again the inputs of the pages made from the whole vault (the home
note, the follow-ups note, the dashboards) and digests them (`site_cache.digest`): at 20,000
notes their inputs hold every follow-up and where each of their links goes, and pickling and
hashing them took ~0.4 s a save, mostly for the same values as the save before (what the
dashboards read did not change: `GeneratedPages._share_memo` hands the next build the very
objects). `Digested` keeps the last inputs of those pages with their digest, and gives the digest
again for inputs that are `same` as them.

`same` is stricter than `==`, so that `same(a, b)` means `digest(a) == digest(b)` (held by
`tests/test_same_inputs.py` against the plain path): equal types at every level (`1`, `1.0` and
`True` differ), floats by their bits, dates by their bytes, dicts in order, sets only when they
are one object (their pickle follows an order equal sets need not share). One object is the
same as itself: a build's values are never changed once made (the premise `SiteView.memo`
already rests on), so a tuple met again is not walked again (the follow-ups' links: ~60,000
tuples at 20,000 notes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import struct
from typing import Any

from .site_cache import Unencodable, digest

_ATOMS = (str, bytes, int, bool, type(None))
_TIMES = (dt.date, dt.datetime, dt.time)


def same(a: Any, b: Any) -> bool:
    """True when `a` and `b` have one digest (`site_cache.digest`) because they are one value:
    False when it cannot tell cheaply (the caller then digests)."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind in _ATOMS:
        return bool(a == b)
    if kind is float:
        return struct.pack("<d", a) == struct.pack("<d", b)
    if kind in _TIMES:
        # (pickled as their reduction: the value's bytes, and its time zone if any)
        return same(a.__reduce__(), b.__reduce__())
    if isinstance(a, (tuple, list)):
        # (a named tuple pickles by its fields too: its class is compared above)
        return len(a) == len(b) and all(map(same, a, b))
    if kind is dict:
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True))
    if dataclasses.is_dataclass(a) and not isinstance(a, enum.Enum):
        # Pickled (a frozen or slotted dataclass) by every field; compared by all of them.
        return all(same(getattr(a, f.name), getattr(b, f.name))
                   for f in dataclasses.fields(a)) and _only_fields(a) and _only_fields(b)
    return False


def _only_fields(value: Any) -> bool:
    """True when `value` holds nothing but its dataclass fields (nothing else would pickle)."""
    state = getattr(value, "__dict__", None)
    names = {f.name for f in dataclasses.fields(value)}
    return state is None or set(state) <= names


class Digested:
    """The digest of each page's inputs (`digest`, with the build's `volatile` string), worked
    out again only when the inputs are not `same` as the ones last digested for that page. It
    holds the inputs of the pages it is asked about with `keep` (the pages worked out again on
    every save): the rest would hold every page's inputs, which a build keeps by digest only."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[str, Any, str]] = {}  # page -> (volatile, inputs, digest)

    def digest(self, page: str, inputs: Any, volatile: str, *, keep: bool) -> str:
        """`digest(inputs, volatile)`; raises `Unencodable` as it does."""
        last = self._last.get(page)
        if last is not None and last[0] == volatile and same(last[1], inputs):
            return last[2]
        try:
            found = digest(inputs, volatile)
        except Unencodable:
            self._last.pop(page, None)
            raise
        if keep:
            self._last[page] = (volatile, inputs, found)
        else:
            self._last.pop(page, None)
        return found

    def forget_others(self, pages: set[str]) -> None:
        """Let go of the inputs of pages not among `pages` (gone, or no longer kept)."""
        for page in set(self._last) - pages:
            del self._last[page]
