"""Attacks on the network features of #18 (the log, daily notes, referrals, outreach), as a
hostile or simply real-world user would write their notes. Each test here failed before the
fix it names in its docstring."""

from __future__ import annotations

import datetime as dt

from vault_tools.followups import open_followups
from vault_tools.index import VaultIndex
from vault_tools.link_diagnostics import vault_diagnostics
from vault_tools.parse import parse_note

D = dt.date
DAN = "contacts/Daniel Okafor.md"


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def note(*front: str, body: str = "Body.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in front) + "---\n" + body


def kinds(index: VaultIndex, path: str) -> dict[str, D | None]:
    return {f.kind: f.due for f in open_followups(index) if f.note == path}


# --- an ask written down in the log is not "having talked" ---------------------------------


ASK_LOG = "## Log\n\n- 2026-11-16 message: asked for twenty minutes\n"


def test_logging_the_ask_gives_a_nudge_and_no_keep_in_touch_for_someone_never_met() -> None:
    """The contact template sets `cadence: 3m`, and `vault-tools log` is how an e-mail is
    written down: logging the ask itself made "Get back in touch with Daniel" appear beside
    "Nudge Daniel", for a person who never answered."""
    index = index_of({DAN: note("type: contact", "cadence: 3m", "asked: 2026-11-16",
                                body=ASK_LOG)})
    assert kinds(index, DAN) == {"nudge": D(2026, 11, 23)}


def test_nudged_and_logged_gives_no_reply_only() -> None:
    index = index_of({DAN: note("type: contact", "cadence: 30d", "asked: 2026-11-16",
                                "nudged: 2026-11-23", body=ASK_LOG)})
    assert kinds(index, DAN) == {"no-reply": D(2026, 11, 30)}


def test_keep_in_touch_comes_back_once_they_reply() -> None:
    index = index_of({DAN: note("type: contact", "cadence: 30d", "asked: 2026-11-16",
                                "replied: 2026-11-18", body=ASK_LOG)})
    assert kinds(index, DAN) == {"keep-in-touch": D(2026, 12, 16)}


def test_a_closed_outreach_is_not_kept_in_touch_with() -> None:
    """`status: no-response` (what `no-reply` tells you to write), `declined` or `paused`:
    a reminder to get back in touch with them contradicts the status."""
    for status in ("no-response", "declined", "paused"):
        index = index_of({DAN: note("type: contact", "cadence: 30d", "asked: 2026-11-16",
                                    f"status: {status}", body=ASK_LOG)})
        assert kinds(index, DAN) == {}, status


def test_a_met_contact_asked_again_is_nudged_not_told_to_keep_in_touch() -> None:
    """Someone met long ago, asked again for a second conversation: the ask is what waits."""
    index = index_of({
        DAN: note("type: contact", "cadence: 30d", "last_contact: 2026-06-01",
                  "asked: 2026-11-16"),
    })
    assert kinds(index, DAN) == {"nudge": D(2026, 11, 23)}


# --- a referral not yet added is a lead, not a broken link ----------------------------------


def talk(referrals: str) -> str:
    return note("type: interview", "date: 2026-11-19", 'with: "[[Hana Kobayashi]]"',
                "thank_you: 2026-11-20", f"referrals: {referrals}")


def test_an_offered_name_with_no_note_is_no_check_warning() -> None:
    """The issue: an offered name "produces one broken-link warning and nothing else". It is
    an `add-referral` follow-up now; `check` warning about it made a vault in the state the
    issue describes as normal (an introduction offered, not yet written down) never clean."""
    index = index_of({
        "contacts/Hana Kobayashi.md": note("type: contact"),
        "interviews/2026-11-19 Hana.md": talk('["[[Ines Moreau]]"]'),
    })
    assert [d.code for d in vault_diagnostics(index)] == []
    assert kinds(index, "interviews/2026-11-19 Hana.md") == {"add-referral": D(2026, 11, 20)}


def test_an_offered_name_that_is_a_typo_of_a_note_still_warns_with_did_you_mean() -> None:
    index = index_of({
        "contacts/Hana Kobayashi.md": note("type: contact"),
        "contacts/Ines Moreau.md": note("type: contact"),
        "interviews/2026-11-19 Hana.md": talk('["[[Ines Moreu]]"]'),
    })
    found = vault_diagnostics(index)
    assert [d.code for d in found] == ["broken-link"]
    assert "Ines Moreau" in found[0].message


def test_a_broken_link_in_the_body_or_another_key_still_warns() -> None:
    index = index_of({
        "contacts/Hana Kobayashi.md": note("type: contact", 'company: "[[Nowhere Inc]]"',
                                           body="Met [[Ines Moreau]].\n"),
    })
    assert [d.code for d in vault_diagnostics(index)] == ["broken-link", "broken-link"]
