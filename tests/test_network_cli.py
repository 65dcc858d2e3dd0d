"""`leads`, `pipeline` and `show` (§12), and the `nudge_days` option every path reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vault_tools import network
from vault_tools.cli import main
from vault_tools.fill import fill_vault
from vault_tools.index import VaultIndex
from vault_tools.network import Stage
from vault_tools.settings import (
    DEFAULTS,
    MAX_NUDGE_DAYS,
    Settings,
    SettingsError,
    settings_from_options,
)
from vault_tools.vault import find_vault, load_index
from vault_tools.views.common import SiteView

TODAY = "2026-11-25"

INTERVIEW = """---
type: interview
date: 2026-11-10
with: "[[Oluwaseun Adeyemi]]"
career: "[[Data Engineering]]"
referrals: ["[[Ines Moreau]]", "[[Kofi Mensah]]", "[[Lena Park]]"]
---
# Coffee with Oluwaseun
"""

NETWORK = {
    "interviews/2026-11-10 Oluwaseun.md": INTERVIEW,
    # An earlier offer that became a conversation: `met`, listed after the open ones.
    "interviews/2026-09-01 Oluwaseun.md": (
        '---\ntype: interview\ndate: 2026-09-01\nwith: "[[Oluwaseun Adeyemi]]"\n'
        'referrals: ["[[Maya Chen]]"]\n---\n'),
    "interviews/2026-10-01 Maya.md": (
        '---\ntype: interview\ndate: 2026-10-01\nwith: "[[Maya Chen]]"\n---\n'),
    "contacts/Oluwaseun Adeyemi.md": (
        "---\ntype: contact\ncompany: \"[[Acme]]\"\nrole: Data lead\n---\n# Oluwaseun\n\n"
        "## Log\n\n- 2026-11-11 email: thanked him for the coffee\n"
        "- 2026-11-14 call: talked about the team\n"),
    # Asked and waiting.
    "contacts/Kofi Mensah.md": "---\ntype: contact\nasked: 2026-11-15\n---\n# Kofi\n",
    # Asked, nudged, still nothing.
    "contacts/Lena Park.md": (
        '---\ntype: contact\nasked: 2026-11-12\nnudged: 2026-11-19\ncompany: "[[Acme]]"\n'
        "---\n# Lena\n"),
    "contacts/Maya Chen.md": "---\ntype: contact\n---\n# Maya\n",
    "careers/Data Engineering.md": "---\ntype: career\n---\n",
    "companies/Acme.md": "---\ntype: company\n---\n",
    "journal/2026-11-22.md": "Coffee with [[Oluwaseun Adeyemi]] near the office.\n",
}

PLUGIN = "site_name: Test\ndocs_dir: notes\nplugins:\n  - vault:\n      nudge_days: {days}\n"


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--vault", str(root)], catch_exceptions=False)


def run_json(root: Path, *args: str):
    result = run(root, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def vault(make_vault) -> Path:
    return make_vault(NETWORK)


def set_nudge_days(root: Path, days: object) -> None:
    (root / "mkdocs.yml").write_text(PLUGIN.format(days=days), encoding="utf-8")


# --- leads --------------------------------------------------------------------------------------


def test_leads_lists_open_introductions_first_with_who_offered_them_and_for_what(vault) -> None:
    result = run(vault, "leads")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Open (3)"
    assert lines[1] == ("  2026-11-10  Ines Moreau  [not added]  offered by Oluwaseun Adeyemi"
                        "  for Data Engineering")
    assert "Kofi Mensah  [asked]" in lines[2] and "Lena Park  [asked]" in lines[3]
    # Maya was offered first, but she is met: after every open lead.
    assert lines[5] == "Met or closed (1)"
    assert lines[6] == "  2026-09-01  Maya Chen  [met]  offered by Oluwaseun Adeyemi"


def test_leads_json_has_one_object_per_person_with_stable_keys(vault) -> None:
    rows = run_json(vault, "leads")
    assert [row["name"] for row in rows] == ["Ines Moreau", "Kofi Mensah", "Lena Park",
                                            "Maya Chen"]
    ines = rows[0]
    assert set(ines) == {"name", "note", "private", "state", "open", "first_offered",
                         "offered_by", "careers", "offers"}
    assert ines["note"] is None and ines["state"] == "not added" and ines["open"] is True
    assert ines["offered_by"] == [{"name": "Oluwaseun Adeyemi",
                                   "note": "contacts/Oluwaseun Adeyemi.md", "private": False}]
    assert ines["careers"][0]["note"] == "careers/Data Engineering.md"
    assert ines["offers"] == [{
        "interview": "interviews/2026-11-10 Oluwaseun.md", "date": "2026-11-10",
        "offered_by": ines["offered_by"], "careers": ines["careers"]}]
    assert rows[3]["state"] == "met" and rows[3]["open"] is False


def test_leads_in_an_empty_vault_says_how_to_get_some(make_vault) -> None:
    root = make_vault({})
    assert run(root, "leads").output.startswith("No leads yet.")
    assert run_json(root, "leads") == []


def test_a_referral_offered_by_two_people_is_one_lead_naming_both(make_vault) -> None:
    root = make_vault({
        **NETWORK,
        "interviews/2026-11-12 Maya.md": (
            '---\ntype: interview\ndate: 2026-11-12\nwith: "[[Maya Chen]]"\n'
            'referrals: ["[[Ines Moreau]]"]\n---\n'),
    })
    rows = run_json(root, "leads")
    ines = [row for row in rows if row["name"] == "Ines Moreau"]
    assert len(ines) == 1 and len(ines[0]["offers"]) == 2
    assert [p["name"] for p in ines[0]["offered_by"]] == ["Oluwaseun Adeyemi", "Maya Chen"]
    assert ines[0]["first_offered"] == "2026-11-10"


# --- pipeline -----------------------------------------------------------------------------------


def test_pipeline_groups_contacts_by_stage_with_days_derived_marks_and_stale_flags(vault) -> None:
    result = run(vault, "pipeline", "--today", TODAY)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:4] == [
        "asked (2)",
        "    10 days  Kofi Mensah (derived) stale",
        "    13 days  Lena Park (derived) stale",
        "",
    ]
    assert lines[4] == "met (2)"
    # Met on 1 October and quiet since; Oluwaseun, met on the 10th, is in touch since (a
    # call in the log, then a daily note): not stale.
    assert lines[5] == "    55 days  Maya Chen (derived) stale  last touch 2026-10-01"
    assert lines[6] == "    15 days  Oluwaseun Adeyemi (derived)  last touch 2026-11-22"
    assert lines[-1] == ("4 contacts, 3 stale (quiet longer than: asked 7 days, "
                         "scheduled 30 days, met 30 days).")


def test_pipeline_json_lists_every_stage_in_order_with_counts(vault) -> None:
    data = run_json(vault, "pipeline", "--today", TODAY)
    assert data["today"] == TODAY
    assert data["stale_after"] == {"asked": 7, "scheduled": 30, "met": 30}
    assert [stage["stage"] for stage in data["stages"]] == [
        "to-contact", "asked", "scheduled", "met", "keep-warm", "no-response", "declined",
        "paused"]
    assert [stage["count"] for stage in data["stages"]] == [0, 2, 0, 2, 0, 0, 0, 0]
    kofi = data["stages"][1]["contacts"][0]
    assert kofi == {
        "name": "Kofi Mensah", "note": "contacts/Kofi Mensah.md", "private": False,
        "stage": "asked", "derived": True, "since": "2026-11-15", "days_in_stage": 10,
        "stale": True, "last_touch": None, "last_touch_from": None}
    seun = data["stages"][3]["contacts"][1]
    assert seun["last_touch"] == "2026-11-22" and seun["last_touch_from"] == "journal/2026-11-22.md"


def test_pipeline_of_an_empty_vault(make_vault) -> None:
    root = make_vault({})
    assert run(root, "pipeline").output.startswith("No contacts yet")
    assert all(stage["count"] == 0 for stage in run_json(root, "pipeline")["stages"])


def test_a_written_status_is_not_marked_derived(make_vault) -> None:
    root = make_vault({"contacts/Ann.md": "---\ntype: contact\nstatus: paused\n---\n"})
    assert run(root, "pipeline").output.startswith("paused (1)\n          -  Ann\n\n")


# --- is_stale: one rule for the command and the site ------------------------------------------


@pytest.mark.parametrize(("stage", "days", "stale"), [
    ("asked", 7, False), ("asked", 8, True),           # the nudge is due after 7 days
    ("met", 30, False), ("met", 31, True),
    ("scheduled", 31, True),
    ("keep-warm", 999, False), ("declined", 999, False), ("to-contact", 999, False),
])
def test_stale_means_quiet_longer_than_the_stage_waits(stage, days, stale) -> None:
    import datetime as dt

    since = dt.date(2026, 1, 1)
    assert network.is_stale(Stage(stage, False, since), since + dt.timedelta(days=days)) is stale


def test_a_later_touch_or_an_unknown_start_keeps_a_contact_from_going_stale() -> None:
    import datetime as dt

    asked = Stage("asked", True, dt.date(2026, 1, 1))
    today = dt.date(2026, 3, 1)
    assert not network.is_stale(asked, today, last_touch=dt.date(2026, 2, 27))
    assert not network.is_stale(Stage("asked", True, None), today)
    # The stale line for `asked` is the nudge: it moves with nudge_days.
    assert not network.is_stale(asked, today, settings=Settings(nudge_days=90))


# --- show ---------------------------------------------------------------------------------------


def test_show_tells_everything_about_one_contact(vault) -> None:
    result = run(vault, "show", "oluwaseun adeyemi", "--today", TODAY)
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("Oluwaseun Adeyemi  (contacts/Oluwaseun Adeyemi.md)\n")
    assert "Card\n  Company: [[Acme]]\n  Role: Data lead\n  Type: contact\n" in text
    assert "Stage\n  met (derived), since 2026-11-10 (15 days)\n" in text
    assert ("Offered to introduce you to\n"
            "  Maya Chen [met]  2026-09-01  (interviews/2026-09-01 Oluwaseun.md)\n"
            "  Ines Moreau (no note yet) [not added]  2026-11-10  "
            "(interviews/2026-11-10 Oluwaseun.md)\n") in text
    assert ("Conversations\n  2026-09-01  done       interviews/2026-09-01 Oluwaseun.md\n"
            "  2026-11-10  done       interviews/2026-11-10 Oluwaseun.md\n") in text
    assert ("Log\n  2026-11-11  email: thanked him for the coffee\n"
            "  2026-11-14  call: talked about the team\n") in text
    assert "Last touch\n  2026-11-22  daily note  (journal/2026-11-22.md:1)\n" in text
    assert "Add Ines Moreau, whom Oluwaseun Adeyemi offered to introduce" in text
    assert "  journal/2026-11-22.md\n    1: Coffee with [[Oluwaseun Adeyemi]] near the office." \
        in text
    assert "    4: with (front matter)" in text


def test_show_json_has_stable_keys_and_the_follow_ups_that_concern_them(vault) -> None:
    data = run_json(vault, "show", "Lena Park", "--today", TODAY)
    assert set(data) == {"name", "note", "private", "aliases", "card", "stage", "chain",
                         "offered_to_introduce", "offered_by", "conversations", "log",
                         "last_touch", "followups", "backlinks"}
    assert data["stage"] == {"name": "asked", "derived": True, "written": None,
                             "since": "2026-11-12", "days_in_stage": 13, "stale": True}
    assert [p["name"] for p in data["chain"]] == ["Oluwaseun Adeyemi", "Lena Park"]
    assert data["offered_by"][0]["interview"] == "interviews/2026-11-10 Oluwaseun.md"
    assert [f["kind"] for f in data["followups"]] == ["no-reply"]
    assert data["followups"][0]["due"] == "2026-11-26"
    assert data["card"][0] == {"key": "company", "label": "Company", "value": "[[Acme]]"}
    assert {"key": "asked", "label": "Asked", "value": "2026-11-12"} in data["card"]
    assert data["last_touch"] is None and data["log"] == []


def test_show_an_unknown_name_suggests_the_closest_contact(vault) -> None:
    result = run(vault, "show", "Kofi Mensa")
    assert result.exit_code == 1
    assert result.output == "Error: no contact named 'Kofi Mensa'. Did you mean 'Kofi Mensah'?\n"


def test_show_a_note_that_is_no_contact_says_so(vault) -> None:
    result = run(vault, "show", "Acme")
    assert result.exit_code == 1
    assert "'Acme' is companies/Acme.md, a company note, not a contact" in result.output


def test_show_a_private_contact_on_your_own_terminal_says_it_is_private(make_vault) -> None:
    root = make_vault({
        **NETWORK,
        "contacts/Sam Secret.md": "---\ntype: contact\nprivate: true\nemail: s@x.org\n---\n",
        "journal/2026-11-23.md": "---\nprivate: true\n---\nLunch with [[Sam Secret]].\n",
    })
    text = run(root, "show", "Sam Secret").output
    assert "Private note: never shown on the site" in text
    assert "Email: s@x.org" in text
    assert "journal/2026-11-23.md  (private)" in text
    data = run_json(root, "show", "Sam Secret")
    assert data["private"] is True and data["backlinks"][0]["private"] is True
    # The pipeline lists them too, marked.
    assert ("-  Sam Secret (derived)  last touch 2026-11-23  (private)"
            in run(root, "pipeline").output)


def test_hostile_names_and_values_are_printed_as_text_never_obeyed(make_vault) -> None:
    evil = "Eve <img src=x onerror=alert(1)> \x1bc\x07"
    root = make_vault({
        f"contacts/{evil}.md": ("---\ntype: contact\nrole: \"\\e[2J<script>x</script>\"\n"
                                "asked: 2026-11-15\n---\n## Log\n\n"
                                "- 2026-11-16 email: \x1b[31mred\n"),
        # YAML takes control characters only escaped: `\e` is ESC, `\a` BEL.
        "interviews/2026-11-10 A.md": ('---\ntype: interview\ndate: 2026-11-10\n'
                                       'referrals: ["[[Eve <img src=x onerror=alert(1)> '
                                       '\\ec\\a]]"]\n---\n'),
    })
    outputs = [run(root, "leads").output, run(root, "pipeline").output,
               run(root, "show", evil).output]
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output
        assert "Eve <img src=x onerror=alert(1)> \\x1bc\\x07" in output
    assert "\\x1b[2J<script>x</script>" in outputs[2]
    assert "email: \\x1b[31mred" in outputs[2]
    # JSON keeps the values as written (a program decides what to do with them).
    assert run_json(root, "show", evil)["name"] == evil


# --- nudge_days ---------------------------------------------------------------------------------


def _nudge_due(root: Path) -> str:
    items = run_json(root, "followups", "--today", TODAY)
    return next(f["due"] for f in items if f["kind"] == "nudge")


def test_nudge_days_in_mkdocs_yml_moves_the_nudge_in_followups_and_the_filled_block(
        vault) -> None:
    kofi = vault / "notes" / "contacts" / "Kofi Mensah.md"
    assert _nudge_due(vault) == "2026-11-22"  # no mkdocs.yml option: seven days
    set_nudge_days(vault, 3)
    assert _nudge_due(vault) == "2026-11-18"
    assert run(vault, "fill").exit_code == 0
    assert "- 2026-11-18 · Nudge Kofi Mensah" in kofi.read_text(encoding="utf-8")
    # The fill cache keys on the option: changing it refills the block with nothing else
    # touched.
    set_nudge_days(vault, 10)
    assert run(vault, "fill").exit_code == 0
    assert "- 2026-11-25 · Nudge Kofi Mensah" in kofi.read_text(encoding="utf-8")
    assert _nudge_due(vault) == "2026-11-25"
    assert fill_vault(find_vault(vault), write=False).changed == []


def test_nudge_days_reaches_pipeline_show_and_the_calendar_feed(vault) -> None:
    set_nudge_days(vault, 14)
    stages = run_json(vault, "pipeline", "--today", TODAY)["stages"]
    assert stages[1]["contacts"][0]["stale"] is False  # Kofi, 10 days: not yet
    shown = run_json(vault, "show", "Kofi Mensah", "--today", TODAY)
    assert shown["followups"][0]["due"] == "2026-11-29"
    feed = CliRunner().invoke(main, ["export", "ics", "--vault", str(vault)]).output
    assert "DTSTART;VALUE=DATE:20261129" in feed


def test_the_index_carries_the_settings_and_the_site_view_keeps_them(vault) -> None:
    set_nudge_days(vault, 5)
    index = load_index(find_vault(vault))
    assert index.settings == Settings(nudge_days=5)
    # The site's view copies the index when it hides extra notes: the copy keeps them.
    view = SiteView(index, extra_private=["contacts/Maya Chen.md"])
    assert view.index is not index and view.index.settings.nudge_days == 5
    assert VaultIndex().settings == DEFAULTS


@pytest.mark.parametrize("bad", ["0", "-3", "'7'", "seven", "true", "1000", "2.5", "[7]"])
def test_a_bad_nudge_days_is_refused_naming_mkdocs_yml_and_nothing_is_written(vault,
                                                                              bad) -> None:
    set_nudge_days(vault, bad)
    before = {p: p.read_bytes() for p in (vault / "notes").rglob("*.md")}
    for args in (["fill"], ["followups"], ["pipeline"], ["show", "Kofi Mensah"], ["leads"]):
        result = run(vault, *args)
        assert result.exit_code == 1, (args, result.output)
        assert f"{vault / 'mkdocs.yml'}: the vault plugin's nudge_days: " in result.output
        assert "from 1 to 365" in result.output
    assert {p: p.read_bytes() for p in (vault / "notes").rglob("*.md")} == before
    assert not (vault / ".cache").exists()


@given(st.one_of(st.integers(), st.text(max_size=5), st.booleans(), st.none(),
                 st.floats(allow_nan=False)))
def test_settings_accept_exactly_whole_days_from_one_to_a_year(value) -> None:
    ok = (value is None or (isinstance(value, int) and not isinstance(value, bool)
                            and 1 <= value <= MAX_NUDGE_DAYS))
    try:
        settings = settings_from_options({"nudge_days": value})
    except SettingsError as exc:
        assert not ok and str(exc).startswith("nudge_days: ")
    else:
        assert ok
        assert settings.nudge_days == (7 if value is None else value)


def test_default_settings_keep_the_fill_cache_key_it_always_had(vault) -> None:
    from vault_tools.fill import manifest_key

    assert manifest_key(find_vault(vault)) == "Follow-ups.md"
    set_nudge_days(vault, 7)  # the default, written out: the same settings, the same key
    assert manifest_key(find_vault(vault)) == "Follow-ups.md"
    set_nudge_days(vault, 8)
    assert manifest_key(find_vault(vault)) == "Follow-ups.md\0nudge_days=8"


# --- the long-running paths: watch, build, mkdocs itself -----------------------------------------

SITE_CONFIG = ("site_name: Test\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n"
               "  - vault:\n      nudge_days: {days}\n")


@pytest.mark.slow
def test_watch_and_the_site_read_nudge_days(vault) -> None:
    from vault_tools.site.build import build_site
    from vault_tools.watch.watcher import Watcher

    (vault / "mkdocs.yml").write_text(SITE_CONFIG.format(days=3), encoding="utf-8")
    kofi = vault / "notes" / "contacts" / "Kofi Mensah.md"
    watcher = Watcher(find_vault(vault))
    watcher.start()
    try:
        assert watcher.wait_ready(60), "the first fill did not finish"
        assert "- 2026-11-18 · Nudge Kofi Mensah" in kofi.read_text(encoding="utf-8")
    finally:
        watcher.stop()
    assert watcher.error is None
    kofi.write_text(kofi.read_text(encoding="utf-8").split("<!--")[0], encoding="utf-8")
    (vault / "mkdocs.yml").write_text(SITE_CONFIG.format(days=4), encoding="utf-8")
    site = build_site(find_vault(vault))  # it fills first: the block moves
    assert "- 2026-11-19 · Nudge Kofi Mensah" in kofi.read_text(encoding="utf-8")
    page = (site / "contacts" / "Kofi Mensah" / "index.html").read_text(encoding="utf-8")
    assert "2026-11-19" in page


@pytest.mark.slow
def test_mkdocs_itself_refuses_a_bad_nudge_days_naming_the_option(vault) -> None:
    import subprocess
    import sys

    (vault / "mkdocs.yml").write_text(SITE_CONFIG.format(days=0), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f",
                             str(vault / "mkdocs.yml")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode != 0
    assert "the vault plugin's nudge_days: 0 is out of range" in result.stderr
    assert not (vault / "site").exists()
