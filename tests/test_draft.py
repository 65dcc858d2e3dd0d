"""`vault-tools draft KIND NOTE`: message drafts filled from the notes, printed or as a mailto:
link; never sent, nothing written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vault_tools.capture.templates import Value, yaml_quoted
from vault_tools.cli import main
from vault_tools.draft import facts
from vault_tools.draft.message import Message, address, compose, mailto
from vault_tools.draft.run import KINDS
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note

from .conftest import DEMO_VAULT, MKDOCS

PACKAGED = DEMO_VAULT / "templates" / "messages"

NETWORK = {
    "contacts/Ana Lima.md": (
        "---\ntype: contact\ncompany: \"[[Acme]]\"\nrole: Staff designer\n"
        "email: ana@example.com\nintroduced_by: \"[[Bea Cruz]]\"\nasked: 2026-11-02\n---\n"
        "# Ana Lima\n"),
    "contacts/Bea Cruz.md": "---\ntype: contact\nemail: bea@example.org\n---\n# Bea Cruz\n",
    "contacts/Lone Wolf.md": "---\ntype: contact\n---\n# Lone Wolf\n",
    "companies/Acme.md": "---\ntype: company\n---\n# Acme\n",
    "careers/Product Design.md": "---\ntype: career\nstatus: exploring\n---\n",
    "interviews/2026-09-01 Ana Lima.md": (
        "---\ntype: interview\ndate: 2026-09-01\nwith: [\"[[Ana Lima]]\"]\n"
        "career: [\"[[Product Design]]\"]\nstatus: done\n---\n"
        "## Advice\n\n- Old advice from September.\n"),
    "interviews/2026-10-06 Ana Lima.md": (
        "---\ntype: interview\ndate: 2026-10-06\nwith: [\"[[Ana Lima]]\"]\n"
        "career: [\"[[Product Design]]\"]\nstatus: done\n---\n"
        "## What I learned\n\n- Design reviews happen weekly.\n\n"
        "## Advice\n\n- Show the **messy** middle of a project, as [[Bea Cruz|Bea]] said. "
        "#portfolio\n- Second item.\n"),
}


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--vault", str(root)], catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def vault(make_vault) -> Path:
    return make_vault(NETWORK)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    return root


def body_of(output: str) -> list[str]:
    subject, blank, *body = output.rstrip("\n").split("\n")
    assert subject.startswith("Subject: ") and blank == ""
    return body


# --- every kind -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_drafts_a_complete_message_and_writes_nothing(demo: Path, kind: str) -> None:
    before = snapshot(demo)
    result = run(demo, "draft", kind, "Priya Raman", "--today", "2026-12-02")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Subject: ")
    greeting = "Hi Marisol," if kind == "introducer-update" else "Hi Priya,"
    assert body_of(result.output)[0] == greeting
    assert "{{" not in result.output and "None" not in result.output
    assert snapshot(demo) == before


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_ships_in_the_package_with_a_subject(kind: str) -> None:
    text = (PACKAGED / f"{kind}.md").read_text(encoding="utf-8")
    assert text.startswith("Subject: ")


def test_the_request_names_the_introducer_first_and_asks_for_advice_never_a_job(
        vault: Path) -> None:
    result = run(vault, "draft", "request", "Ana Lima")
    assert result.exit_code == 0, result.output
    subject = result.output.split("\n", 1)[0]
    assert subject == "Subject: Bea Cruz suggested I write to you"
    body = [line for line in body_of(result.output) if line]
    assert body[0] == "Hi Ana,"
    assert body[1].startswith("Bea Cruz ")  # the connection, before anything else
    assert "advice" in result.output
    for text in (result.output, (PACKAGED / "request.md").read_text(encoding="utf-8")):
        assert not re.search(r"\b(jobs?|positions?|openings?|hiring|vacanc)", text, re.I)
    assert len(result.output.split()) < 120  # short


def test_a_draft_is_filled_from_the_notes(vault: Path) -> None:
    out = run(vault, "draft", "thank-you", "Ana Lima").output
    assert "Hearing how Product Design really works at Acme was just what I needed." in out
    # the newest conversation's first Advice item, as plain text: link shown, tag and ** gone
    assert "Your advice stays with me: Show the messy middle of a project, as Bea said.\n" \
        in out
    update = run(vault, "draft", "introducer-update", "Ana Lima").output
    assert update.startswith("Subject: How it went with Ana\n\nHi Bea,\n")
    assert "We talked on October 6," in update
    nudge = run(vault, "draft", "nudge", "Ana Lima").output
    assert "my note from November 2," in nudge


def test_a_conversation_named_is_the_one_the_thank_you_is_about(vault: Path) -> None:
    out = run(vault, "draft", "thank-you", "2026-09-01 Ana Lima").output
    assert out.startswith("Subject: Thank you, Ana\n")
    assert "Your advice stays with me: Old advice from September." in out


def test_a_first_name_in_the_note_is_the_greeting(make_vault) -> None:
    root = make_vault({"contacts/Dr Jo March.md": "---\ntype: contact\nfirst_name: Jo\n---\n"})
    assert body_of(run(root, "draft", "keep-warm", "Dr Jo March").output)[0] == "Hi Jo,"


# --- missing facts --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "introducer-update"])
def test_a_draft_with_facts_missing_still_reads_well(vault: Path, kind: str) -> None:
    result = run(vault, "draft", kind, "Lone Wolf")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Hi Lone," in out
    for bad in ("None", "{{", " ,", " .", ": \n", "  ", "\n\n\n", " 's", "\n's"):
        assert bad not in out, (bad, out)
    assert body_of(out)[-1].endswith(",")  # the sign-off is still there


def test_a_request_without_an_introducer_falls_back_to_a_plain_subject(vault: Path) -> None:
    out = run(vault, "draft", "request", "Lone Wolf").output
    assert out.startswith("Subject: Could I ask your advice?\n\nHi Lone,\n\nWould you have")


def test_an_introducer_update_without_an_introducer_is_refused(vault: Path) -> None:
    before = snapshot(vault)
    result = run(vault, "draft", "introducer-update", "Lone Wolf")
    assert result.exit_code == 1
    assert "nobody introduced Lone Wolf" in result.output
    assert snapshot(vault) == before


# --- wrong kind or name ---------------------------------------------------------------------


def test_an_unknown_kind_names_the_kinds_and_writes_nothing(vault: Path) -> None:
    before = snapshot(vault)
    result = run(vault, "draft", "thanks", "Ana Lima")
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown kind of draft 'thanks': choose one of request, thank-you, "
        "introducer-update, nudge, keep-warm (a templates/messages/KIND.md of the vault adds "
        "a kind)\n")
    assert snapshot(vault) == before


@pytest.mark.parametrize("kind", ["../contacts/Ana Lima", "REQUEST", "", "request.md"])
def test_a_kind_that_is_a_path_or_spelled_otherwise_is_unknown(vault: Path, kind: str) -> None:
    result = run(vault, "draft", kind, "Ana Lima")
    assert result.exit_code == 1 and "unknown kind of draft" in result.output


def test_an_unknown_name_gets_did_you_mean_and_writes_nothing(vault: Path) -> None:
    before = snapshot(vault)
    result = run(vault, "draft", "request", "Ana Lma")
    assert result.exit_code == 1
    assert result.output == "Error: no contact named 'Ana Lma'. Did you mean 'Ana Lima'?\n"
    result = run(vault, "draft", "request", "Acme")
    assert result.exit_code == 1 and "a company note, not a contact" in result.output
    assert snapshot(vault) == before


def test_the_help_lists_the_kinds(vault: Path) -> None:
    out = CliRunner().invoke(main, ["draft", "--help"]).output
    assert all(kind in out.replace("-\n  ", "-") for kind in KINDS)


# --- the vault's own templates --------------------------------------------------------------


def test_the_vaults_own_template_wins_and_a_new_kind_can_be_added(make_vault) -> None:
    root = make_vault({**NETWORK,
                       "Templates/Messages/thank-you.md": "Subject: Cheers {{first_name}}\n\n"
                                                          "Ta, {{name}} of {{company}}.\n",
                       "templates/messages/coffee.md": "Coffee, {{first_name}}?\n"})
    assert run(root, "draft", "thank-you", "Ana Lima").output == (
        "Subject: Cheers Ana\n\nTa, Ana Lima of Acme.\n")
    assert run(root, "draft", "coffee", "Ana Lima").output == "Coffee, Ana?\n"
    assert "keep-warm, coffee" in run(root, "draft", "nope", "Ana Lima").output
    # not notes: no contact, no diagnostic, no follow-up comes from a message template
    assert run(root, "check").exit_code == 0


def test_a_template_that_leaves_the_vault_is_not_read(make_vault, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("Subject: stolen\n\nsecret words\n", encoding="utf-8")
    root = make_vault(NETWORK)
    folder = root / "notes" / "templates" / "messages"
    folder.mkdir(parents=True)
    (folder / "request.md").symlink_to(outside)
    result = run(root, "draft", "request", "Ana Lima")
    assert result.exit_code == 1 and "secret words" not in result.output


def test_unknown_placeholders_stay_as_written(make_vault) -> None:
    root = make_vault({**NETWORK, "templates/messages/request.md": "Hi {{nickname}}!\n"})
    assert run(root, "draft", "request", "Ana Lima").output == "Hi {{nickname}}!\n"


# --- mailto ---------------------------------------------------------------------------------


def parsed(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True,
                                         strict_parsing=True)


def test_mailto_carries_the_recipient_subject_and_body(vault: Path) -> None:
    text = run(vault, "draft", "request", "Ana Lima").output
    result = run(vault, "draft", "request", "Ana Lima", "--mailto")
    assert result.exit_code == 0
    url = result.output.strip()
    assert url.startswith("mailto:ana@example.com?subject=Bea%20Cruz%20suggested%20")
    to, query = parsed(url)
    subject, body = text.rstrip("\n").split("\n\n", 1)
    assert to == "ana@example.com"
    assert query == {"subject": [subject[len("Subject: "):]], "body": [body.replace("\n", "\r\n")]}
    assert "%0D%0A" in url and " " not in url


def test_an_introducer_update_link_goes_to_the_introducer(vault: Path) -> None:
    url = run(vault, "draft", "introducer-update", "Ana Lima", "--mailto").output.strip()
    assert parsed(url)[0] == "bea@example.org"


@pytest.mark.parametrize("email", [
    "ana@example.com?cc=boss@example.com", "ana@example.com&bcc=x@example.com",
    "ana@example.com\\nBcc: x@example.com", "ana@example.com, x@example.com",
    "Ana <ana@example.com>", "not an address", "ana@localhost", "ana%40example.com",
    "ana@example.com\\r\\n",
])
def test_an_email_that_is_not_one_plain_address_is_left_out_of_the_link(
        make_vault, email: str) -> None:
    root = make_vault({"contacts/Ana Lima.md": f"---\ntype: contact\nemail: \"{email}\"\n---\n"})
    result = run(root, "draft", "keep-warm", "Ana Lima", "--mailto")
    assert result.exit_code == 0
    to, query = parsed(result.stdout.strip())
    assert to == "" and set(query) == {"subject", "body"}
    assert "not one plain address: left out of the link" in result.stderr


def test_a_missing_email_is_said_and_the_link_has_no_recipient(vault: Path) -> None:
    result = run(vault, "draft", "keep-warm", "Lone Wolf", "--mailto")
    assert result.stdout.startswith("mailto:?subject=")
    assert "contacts/Lone Wolf.md has no email" in result.stderr


def test_address_takes_one_plain_mailbox_only() -> None:
    assert address(" mailto:o'neil+cv@mail.example.co.uk ") == "o'neil+cv@mail.example.co.uk"
    assert address(["a@example.com"]) is None and address(None) is None
    assert address("a" * 250 + "@example.com") is None
    with pytest.raises(ValueError):
        mailto(Message("s", "b"), "a@example.com?cc=b@example.com")


_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)


@given(name=_TEXT.filter(lambda s: s.strip() and "/" not in s and "\\" not in s),
       role=_TEXT, company=_TEXT, advice=_TEXT, email=_TEXT | st.emails())
def test_any_note_values_give_a_link_with_one_recipient_and_the_same_text(
        name: str, role: str, company: str, advice: str, email: str) -> None:
    safe = " ".join(name.replace("[", " ").replace("]", " ").replace("#", " ").replace(
        "|", " ").replace("^", " ").split()) or "X"
    contact = parse_note(f"contacts/{safe}.md", (
        f"---\ntype: contact\nrole: {yaml_quoted(role)}\ncompany: {yaml_quoted(company)}\n"
        f"email: {yaml_quoted(email)}\n---\n"))
    talk = parse_note("interviews/2026-01-02 talk.md", (
        f"---\ntype: interview\ndate: 2026-01-02\nwith: [{yaml_quoted(safe)}]\n---\n"
        f"## Advice\n\n- {advice.replace(chr(10), ' ')}\n"))
    index = VaultIndex([contact, talk])
    found = facts.gather(index, index.notes[contact.path])
    template = "Subject: {{first_name}} at {{company}} & {{role}}?\n\nHi {{name}},\n" \
               "{{advice}}\n{{role}} at {{company}}\n"
    message = compose(template, found.values)
    to = address(contact.meta.get("email"))
    url = mailto(message, to)
    recipient, query = parsed(url)
    assert recipient == (to or "")
    assert "," not in recipient and recipient.count("@") <= 1
    assert set(query) == {"body"} | ({"subject"} if message.subject is not None else set())
    assert query["body"] == [message.body.replace("\n", "\r\n")]
    if message.subject is not None:
        assert query["subject"] == [message.subject]
    assert not any(ch in url for ch in " \n\r\t<>\"")


def test_a_missing_fact_leaves_its_line_out_and_the_blank_lines_close_up() -> None:
    values = {"name": Value("Ana"), "company": Value(""), "career": Value("")}
    message = compose("Subject: About {{career}}\nSubject: Hello\n\nHi {{name}},\n\n"
                      "At {{company}}?\n\nBye\n\n\n", values)
    assert message == Message("Hello", "Hi Ana,\n\nBye")
    assert compose("Just {{name}}\n", values) == Message(None, "Just Ana")


def test_a_crlf_template_with_a_bom_reads_as_the_same_message() -> None:
    values = {"name": Value("Ana")}
    plain = "Subject: Hi {{name}}\n\nHello {{name}},\n\nBye\n"
    assert compose("\ufeff" + plain.replace("\n", "\r\n"), values) == compose(plain, values)


def test_a_value_holding_a_placeholder_is_never_filled_again(make_vault) -> None:
    root = make_vault({"contacts/{{advice}} Bob.md":
                       "---\ntype: contact\nrole: \"{{name}}\"\n---\n",
                       "templates/messages/keep-warm.md": "Hi {{first_name}}, {{role}}!\n"})
    assert run(root, "draft", "keep-warm", "{{advice}} Bob").output == \
        "Hi {{advice}}, {{name}}!\n"


# --- the notes as they are now --------------------------------------------------------------


def test_a_note_changed_between_runs_is_read_as_it_is_now(vault: Path) -> None:
    assert "at Acme" in run(vault, "draft", "thank-you", "Ana Lima").output
    note = vault / "notes" / "contacts" / "Ana Lima.md"
    note.write_text(note.read_text(encoding="utf-8").replace("[[Acme]]", "[[Globex]]"),
                    encoding="utf-8")
    out = run(vault, "draft", "thank-you", "Ana Lima").output
    assert "at Globex" in out and "Acme" not in out


def test_escape_sequences_in_note_values_never_reach_the_terminal(make_vault) -> None:
    root = make_vault({
        "contacts/Eve.md": "---\ntype: contact\ncompany: \"\\e[31mEvil\\u202e\"\n---\n",
        "templates/messages/keep-warm.md": "Hi {{first_name}} at {{company}}\n\x1b[2J\n"})
    out = run(root, "draft", "keep-warm", "Eve").output
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out


# --- the templates in new vaults, and where templates are not notes -------------------------


@pytest.mark.parametrize("demo_flag", [[], ["--demo"]])
def test_init_puts_the_message_templates_in_the_new_vault(tmp_path: Path,
                                                           demo_flag: list[str]) -> None:
    target = tmp_path / "v"
    assert CliRunner().invoke(main, ["init", str(target), *demo_flag]).exit_code == 0
    folder = target / "notes" / "templates" / "messages"
    assert sorted(p.stem for p in folder.glob("*.md")) == sorted(KINDS)
    for kind in KINDS:
        assert (folder / f"{kind}.md").read_bytes() == (PACKAGED / f"{kind}.md").read_bytes()
    assert run(target, "check").exit_code == 0
    assert run(target, "fill", "--check").exit_code == 0
    check = run(target, "check", "--json").output
    assert "messages" not in check


@pytest.mark.slow
def test_the_site_publishes_nothing_of_the_message_templates(tmp_path: Path) -> None:
    from vault_tools.site.build import build_site
    from vault_tools.vault import find_vault

    target = tmp_path / "v"
    assert CliRunner().invoke(main, ["init", str(target)]).exit_code == 0
    site = build_site(find_vault(target))
    names = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert not [name for name in names if "messages" in name or "templates" in name.lower()]
    words = "suggested I get in touch"
    assert not [name for name in names if name.endswith((".html", ".json", ".xml"))
                and words in (site / name).read_text(encoding="utf-8", errors="replace")]
