"""Running an import: read the file with its format's reader, plan, then create each new note
whole through the writer (`import_contacts`), and the report printed line by line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...index import VaultIndex
from ...vault import Vault
from ...writer import WriteError, create_note
from . import READERS
from .common import ImportFileError
from .matching import Outcome, plan_import


@dataclass
class ImportReport:
    file_name: str
    outcomes: list[Outcome]
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(o.action == action for o in self.outcomes)

    @property
    def failed(self) -> bool:
        """True when some entry could not be read or written."""
        return self.count("error") > 0

    def lines(self) -> list[str]:
        """One line per entry, then a summary line."""
        out = []
        for o in self.outcomes:
            if o.action == "create":
                out.append(f"{'would create' if self.dry_run else 'created'}  {o.rel}")
            elif o.action == "skip":
                out.append(f"skipped  {o.name}: {o.reason}")
            else:
                # File and line, as a compiler says them: the file may be one of several.
                out.append(f"{o.action}  {self.file_name}, {o.where}: {o.reason}")
        created, skipped, errors = self.count("create"), self.count("skip"), self.count("error")
        verb = "would be created" if self.dry_run else "created"
        summary = (f"{self.file_name}: {created} {verb}, {skipped} skipped, "
                   f"{errors} error{'' if errors == 1 else 's'}.")
        if self.dry_run:
            summary += " Dry run: nothing written."
        out.append(summary)
        return out


def import_contacts(vault: Vault, index: VaultIndex, kind: str, file: Path,
                    dry_run: bool = False) -> ImportReport:
    """Import a vCard or LinkedIn file into the vault's contacts folder.

    Each new note is created whole or not at all, never over an existing file; a person who is
    already in the vault is skipped and their note is not touched. Raises ImportFileError when
    the file as a whole is unusable.
    """
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{file}: cannot read the file: {exc.strerror}") from None
    read = READERS[kind].reader()(data, file.name)
    outcomes = plan_import(index, read, file.name)
    if not dry_run:
        outcomes = [_apply(vault, o) for o in outcomes]
    return ImportReport(file.name, outcomes, dry_run)


def _apply(vault: Vault, outcome: Outcome) -> Outcome:
    if outcome.action != "create" or outcome.rel is None or outcome.text is None:
        return outcome
    try:
        create_note(vault.abs(outcome.rel), outcome.text, notes_dir=vault.notes_dir)
    except FileExistsError:
        return Outcome("skip", outcome.where, f"{outcome.name} ({outcome.where})",
                       reason=f"{outcome.rel} appeared while importing; left alone")
    except WriteError as exc:
        return Outcome("error", outcome.where, outcome.name, reason=str(exc))
    return outcome
