"""Drafting a message: the kind's template (the vault's own, else the packaged one), the
facts of the note named, the message. Reads; never writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..capture.init import template_dir
from ..capture.new import read_template
from ..capture.templates import CaptureError
from ..index import VaultIndex
from ..lookup import ContactNameError
from ..notes import Note
from ..vault import Vault, VaultError, inside_notes, templates_folders
from . import facts as facts_
from .message import Message, address, compose

MESSAGES = "messages"  # the folder of message templates inside a templates folder
# The kinds shipped with the package, in the order a message goes out to someone.
KINDS = ("request", "thank-you", "introducer-update", "nudge", "keep-warm")
# The kinds whose message goes to the introducer, not to the person the draft is about.
TO_INTRODUCER = frozenset({"introducer-update"})
_KIND_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")


class DraftError(Exception):
    """No draft can be made: an unknown kind or name, an unreadable template."""


@dataclass(frozen=True)
class Draft:
    """A drafted message: what it says, to whom (`to_name`; `to`: their address when their
    note gives a usable one), the template it came from, and what the user should know
    (`notes`: an address left out, and why)."""

    kind: str
    message: Message
    to_name: str
    to: str | None
    template: Path
    notes: tuple[str, ...] = ()


def kinds(vault: Vault) -> list[str]:
    """The kinds a draft may be: the packaged ones, then each other `templates/messages/
    KIND.md` of the vault, by name (a file's name in any case: `Coffee.md` is `coffee`).
    A messages folder whose link leaves the notes folder is
    not listed (nothing outside is read, not even its file names)."""
    inside = [folder for folder in templates_folders(vault.notes_dir)
              if inside_notes(vault.notes_dir, folder)]
    folders = [_messages_folder(folder) for folder in inside]
    own = {path.stem.lower() for folder in folders if inside_notes(vault.notes_dir, folder)
           for path in folder.glob("*.[mM][dD]") if _KIND_RE.fullmatch(path.stem.lower())}
    return [*KINDS, *sorted(own - set(KINDS))]


def _messages_folder(folder: Path) -> Path:
    """The messages folder inside a templates folder, in any case (`Messages/`)."""
    with contextlib.suppress(OSError):
        for child in sorted(folder.iterdir(), key=lambda p: (p.name != p.name.lower(), p.name)):
            if child.name.lower() == MESSAGES and child.is_dir():
                return child
    return folder / MESSAGES


def _own_template(folder: Path, kind: str) -> Path | None:
    """The file of `kind` in a messages folder: `KIND.md`, else its name in another case
    (`Coffee.md`); None when there is none."""
    exact = folder / f"{kind}.md"
    if exact.is_file():
        return exact
    with contextlib.suppress(OSError):
        for child in sorted(folder.iterdir()):
            if child.name.lower() == f"{kind}.md" and child.is_file():
                return child
    return None


def template_path(vault: Vault, kind: str) -> Path:
    """The template of `kind`: the vault's own `templates/messages/KIND.md` (any case of the
    folders), else the packaged one. DraftError naming the kinds for an unknown one."""
    known = kinds(vault)
    if kind not in known:
        raise DraftError(f"unknown kind of draft {kind!r}: choose one of {', '.join(known)} "
                         "(a templates/messages/KIND.md of the vault adds a kind)")
    for folder in templates_folders(vault.notes_dir):
        own = _own_template(_messages_folder(folder), kind)
        if own is not None:
            return own
    try:
        return template_dir() / "templates" / MESSAGES / f"{kind}.md"
    except VaultError as exc:
        raise DraftError(str(exc)) from None


def draft(vault: Vault, index: VaultIndex, kind: str, name: str,
          today: dt.date | None = None) -> Draft:
    """The `kind` draft about the note `name` (a contact, or a conversation: see
    `facts.subject_note`). DraftError for an unknown kind, name or unreadable template; an
    introducer update about someone nobody introduced is refused too, and so is a draft with
    nothing left (no subject, no body)."""
    path = template_path(vault, kind)
    try:
        person, conversation = facts_.subject_note(index, name)
    except ContactNameError as exc:
        raise DraftError(exc.message()) from None
    try:
        text = read_template(vault, path)
    except CaptureError as exc:
        raise DraftError(str(exc)) from None
    found = facts_.gather(index, person, conversation, today)
    recipient: Note | None = person
    to_name = person.name
    if kind in TO_INTRODUCER:
        recipient = found.introducer
        to_name = found.values["introducer"].text
        if not to_name:
            raise DraftError(f"nobody introduced {person.name} ({person.path} has no "
                             "`introduced_by`, and no conversation offered them): there is no "
                             "introducer to update")
    notes: list[str] = []
    to = None
    if recipient is None:
        notes.append(f"{to_name} has no note: no address for the link")
    else:
        written = recipient.meta.get("email")
        to = address(written)
        if written in (None, ""):
            notes.append(f"{recipient.path} has no email: the link has no recipient")
        elif to is None:
            notes.append(f"the email of {recipient.path} is not one plain address: left out "
                         "of the link")
    message = compose(text, found.values)
    if message.subject is None and not message.body.strip():
        raise DraftError(f"{path}: the draft is empty: the template holds no text, or each of "
                         f"its lines names a fact the notes of {person.name} do not have")
    return Draft(kind, message, to_name, to, path, tuple(notes))
