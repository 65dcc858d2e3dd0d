"""`vault-tools import FORMAT FILE`: contacts from other programs (§3, §8).

Reading turns a file into neutral `Person` records plus problems that name their card or line
(one module per format: `vcard`, `linkedin`); `matching` matches each person against the vault
(email, LinkedIn profile, name or alias) and decides what to create; `note` writes the new
note's text; `run` creates each new note whole through the writer. Existing notes are never
opened for writing.

`READERS` is the list of formats: the CLI makes one `import FORMAT` command of each entry. A new
format is one module here with a `read_*(data, file_name) -> ReadResult` function, plus one
entry below. This module stays light (no reader is imported until one is used): the CLI reads
the list on every start.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .common import ReadResult


@dataclass(frozen=True)
class Format:
    """One import format: where its reader is and the help line `import --help` shows."""

    module: str  # a module of this package
    function: str  # in it: (data: bytes, file_name: str) -> ReadResult
    help: str  # the command's help; its first sentence is the line in `import --help`

    def reader(self) -> Callable[[bytes, str], ReadResult]:
        """The reading function, its module imported on first use."""
        module = importlib.import_module(f"{__name__}.{self.module}")
        reader: Callable[[bytes, str], ReadResult] = getattr(module, self.function)
        return reader


READERS: dict[str, Format] = {
    "vcard": Format("vcard", "read_vcard", "Contacts from a vCard file (.vcf, versions 2.1, 3.0 "
                    "and 4.0, several cards per file)."),
    "linkedin": Format("linkedin", "read_linkedin",
                       "Contacts from Connections.csv of a LinkedIn data export."),
}
