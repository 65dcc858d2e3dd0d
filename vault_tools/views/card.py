"""A note's front-matter card as rows (`card_rows`), and the fields it leaves off the site
(`hidden_fields`); written as HTML by `site.render.card`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import schema
from ..notes import Note
from ..privacy import UNPUBLISHED_BY_DEFAULT, visibility_key
from ..schema import LINK_KEYS
from ..tags import tag_name, tag_page
from ..wikilinks import WIKILINK_RE
from .common import CardItem, Ref, SiteView, Url
from .tags import TAGS_KEY


@dataclass(frozen=True)
class CardRow:
    """One front-matter key of a note's card: its label and the values to show."""

    key: str
    label: str
    items: tuple[CardItem, ...]


# Shown elsewhere on the page (title, type badge). The visibility keys (`private`, `publish`,
# `draft`, in any case) are never shown either.
_CARD_SKIP = frozenset({"title", "type"})


def card_rows(view: SiteView, note: Note) -> list[CardRow]:
    """The rows of a note's front-matter card: the keys of its type in §3 order, then any other
    keys as written. Unpublished fields and empty values are left out; links become Refs."""
    meta = note.meta
    known = schema.TYPE_KEYS.get(note.type or "", ())
    keys = [k for k in known if k in meta] + [k for k in meta if k not in known]
    rows = []
    for key in keys:
        if key in _CARD_SKIP or visibility_key(key) or not view.field_allowed(key):
            continue
        if key == TAGS_KEY:
            continue  # below, with the body's tags
        items = tuple(_card_items(view, key, meta[key], note.path))
        if items:
            rows.append(CardRow(key, schema.key_label(key), items))
    # Each tag a link to its page (the note is public, so its tags have pages); a value of
    # `tags:` Obsidian reads as no tag (`career change`) as the text it is.
    tags: list[CardItem] = []
    for written in note.tags:
        name = tag_name(written)
        tags.append(Ref("ok", f"#{name}", tag_page(name)) if name is not None else written)
    if tags:
        rows.append(CardRow(TAGS_KEY, schema.key_label(TAGS_KEY), tuple(tags)))
    return rows


def hidden_fields(view: SiteView, note: Note) -> tuple[str, ...]:
    """The fields of `note` with a value that the card leaves out because `publish_fields`
    does not list them (`email`, `phone`, `linkedin`...), lower case, in card order: what the
    card says it hides, never the values. A field with no value is not named (the card would
    promise something that is not there)."""
    hidden: list[str] = []
    for key, value in note.meta.items():
        name = key.lower()
        if (name in UNPUBLISHED_BY_DEFAULT and not view.field_allowed(name)
                and name not in hidden and any(True for _ in _card_items(view, key, value,
                                                                          note.path))):
            hidden.append(name)
    return tuple(sorted(hidden, key=UNPUBLISHED_BY_DEFAULT.index))


def _card_items(view: SiteView, key: str, value: Any, source: str) -> Iterable[CardItem]:
    if value is None or value == "" or value == []:
        return
    if isinstance(value, list):
        for item in value:
            yield from _card_items(view, key, item, source)
        return
    if isinstance(value, bool):
        yield "yes" if value else "no"
    elif isinstance(value, dt.datetime):
        yield value.date()
    elif isinstance(value, dt.date):
        yield value
    elif isinstance(value, int) and key == "interest":
        yield f"{value:+d}"
    elif isinstance(value, dict):
        for sub_key, sub_value in value.items():
            yield f"{sub_key}: {_plain_text(view, str(sub_value), source)}"
    elif isinstance(value, str):
        text = value.strip()
        match = WIKILINK_RE.fullmatch(text)
        if match:
            yield _wikilink_ref(view, match.group(1), source)
        elif key in LINK_KEYS and text:
            yield view.ref(text, source=source)
        elif re.match(r"^https?://\S+$", text):
            yield Url(text)
        elif _ISO_DATE.match(text):
            yield _date_or_text(text)
        elif text:
            yield _plain_text(view, text, source)
    else:
        yield str(value)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_or_text(text: str) -> dt.date | str:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _wikilink_ref(view: SiteView, inner: str, source: str) -> Ref:
    inner = inner.replace("\\|", "|")
    target, _, label = inner.partition("|")
    target, _, heading = target.partition("#")
    return view.ref(target.strip(), heading.strip() or None, label.strip() or None, source)


def _plain_text(view: SiteView, text: str, source: str) -> str:
    """Text with its wikilinks replaced by what they show (a private target by PRIVATE_TEXT)."""
    return WIKILINK_RE.sub(lambda m: _wikilink_ref(view, m.group(1), source).text, text)
