"""Attacks on #20's `draft` and `find` as a hostile and an unlucky user: each test is a break
found by trying it, pinned so it stays fixed."""

from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.search import find, search_key


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--vault", str(root)], catch_exceptions=False)


def found(root: Path, *args: str) -> list[dict]:
    result = run(root, "find", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def names(root: Path, *args: str) -> list[str]:
    return [row["name"] for row in found(root, *args)]


# --- find: what "case and accents are ignored" must mean ---------------------------------------


def test_blanks_in_the_note_are_collapsed_like_blanks_in_the_text(make_vault) -> None:
    # The text's blanks were collapsed, the note's were not: "two spaces" never found a line
    # typed with two spaces, a tab, or a name written with a double space.
    root = make_vault({"A.md": "# A\n\nmet  at\tthe fair\n",
                       "contacts/Ana  Lima.md": "---\ntype: contact\nrole: UX \t lead\n---\n"})
    assert names(root, "met at the fair") == ["A"]
    assert [(row["name"], row["match"]) for row in found(root, "ana lima")] == [
        ("Ana  Lima", "name")]
    assert names(root, "ux lead") == ["Ana  Lima"]


def test_styled_and_stroked_letters_match_their_plain_letters(make_vault) -> None:
    # "ℌ" and "𝐁" became "H" and "B" after case folding (upper case: never found), and the
    # letters with a stroke (ł, ø, ı, đ) are what users call accents: "lodz" finds Łódź.
    root = make_vault({"contacts/Łukasz Wróbel.md": "---\ntype: contact\n---\n",
                       "contacts/Søren Kierkegaard.md": "---\ntype: contact\n---\n",
                       "contacts/Kılıç Đorđević.md": "---\ntype: contact\n---\n",
                       "Fancy.md": "# Fancy\n\nℌello from the 𝐁old one in Łódź\n"})
    assert names(root, "lukasz") == ["Łukasz Wróbel"]
    assert names(root, "soren") == ["Søren Kierkegaard"]
    assert names(root, "kilic dordevic") == ["Kılıç Đorđević"]
    assert names(root, "hello") == ["Fancy"]
    assert names(root, "bold one in lodz") == ["Fancy"]
    assert search_key("ℌ𝐁ŁØıĐÆŒÞ") == "hbloidaeoeth"


_ANY = st.text(st.characters(codec="utf-8"), max_size=20)


@given(text=_ANY)
def test_a_search_key_is_its_own_key(text: str) -> None:
    # What the note's text folds to, folded again, is the same: a key never holds a letter
    # the text typed in by the user would fold differently.
    key = search_key(text)
    assert search_key(key) == key
    assert key == " ".join(key.split())


# --- find: ranking ------------------------------------------------------------------------------


def test_a_note_named_the_text_ranks_before_another_notes_alias(make_vault) -> None:
    # Ana has "Acme" as an alias (a nickname from her old job); searching "acme" must give
    # the company first, as [[Acme]] does, not Ana because contacts go first among ties.
    root = make_vault({"contacts/Ana Lima.md": "---\ntype: contact\naliases: [Acme]\n---\n",
                       "companies/Acme.md": "---\ntype: company\n---\n",
                       "contacts/Acme Person.md": "---\ntype: contact\n---\n"})
    assert [(row["name"], row["match"], row["field"]) for row in found(root, "acme")] == [
        ("Acme", "name", None), ("Ana Lima", "name", "alias"),
        ("Acme Person", "name-start", None)]


# --- find: linear in hostile notes --------------------------------------------------------------


def test_a_note_with_thousands_of_generated_blocks_is_searched_in_linear_time() -> None:
    # Each body line was checked against every generated block: 8,000 blocks took 9 s, and a
    # 2 MB note holds 40,000 of them (minutes).
    def cost(count: int) -> float:
        body = "".join(f"<!-- vault-tools:b{n} -->\nx\n<!-- /vault-tools:b{n} -->\nfree {n}\n"
                       for n in range(count))
        index = VaultIndex([parse_note("a.md", body)])
        start = time.process_time()
        hits = find(index, {"a.md": body}, "nowhere")
        assert hits == []
        assert find(index, {"a.md": body}, f"free {count - 1}")[0].line == 4 * count
        return time.process_time() - start

    small, large = cost(1000), cost(8000)
    assert large < 8 * 4 * max(small, 0.01)


# --- draft: the templates -------------------------------------------------------------------


_ANA = {"contacts/Ana Lima.md": "---\ntype: contact\nemail: ana@example.com\n---\n"}


def test_a_message_template_with_front_matter_drafts_without_it(make_vault) -> None:
    # A template saved from Obsidian often has properties (`tags: [template]`): they were
    # printed as the first lines of the message, and its Subject: line was then body text.
    root = make_vault({**_ANA, "templates/messages/request.md":
                       "---\ntags: [template]\n---\nSubject: Hi {{first_name}}\n\n"
                       "Hello {{name}}\n"})
    assert run(root, "draft", "request", "Ana Lima").output == "Subject: Hi Ana\n\nHello Ana Lima\n"
    # a dashed line that opens nothing (no closing line) is the user's text
    root = make_vault({**_ANA, "templates/messages/request.md": "---\nHello {{name}}\n"})
    assert run(root, "draft", "request", "Ana Lima").output == "---\nHello Ana Lima\n"


def test_a_messages_folder_linked_outside_the_vault_is_not_listed(make_vault,
                                                                   tmp_path: Path) -> None:
    # The kinds were listed from a folder outside the vault: its file names reached the
    # terminal, though nothing outside the notes folder is ever read.
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "payroll-2026.md").write_text("Subject: x\n\nsecret\n", encoding="utf-8")
    root = make_vault(_ANA)
    (root / "notes" / "templates").mkdir()
    (root / "notes" / "templates" / "messages").symlink_to(outside, target_is_directory=True)
    result = run(root, "draft", "nope", "Ana Lima")
    assert result.exit_code == 1 and "payroll" not in result.output
    result = run(root, "draft", "payroll-2026", "Ana Lima")
    assert result.exit_code == 1 and "secret" not in result.output
    assert "unknown kind of draft 'payroll-2026'" in result.output


# --- draft: the mailto: link ------------------------------------------------------------------


def _mailto_to(root: Path, email: str) -> tuple[str, str]:
    (root / "notes" / "contacts" / "Ana Lima.md").write_text(
        f"---\ntype: contact\nemail: \"{email}\"\n---\n", encoding="utf-8")
    result = run(root, "draft", "keep-warm", "Ana Lima", "--mailto")
    assert result.exit_code == 0
    return result.stdout.strip().partition("?")[0], result.stderr


def test_an_address_in_another_script_is_kept_in_the_link(make_vault) -> None:
    # `josé@bücher.de` is one plain address (RFC 6530): it was left out of the link. Its
    # domain goes in its ASCII form, its name percent-encoded as UTF-8 (RFC 6068).
    root = make_vault(_ANA)
    assert _mailto_to(root, "ana@bücher.de") == ("mailto:ana@xn--bcher-kva.de", "")
    assert _mailto_to(root, "josé@Bücher.example") == (
        "mailto:jos%C3%A9@xn--bcher-kva.example", "")
    assert _mailto_to(root, "李@例え.テスト")[0] == "mailto:%E6%9D%8E@xn--r8jz45g.xn--zckzah"


def test_an_address_its_encoding_would_change_is_left_out(make_vault) -> None:
    # The old IDNA rules make "straße.de" "strasse.de", someone else's domain; an invisible
    # joiner, a full-width dot or "＠", a right-to-left mark: none may reach a recipient.
    root = make_vault(_ANA)
    for email in ("ana@straße.de", "ana@exa\u200dmple.com", "ana@example\u3002com",
                  "ana\uff20example.com", "ana@exam\u202eple.com", "an\u00a0a@example.com",
                  "ana@exa？mple.com"):
        to, said = _mailto_to(root, email)
        assert to == "mailto:", email
        assert "not one plain address" in said


def test_a_link_too_long_for_mail_programs_is_said(make_vault) -> None:
    # A long Advice item gave a link of many thousand characters with no word: many mail
    # programs and browsers cut a mailto: link near 2,000 characters, mid-sentence.
    long_advice = "Keep every draft of the portfolio, and show the messy middle. " * 60
    root = make_vault({**_ANA, "interviews/2026-10-06 Ana Lima.md": (
        "---\ntype: interview\ndate: 2026-10-06\nwith: [\"[[Ana Lima]]\"]\nstatus: done\n---\n"
        f"## Advice\n\n- {long_advice}\n")})
    result = run(root, "draft", "thank-you", "Ana Lima", "--mailto")
    assert result.exit_code == 0 and len(result.stdout.strip()) > 2000
    assert result.stdout.strip().endswith("With%20thanks%2C")
    assert "characters long" in result.stderr and "without --mailto" in result.stderr
    short = run(root, "draft", "request", "Ana Lima", "--mailto")
    assert short.exit_code == 0 and short.stderr == ""


_PARTS = st.text(st.sampled_from("aZ9.-_+@?&,;%<> \t\u00e9\u00df\u200d\u3002\uff20\u202e\u674e"
                                 "\u0301\u00a0:/"), max_size=16)


@given(name=_PARTS, domain=_PARTS)
def test_any_address_in_any_script_gives_one_recipient_and_nothing_more(name: str,
                                                                       domain: str) -> None:
    from urllib.parse import unquote, urlsplit

    from vault_tools.draft.message import Message, address, mailto

    to = address(f"{name}@{domain}")
    if to is None:
        return
    url = mailto(Message("s", "b"), to)
    parts = urlsplit(url)
    assert unquote(parts.path) == to and to.count("@") == 1
    assert parts.query == "subject=s&body=b"
    assert to.rpartition("@")[2].isascii()
    assert all(ch.isascii() or ch.isalnum() or ch in "\u0301" for ch in to)


def test_an_embed_in_the_advice_is_no_words_of_the_message(make_vault) -> None:
    # `![[whiteboard.png]]` read "!whiteboard.png", and `![sketch](s.png)` "!sketch": an
    # image or an embedded note cannot travel in a plain-text message.
    from vault_tools.draft.facts import plain_text

    assert plain_text("Draw it first ![[whiteboard.png]] then ![sketch](s.png) talk, "
                      "as [[Bea Cruz|Bea]] did ![[Bea Cruz#Method]]") == (
        "Draw it first then talk, as Bea did")
    root = make_vault({**_ANA, "interviews/2026-10-06 Ana Lima.md": (
        "---\ntype: interview\ndate: 2026-10-06\nwith: [\"[[Ana Lima]]\"]\nstatus: done\n---\n"
        "## Advice\n\n- ![[map.png]] Map the field before you pick a road.\n"),
        "templates/messages/thank-you.md": "Your advice: {{advice}}\n"})
    assert run(root, "draft", "thank-you", "Ana Lima").output == (
        "Your advice: Map the field before you pick a road.\n")


# --- find: notes the tool could not read whole ----------------------------------------------


def test_a_note_with_broken_front_matter_is_found_and_says_why_its_properties_were_not(
        make_vault) -> None:
    # It was listed like any other: searching its role found nothing, and nothing said why.
    root = make_vault({"contacts/Bob Ray.md": "---\ntype: contact\nrole: [Designer\n---\n"
                                              "Met at the fair.\n",
                       "contacts/Too Big.md": "x" * (2 * 1024 * 1024 + 10),
                       "contacts/Fine.md": "---\ntype: contact\n---\nMet at the fair too.\n"})
    rows = {row["name"]: row for row in found(root, "fair")}
    assert rows["Fine"]["problem"] is None
    assert rows["Bob Ray"]["problem"].startswith("front matter unreadable (line 4)")
    out = run(root, "find", "fair").output
    assert "Bob Ray  [contact]  line 5: Met at the fair.  (contacts/Bob Ray.md)  " \
           "! front matter unreadable (line 4)" in out
    (big,) = found(root, "too big")
    assert big["problem"].startswith("not read")
    assert "vault-tools check" in big["problem"]


def test_find_json_sends_no_direction_override_or_c1_control_to_the_terminal(make_vault) -> None:
    # JSON escapes only the C0 controls: a right-to-left override in a name ("Eve\u202eman"
    # shows as "Evenam") and an 8-bit CSI (U+009B) went to the terminal raw.
    root = make_vault({"contacts/Eve\u202eman.md": (
        "---\ntype: contact\nrole: \"\\u009b2Jboss \\u2067x\"\n---\n")})
    out = run(root, "find", "boss", "--json").output
    assert not any(ch in out for ch in "\u202e\u2067\u009b")
    (row,) = json.loads(out)
    assert row["name"] == "Eve\u202eman" and row["snippet"] == "\u009b2Jboss \u2067x"
    assert "José" in run(make_vault({"contacts/José.md": "---\ntype: contact\n---\n"}),
                         "find", "jose", "--json").output  # other letters stay as they are


def test_a_template_file_named_in_capitals_is_a_kind(make_vault) -> None:
    # Obsidian users name files "Coffee.md": it was silently no kind, and the list of kinds
    # given for `draft coffee` did not say why.
    root = make_vault({**_ANA, "templates/messages/Coffee.md": "Coffee, {{first_name}}?\n",
                       "templates/messages/Thank-You.md": "Ta, {{first_name}}.\n"})
    assert run(root, "draft", "coffee", "Ana Lima").output == "Coffee, Ana?\n"
    assert run(root, "draft", "thank-you", "Ana Lima").output == "Ta, Ana.\n"
    wrong = run(root, "draft", "Coffee", "Ana Lima")
    assert wrong.exit_code == 1 and "keep-warm, coffee (" in wrong.output


def test_a_greeting_for_a_name_written_last_name_first(make_vault) -> None:
    # "Lima, Ana" (as address books export it) was greeted "Hi Lima,,".
    root = make_vault({"contacts/Lima, Ana.md": "---\ntype: contact\n---\n",
                       "templates/messages/keep-warm.md": "Hi {{first_name}},\n"})
    assert run(root, "draft", "keep-warm", "Lima, Ana").output == "Hi Ana,\n"


def test_a_long_or_multi_line_property_is_cut_around_the_match(make_vault) -> None:
    # A property's whole value was the snippet: a 5,000-character `summary` filled the
    # terminal, and a block scalar's line breaks showed as "\n".
    summary = "word " * 500 + "needle" + " word" * 500
    root = make_vault({"contacts/Ana Lima.md": (
        f"---\ntype: contact\nsummary: \"{summary}\"\nrole: |\n  Staff\n  designer\n---\n")})
    (row,) = found(root, "needle")
    assert row["field"] == "summary" and "needle" in row["snippet"]
    assert len(row["snippet"]) <= 95 and row["snippet"].startswith("…")
    (row,) = found(root, "designer")
    assert row["snippet"] == "Staff designer"
    assert "role: Staff designer  (contacts" in run(root, "find", "designer").output


def test_a_draft_with_nothing_left_says_so_instead_of_printing_a_blank_line(make_vault) -> None:
    # A one-line template whose fact is unknown printed one empty line and exited 0, and
    # --mailto opened an empty message.
    root = make_vault({**_ANA, "templates/messages/advice.md": "Your advice: {{advice}}\n",
                       "templates/messages/empty.md": "\ufeff\n\n"})
    for kind in ("advice", "empty"):
        for extra in ([], ["--mailto"]):
            result = run(root, "draft", kind, "Ana Lima", *extra)
            assert result.exit_code == 1, (kind, extra)
            assert "the draft is empty" in result.output and "Ana Lima" in result.output
