"""Which contact a name typed on the command line means (`log NAME`, `show NAME`), and which
company or career (`learned --company C`, `--career C`): `note_named`.

A name is found as a link would find it (`VaultIndex.resolve`: the note's name, an alias or a
path from the notes folder, case ignored); an unknown one gets the closest contact suggested
("Did you mean 'Jane Doe'?"), a shared one the list of notes to choose from. Pure: a function
of the index.
"""

from __future__ import annotations

import shlex

from .index import VaultIndex, fold, strip_md
from .link_diagnostics import closest_name
from .notes import Note
from .schema import CAREER, CONTACT


class ContactNameError(ValueError):
    """The name does not stand for exactly one contact. `reason` says why; `hint` (maybe
    empty) what to do; `message(outcome)` says both, with what the command did not do."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint

    def message(self, outcome: str = "") -> str:
        """The sentence a command prints: `no contact named 'Jane Do'. Did you mean 'Jane
        Doe'? Nothing was written` (a question goes before the outcome), `'Acme' is
        companies/Acme.md, a company note, not a contact; nothing was written. Give …`."""
        if self.hint.endswith("?"):
            said = f"{self.reason}. {self.hint}"
            return f"{said} {outcome[:1].upper()}{outcome[1:]}" if outcome else said
        said = f"{self.reason}; {outcome}" if outcome else self.reason
        return f"{said}. {self.hint}" if self.hint else said

    def __str__(self) -> str:
        return self.message()


def contact_named(index: VaultIndex, name: str) -> Note:
    """The contact note `name` stands for, as a link would resolve it (name, path or alias,
    case ignored). ContactNameError when the name is empty, unknown (with "Did you mean" when
    a contact's name or alias is close), names several notes (listing them), names a file
    whose link leaves the vault, or names a note that is not a contact."""
    return note_named(index, name, CONTACT)


def career_named(index: VaultIndex, name: str) -> Note:
    """The career note `name` stands for, as `contact_named` finds a contact (`questions
    --career`); its errors name careers."""
    return note_named(index, name, CAREER)


def find_named(index: VaultIndex, wanted: str) -> tuple[Note | None, list[str]]:
    """The note a typed name stands for, as a link from no note resolves it (name, path or
    alias, case ignored), with no list; or, when the name is shared by several notes and not
    written as one's full path, no note and their paths. (None, []) when nothing has it."""
    resolution = index.resolve(wanted)
    same = index.named(wanted)[0]
    exact_path = resolution.path is not None and fold(strip_md(resolution.path)) == fold(
        strip_md(wanted))
    if resolution.status == "ambiguous" or (len(same) > 1 and not exact_path):
        return None, list(resolution.candidates) or list(same)
    if resolution.status != "ok" or resolution.path is None:
        return None, []
    return index.notes.get(resolution.path), []


def note_named(index: VaultIndex, name: str, note_type: str) -> Note:
    """The note of type `note_type` (`contact`, `company`, `career`) that `name` stands for,
    found and refused as `contact_named` says, the messages naming that type."""
    wanted = name.strip()
    if not wanted:
        raise ContactNameError(f"give the {note_type}'s name")
    note, found = find_named(index, wanted)
    if found:
        # The example is a path of the type wanted when there is one: the command takes only
        # that type, and would refuse the company or interview sharing a contact's name.
        example = next((path for path in found if (tied := index.notes.get(path)) is not None
                        and tied.type == note_type), found[0])
        raise ContactNameError(
            f"{name!r} names several notes ({', '.join(found)}); name one by its path, e.g. "
            f"{strip_md(example)!r}")
    if note is None:
        raise _no_such_note(index, wanted, note_type)
    if note.type != note_type:
        article = "an" if note.type and note.type[0] in "aeiou" else "a"
        what = f"{article} {note.type} note" if note.type else "a note without a type"
        raise ContactNameError(f"{name!r} is {note.path}, {what}, not a {note_type}",
                               f"Name a {note_type} note (type: {note_type})")
    return note


def _no_such_note(index: VaultIndex, name: str, note_type: str) -> ContactNameError:
    for problem in index.vault_problems:
        if problem.code == "outside-vault" and fold(strip_md(problem.path).rpartition("/")[2]) \
                == fold(name.rpartition("/")[2]):
            return ContactNameError(f"{problem.path}: {problem.message}")
    names = [written for note in index.by_type(note_type)
             for written in (note.name, *note.aliases)]
    close = closest_name(names, name)
    if close is not None:
        return ContactNameError(f"no {note_type} named {name!r}", f"Did you mean {close!r}?")
    return ContactNameError(f"no {note_type} named {name!r}", f"Create the {note_type} first: "
                            f"vault-tools new {note_type} {shlex.quote(name)}")
