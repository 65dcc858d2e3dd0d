"""The contact keys of DESIGN §12: the dates of outreach and the pipeline stage vocabulary."""

from __future__ import annotations

import datetime as dt

import pytest

from vault_tools import schema
from vault_tools.notes import ContactFields
from vault_tools.parse import parse_note


def _contact(front: str) -> tuple[ContactFields, list]:
    note = parse_note("contacts/Ines Moreau.md", f"---\ntype: contact\n{front}---\nBody\n")
    assert isinstance(note.fields, ContactFields)
    return note.fields, list(note.diagnostics)


def test_asked_replied_and_nudged_are_read_as_dates() -> None:
    fields, diags = _contact("asked: 2026-11-02\nreplied: 2026-11-05\nnudged: 2026-11-04\n")
    assert (fields.asked, fields.replied, fields.nudged) == (
        dt.date(2026, 11, 2), dt.date(2026, 11, 5), dt.date(2026, 11, 4))
    assert diags == []


@pytest.mark.parametrize("status", schema.CONTACT_STATUSES)
def test_every_stage_of_the_vocabulary_is_accepted(status: str) -> None:
    fields, diags = _contact(f"status: {status}\n")
    assert fields.status == status and diags == []


def test_an_unknown_status_is_a_warning_on_its_line_and_is_kept_as_written() -> None:
    fields, diags = _contact("role: Lead\nstatus: waiting\n")
    assert [(d.severity, d.code, d.line) for d in diags] == [("warning", "bad-value", 4)]
    assert "'waiting'" in diags[0].message and "to-contact" in diags[0].message
    assert fields.status == "waiting"


def test_a_bad_outreach_date_names_its_key() -> None:
    fields, diags = _contact("asked: last week\n")
    assert fields.asked is None
    assert [d.code for d in diags] == ["bad-date"] and "asked" in diags[0].message
