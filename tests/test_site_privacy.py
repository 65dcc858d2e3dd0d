"""Privacy of the built site (§7): private notes and unpublished fields reach no output file, and
the leak scan fails a build that would publish one."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pytest

from vault_tools.privacy import Secret
from vault_tools.site.build import SiteError, build_site
from vault_tools.site.leaks import scan_site
from vault_tools.vault import find_vault

from .conftest import site_texts

pytestmark = pytest.mark.slow  # real MkDocs builds and their leak scan

CONFIG = """site_name: Private vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""

CANARY = "Quokka Lantern Protocol"
SECRET_SENTENCE = f"She is quietly building the {CANARY} team and nobody outside knows yet."

PRIVATE = f"""---
type: contact
private: true
company: "[[Acme]]"
email: renata.secret@example.net
phone: "555-0199"
aliases: [Ren the Quiet]
---

# Renata Silva

{SECRET_SENTENCE}

- [ ] Ask Renata privately about the role 📅 2026-12-10
"""

PUBLIC = """---
type: contact
company: "[[Acme]]"
email: priya.public@example.org
phone: "555-0127"
linkedin: https://www.linkedin.com/in/priya-fictional
introduced_by: "[[Renata Silva]]"
---

# Priya Raman

Met through [[Renata Silva]] and [[Ren the Quiet|her]]; see also [the note](Renata%20Silva.md).
"""

ACME = """---
type: company
---

# Acme

People I know there: [[Priya Raman]].
"""

TALK = """---
type: interview
date: 2026-11-02
with: "[[Renata Silva]]"
company: "[[Acme]]"
private: true
---

# Coffee with Renata

{sentence}
"""

KWAME = """---
type: contact
introduced_by: "[[Renata Silva]]"
---

# Kwame Asante
"""

KWAME_TALK = """---
type: interview
date: 2026-11-05
with: "[[Kwame Asante]]"
thank_you: 2026-11-06
---

# Kwame on data work
"""

SECRETS = (CANARY, "Renata Silva", "Ren the Quiet", "renata.secret@example.net", "555-0199",
           "priya.public@example.org", "555-0127", "priya-fictional", "Coffee with Renata")


def vault_files(**overrides: str) -> dict[str, str]:
    files = {
        "index.md": "# Home\n\nStart with [[Priya Raman]].\n",
        "contacts/Renata Silva.md": PRIVATE,
        "contacts/Priya Raman.md": PUBLIC,
        "companies/Acme.md": ACME,
        "interviews/2026-11-02 Renata Silva.md": TALK.format(sentence=SECRET_SENTENCE),
        # A sync-conflict copy of the private note: never indexed, so never published.
        "contacts/Renata Silva.sync-conflict-20261102.md": PRIVATE,
        # Introduced by the private contact: fill writes "Tell Renata Silva how..." as plain
        # text into Kwame's block, which the site must not reuse as it is.
        "contacts/Kwame Asante.md": KWAME,
        "interviews/2026-11-05 Kwame Asante.md": KWAME_TALK,
    }
    files.update(overrides)
    return files


def make_site_vault(make_vault, files: dict[str, str]) -> Path:
    root = make_vault(files)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root



@pytest.fixture
def private_site(make_vault) -> Path:
    return build_site(find_vault(make_site_vault(make_vault, vault_files())))


def test_private_notes_and_unpublished_fields_appear_in_no_output_file(
    private_site: Path,
) -> None:
    texts = site_texts(private_site)
    assert "search/search_index.json" in texts and "sitemap.xml" in texts
    assert "followups.ics" in texts and "network/data.js" in texts
    for secret in SECRETS:
        leaked = sorted(name for name, text in texts.items() if secret.lower() in text.lower())
        assert leaked == [], f"{secret!r} found in {leaked}"


def test_private_notes_have_no_page(private_site: Path) -> None:
    assert not (private_site / "contacts" / "Renata Silva").exists()
    assert not (private_site / "interviews" / "2026-11-02 Renata Silva").exists()
    assert not any("sync-conflict" in p.name for p in private_site.rglob("*"))
    assert (private_site / "contacts" / "Priya Raman" / "index.html").is_file()


def test_links_to_a_private_note_show_a_private_note_without_a_link(private_site: Path) -> None:
    html = (private_site / "contacts" / "Priya Raman" / "index.html").read_text(encoding="utf-8")
    body = html[html.index("<article"):]
    assert body.count('<span class="vault-link vault-private"') >= 3
    assert "a private note" in body
    assert "Renata" not in body


def test_every_page_asks_not_to_be_indexed(private_site: Path) -> None:
    pages = list(private_site.rglob("*.html"))
    assert pages
    for page in pages:
        assert '<meta name="robots" content="noindex, nofollow">' in page.read_text("utf-8"), page


def test_the_site_makes_no_request_to_another_host(private_site: Path) -> None:
    for page in private_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, page


def test_leak_scan_fails_a_build_that_would_publish_a_private_name(make_vault) -> None:
    root = make_site_vault(make_vault, vault_files(**{
        "companies/Acme.md": ACME + "\nRenata Silva runs the new team.\n",
    }))
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(root))
    message = str(failure.value)
    assert "companies/Acme/index.html: contains name 'Renata Silva' from " \
           "contacts/Renata Silva.md" in message
    # The leaking page is not left behind for anyone to open.
    assert not (root / "site" / "companies" / "Acme" / "index.html").exists()


def test_leak_scan_fails_a_build_that_would_publish_a_private_sentence_or_field(
    make_vault,
) -> None:
    root = make_site_vault(make_vault, vault_files(**{
        "index.md": f"# Home\n\nQuoting: *{SECRET_SENTENCE}*\n\nCall 555-0127.\n",
    }))
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(root))
    message = str(failure.value)
    assert "index.html: contains text" in message and CANARY in message
    assert "index.html: contains field phone '555-0127' from contacts/Priya Raman.md" in message


def test_a_note_whose_front_matter_fails_but_says_private_stays_off_the_site(make_vault) -> None:
    broken = "---\nprivate: true\ntags: [unclosed\n---\n\n# Hidden Person\n\nDo not publish.\n"
    root = make_site_vault(make_vault, vault_files(**{"contacts/Hidden Person.md": broken}))
    site = build_site(find_vault(root))
    assert not (site / "contacts" / "Hidden Person").exists()
    assert all("Hidden Person" not in text for text in site_texts(site).values())


def test_publish_fields_publishes_only_what_it_lists(make_vault) -> None:
    root = make_site_vault(make_vault, vault_files())
    (root / "mkdocs.yml").write_text(
        CONFIG.replace("  - vault\n", "  - vault:\n      publish_fields: [email]\n"),
        encoding="utf-8",
    )
    texts = site_texts(build_site(find_vault(root)))
    page = texts["contacts/Priya Raman/index.html"]
    assert "priya.public@example.org" in page
    assert "555-0127" not in page and "priya-fictional" not in page
    assert all("renata.secret@example.net" not in text for text in texts.values())


def test_a_backlink_context_cut_inside_a_private_link_shows_no_part_of_its_name(
    make_vault,
) -> None:
    prefix = "See [[Priya Raman]] about "
    filler = "x" * (159 - len(prefix) - len("[[Rena") - 1) + " "
    line = prefix + filler + "[[Renata Silva]] and the team."
    assert (prefix + filler + "[[Rena")[:159].endswith("[[Rena")  # the cut falls in the link
    root = make_site_vault(make_vault, vault_files(**{"companies/Acme.md": ACME + line + "\n"}))
    site = build_site(find_vault(root))
    written = (root / "notes/contacts/Priya Raman.md").read_text(encoding="utf-8")
    quotes = written[written.find("**Linked from**"):]
    assert "about xxx" in quotes and "Rena" not in quotes  # a quote is never cut in a link
    page = (site / "contacts/Priya Raman/index.html").read_text(encoding="utf-8")
    assert "about xxx" in page and "Rena" not in page  # ...and the site shows none of it


def test_leak_scan_reads_every_kind_of_output_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<meta name="description" content="Where Renata Silva works">', encoding="utf-8")
    (site / "b.html").write_text("<p>Renata <em>Silva</em></p>", encoding="utf-8")
    (site / "c.json").write_text('{"text": "Ren\\u0061ta Silva"}', encoding="utf-8")
    (site / "d.xml.gz").write_bytes(gzip.compress(b"<loc>Renata Silva</loc>"))
    (site / "e.ics").write_text("SUMMARY:Call Renata Si\r\n lva\r\n", encoding="utf-8")
    # Whole words only, in order (a hyphen separates words: `renata-silva` is how a URL
    # writes the name, so it is found).
    (site / "f.html").write_text("<p>Renata Silvana, Renatas Silva and Silva Renata</p>",
                                 encoding="utf-8")
    (site / "g.html").write_text('<a href="/people/renata-silva/">them</a>', encoding="utf-8")
    secret = Secret("Renata Silva", "name", "contacts/Renata Silva.md", whole_word=True)
    found = sorted(leak.file for leak in scan_site(site, [secret]))
    assert found == ["a/index.html", "b.html", "c.json", "d.xml.gz", "e.ics", "g.html"]


def test_leak_scan_finds_a_secret_across_indentation_and_in_an_opening_attribute(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("<li>\n        Renata\n\t\t  <b>Silva</b>\n</li>",
                                 encoding="utf-8")
    (site / "b.html").write_text(' title = "Renata\n   Silva"><p>nothing here</p>',
                                 encoding="utf-8")
    (site / "c.html").write_text("<p>Renata</p>\n\n<p>Silvana</p>", encoding="utf-8")
    secret = Secret("Renata Silva", "name", "contacts/Renata Silva.md", whole_word=True)
    assert sorted(leak.file for leak in scan_site(site, [secret])) == ["a.html", "b.html"]


def published_files(root: Path) -> set[str]:
    """Every file of a build of the vault at `root`, relative to its site folder."""
    site = build_site(find_vault(root))
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_an_attachment_only_a_private_note_shows_is_not_published(make_vault) -> None:
    files = vault_files()
    files["contacts/Renata Silva.md"] = PRIVATE + "\n![[renata-badge.png]]\n"
    files["contacts/Priya Raman.md"] = PUBLIC + "\n![team photo](../media/team%20photo.png)\n"
    root = make_site_vault(make_vault, files)
    (root / "notes/contacts/renata-badge.png").write_bytes(b"\x89PNG private")
    (root / "notes/media").mkdir()
    (root / "notes/media/team photo.png").write_bytes(b"\x89PNG public")
    (root / "notes/media/unreferenced.pdf").write_bytes(b"%PDF loose file")
    published = published_files(root)
    assert "contacts/renata-badge.png" not in published
    assert "media/team photo.png" in published
    assert "media/unreferenced.pdf" in published


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "too large"])
def test_an_attachment_only_a_private_note_shows_stays_off_whatever_the_notes_encoding(
    make_vault, encoding: str,
) -> None:
    # Saved by another editor as Latin-1 or UTF-16 (or grown past what a note may hold), the
    # note is no UTF-8 text: still private (read leniently), and so is what it shows.
    files = vault_files()
    root = make_site_vault(make_vault, files)
    text = ("---\ntype: contact\nprivate: true\n---\n\n# Renata Silva\n\n"
            "Sa carte : ![[renata-badge.png]] (café)\n")
    if encoding == "too large":
        data = (text + "\n" + "filler words here\n" * 150_000).encode("utf-8")
    else:
        data = text.encode(encoding)
    (root / "notes/contacts/Renata Silva.md").write_bytes(data)
    (root / "notes/contacts/renata-badge.png").write_bytes(b"\x89PNG private")
    (root / "notes/contacts/loose.png").write_bytes(b"\x89PNG loose")
    published = published_files(root)
    assert "contacts/renata-badge.png" not in published
    assert "contacts/loose.png" in published


@pytest.mark.parametrize("how", ["symlink", "hard link", "symlinked to it"])
def test_another_name_of_an_attachment_kept_off_is_kept_off_too(make_vault, how: str) -> None:
    """An attachment kept off (by a private note's name in its path, or as only a private
    note shows it) has the same bytes under every name: a symbolic link to it, a hard link,
    or the file a private name links to. None of its names is published, whatever they say;
    the other attachments are."""
    files = vault_files()
    files["contacts/Renata Silva.md"] = PRIVATE + "\n![[scan-2026.png]]\n"
    root = make_site_vault(make_vault, files)
    media = root / "notes" / "media"
    media.mkdir()
    by_name, by_mention = media / "Renata Silva CV.pdf", root / "notes/contacts/scan-2026.png"
    copies = {by_name: media / "resume.pdf", by_mention: media / "holiday.png"}
    for private, other in copies.items():
        # (no name in the bytes: the leak scan, which reads none in a binary file, is not
        # what keeps it off)
        data = b"%PDF-1.7 \x00\x01 private bytes " + str(len(private.name)).encode()
        if how == "symlink":
            private.write_bytes(data)
            other.symlink_to(private)
        elif how == "hard link":
            private.write_bytes(data)
            os.link(private, other)
        else:  # the private name is the link; the file it names has a name of its own
            other.write_bytes(data)
            private.symlink_to(other)
    (media / "loose.pdf").write_bytes(b"%PDF loose")
    # A private note's own file under an attachment's name (its words are what the leak scan
    # knows, but a short note may hold none it looks for).
    note = root / "notes/contacts/Renata Silva.md"
    if how == "symlink":
        (media / "notes.txt").symlink_to(note)
    elif how == "hard link":
        os.link(note, media / "notes.txt")
    published = published_files(root)
    assert "media/loose.pdf" in published
    assert "media/notes.txt" not in published
    for private, other in copies.items():
        for path in (private, other):
            assert path.relative_to(root / "notes").as_posix() not in published, how


def test_a_link_made_to_a_private_attachment_after_a_build_is_taken_off_by_the_next(
    make_vault,
) -> None:
    """The next build (from the site cache's record) takes off a name that became another
    name of a file kept off, and publishes it again once that file is no longer kept off."""
    root = make_site_vault(make_vault, vault_files())
    media = root / "notes" / "media"
    media.mkdir()
    (media / "Renata Silva CV.pdf").write_bytes(b"%PDF-1.7 private bytes")
    (media / "resume.pdf").write_bytes(b"%PDF-1.7 its own bytes")
    assert "media/resume.pdf" in published_files(root)
    (media / "resume.pdf").unlink()
    os.link(media / "Renata Silva CV.pdf", media / "resume.pdf")
    assert "media/resume.pdf" not in published_files(root)
    (root / "notes/contacts/Renata Silva.md").write_text(
        PRIVATE.replace("private: true\n", ""), encoding="utf-8")
    (root / "notes/interviews/2026-11-02 Renata Silva.md").unlink()
    assert {"media/resume.pdf", "media/Renata Silva CV.pdf"} <= published_files(root)


def test_a_private_note_that_is_a_symlink_to_a_file_elsewhere_stays_off_the_site(
    make_vault, tmp_path: Path,
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "Zed Hidden.md").write_text(
        "---\ntype: contact\nprivate: true\n---\n\n# Zed Hidden\n\n"
        "Zed is about to resign from the board.\n", encoding="utf-8")
    root = make_site_vault(make_vault, vault_files())
    (root / "notes" / "contacts" / "Zed Hidden.md").symlink_to(outside / "Zed Hidden.md")
    site = build_site(find_vault(root))
    assert not (site / "contacts" / "Zed Hidden").exists()
    for name, text in site_texts(site).items():
        assert "about to resign" not in text and "Zed Hidden" not in text, name


def test_the_leak_scan_finds_the_same_leaks_with_a_helper_process(tmp_path: Path) -> None:
    from vault_tools.privacy import Secret
    from vault_tools.site.leaks import scan_site

    site = tmp_path / "site"
    for i in range(40):
        page = site / f"page{i:02d}" / "index.html"
        page.parent.mkdir(parents=True)
        words = "Renata Silva called" if i % 7 == 0 else "nothing to see"
        page.write_text(f"<html><body><p>{words} on day {i}.</p></body></html>",
                        encoding="utf-8")
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_text(
        '{"docs": [{"text": "Renata <em>Silva</em> again"}]}', encoding="utf-8")
    secrets = [Secret("Renata Silva", "name", "contacts/Renata Silva.md", True)]
    alone = scan_site(site, secrets, parallel_from=10_000)
    helped = scan_site(site, secrets, parallel_from=2)
    assert [leak.file for leak in alone] == [leak.file for leak in helped]
    assert [leak.file for leak in helped] == [
        *(f"page{i:02d}/index.html" for i in range(0, 40, 7)), "search/search_index.json"]


# --- what counts as private (§7): one rule for every reader ----------------------------------

# Each note says it is private (or a draft) in a way that once published it, and holds a word
# of its own that must appear in no output file.
UNCLEAR_PRIVATE = {
    "contacts/Carriage Return.md": (
        b"---\rtype: contact\rprivate: true\r---\r\r# Carriage Return\r\r"
        b"Cr-only zephyrwhistle notes stay home.\r"),
    "contacts/Upper Case.md": "---\ntype: contact\nPrivate: true\n---\n\nUppercase marmosetglow.\n",
    "contacts/No Value.md": "---\ntype: contact\nprivate:\n---\n\nEmpty crinkleharbor.\n",
    "contacts/Twice Said.md": (
        "---\ntype: contact\nprivate: true\nprivate: false\n---\n\nDuplicate vellumtrout.\n"),
    "contacts/Not Boolean.md": "---\ntype: contact\nprivate: \"no\"\n---\n\nString quillfen.\n",
    "contacts/Draft Person.md": "---\ntype: contact\ndraft: true\n---\n\nDraft plumbrook.\n",
    "contacts/Unpublished.md": "---\ntype: contact\nPublish: false\n---\n\nHeld saltmarrow.\n",
}
UNCLEAR_WORDS = ("zephyrwhistle", "marmosetglow", "crinkleharbor", "vellumtrout", "quillfen",
                 "plumbrook", "saltmarrow")

COMMENTED = """---
type: contact
publish: true
Draft: false
---

# Open Person

Public words. %% inline aside: lanternmoss [[Hidden Target]] %% More public words.

%%
Block aside: gravelwing
- [ ] a task in a comment: driftcomb
%%

Visible end. A draft's name is no secret: Draft Person, [[Draft Person]].
"""


def test_no_unclear_private_note_reaches_the_site_and_comments_never_do(make_vault) -> None:
    files: dict[str, str | bytes] = dict(vault_files())
    files.update(UNCLEAR_PRIVATE)
    files["contacts/Open Person.md"] = COMMENTED
    files["contacts/Hidden Target.md"] = "---\ntype: contact\n---\n\n# Hidden Target\n"
    site = build_site(find_vault(make_site_vault(make_vault, files)))
    texts = site_texts(site)
    for word in (*UNCLEAR_WORDS, "lanternmoss", "gravelwing", "driftcomb", "Carriage Return",
                 "Upper Case", "Twice Said"):
        leaked = sorted(name for name, text in texts.items() if word in text)
        assert leaked == [], f"{word!r} found in {leaked}"
    for path in UNCLEAR_PRIVATE:
        assert not (site / path.removesuffix(".md")).exists(), path
    page = texts["contacts/Open Person/index.html"]
    assert "Public words." in page and "More public words." in page and "Visible end." in page
    # The card shows no visibility key, whatever its case; the comment's link is no link.
    assert "<dt>Publish</dt>" not in page and "<dt>Draft</dt>" not in page
    assert all("<dt>Private</dt>" not in text for text in texts.values())
    assert "Hidden Target" not in page
    # A draft is off the site (a link to it is no link), but its name fails no build.
    assert "name is no secret: Draft Person," in page
    assert 'href="../Draft%20Person/"' not in page and "a private note" in page


def test_a_public_notes_file_quotes_no_private_sentence_and_lists_no_private_task(
    make_vault,
) -> None:
    files = vault_files(**{
        "Follow-ups.md": "# Follow-ups\n",
        "companies/Acme.md": ACME + "\nAsk [[Priya Raman]] and [[Renata Silva]] together.\n",
    })
    root = make_site_vault(make_vault, files)
    site = build_site(find_vault(root))
    for path in ("companies/Acme.md", "Follow-ups.md", "contacts/Priya Raman.md",
                 "contacts/Kwame Asante.md"):
        written = (root / "notes" / path).read_text(encoding="utf-8")
        block = written[written.find("<!-- vault-tools:"):]
        assert CANARY not in block and "Ask Renata privately" not in block, path
    dashboard = (root / "notes/Follow-ups.md").read_text(encoding="utf-8")
    assert "- 2026-12-10 · [[Renata Silva]]" in dashboard
    # A public sentence naming the private note is quoted in the file with the name as plain
    # text (the name, not a word of hers); the site shows "a private note" in its place.
    priya = (root / "notes/contacts/Priya Raman.md").read_text(encoding="utf-8")
    assert "- [[Acme]]: Ask Priya Raman and Renata Silva together." in priya
    page = (site / "contacts/Priya Raman/index.html").read_text(encoding="utf-8")
    assert "Ask Priya Raman and a private note together." in page


def test_hide_private_in_files_keeps_every_private_name_out_of_public_files(make_vault) -> None:
    files = vault_files(**{"Follow-ups.md": "# Follow-ups\n"})
    root = make_site_vault(make_vault, files)
    (root / "mkdocs.yml").write_text(
        CONFIG.replace("  - vault\n", "  - vault:\n      hide_private_in_files: true\n"),
        encoding="utf-8")
    site = build_site(find_vault(root))
    for path in ("companies/Acme.md", "Follow-ups.md", "contacts/Kwame Asante.md"):
        written = (root / "notes" / path).read_text(encoding="utf-8")
        block = written[written.find("<!-- vault-tools:"):]
        assert "Renata" not in block and CANARY not in block, (path, block)
        assert "a private note" in block, path
    # The site shows no "a private note" entry the block in the file has.
    acme = (site / "companies/Acme/index.html").read_text(encoding="utf-8")
    assert "Renata" not in acme


def _helper_processes() -> list[int]:
    """This process's multiprocessing children (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_helper_process_that_never_answers_neither_hangs_the_scan_nor_skips_its_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The helper is stopped (SIGSTOP) as soon as it exists, so its half never comes back; it is
    # killed a while later, which the pool survives without ever answering. The scan must end
    # anyway, with every leak of both halves.
    import signal
    import threading

    from vault_tools.privacy import Secret
    from vault_tools.site import leaks

    site = tmp_path / "site"
    for i in range(300):
        page = site / f"page{i:03d}" / "index.html"
        page.parent.mkdir(parents=True)
        words = "Renata Silva called" if i % 7 == 0 else "nothing to see"
        page.write_text(f"<html><body><p>{words} on day {i}.</p></body></html>",
                        encoding="utf-8")
    secrets = [Secret("Renata Silva", "name", "contacts/Renata Silva.md", True)]
    alone = leaks.scan_site(site, secrets, parallel_from=10_000)
    monkeypatch.setattr(leaks, "HELPER_PATIENCE", 2.0)
    frozen: list[int] = []
    stop = threading.Event()

    def freeze_then_kill_the_helper() -> None:
        while not stop.is_set() and not frozen:
            for pid in _helper_processes():
                os.kill(pid, signal.SIGSTOP)
                frozen.append(pid)
            time.sleep(0.001)
        stop.wait(4.0)
        for pid in frozen:
            os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=freeze_then_kill_the_helper, daemon=True)
    killer.start()
    try:
        helped = leaks.scan_site(site, secrets, parallel_from=2)
    finally:
        stop.set()
        killer.join()
    assert frozen, "the helper process was never seen"
    assert [leak.file for leak in helped] == [leak.file for leak in alone]
    assert len(alone) == len(range(0, 300, 7))


LATE_HOOKS = """from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(-200)  # after the vault plugin has scanned the page
def on_post_page(output, page, config):
    if page.file.src_uri == "companies/Acme.md":
        return output.replace("</article>", "<p>Renata Silva</p></article>")
    return output


def on_post_build(config):  # before the vault plugin's post-build: a page on disk rewritten
    page = Path(config.site_dir) / "contacts" / "Priya Raman" / "index.html"
    page.write_text(page.read_text("utf-8") + "<!-- ren the quiet -->", "utf-8")
"""


def test_a_page_changed_after_the_plugin_scanned_its_html_still_fails_the_build(
    make_vault,
) -> None:
    """The pages are scanned as they are made (`leaks.PageScan`); what counts is the file:
    another plugin changing a page after that scan, or the written file itself, is caught."""
    root = make_site_vault(make_vault, vault_files())
    (root / "hooks.py").write_text(LATE_HOOKS, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG + "hooks:\n  - hooks.py\n", encoding="utf-8")
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(root))
    message = str(failure.value)
    assert "companies/Acme/index.html: contains name 'Renata Silva'" in message
    assert "contacts/Priya Raman/index.html: contains name 'Ren the Quiet'" in message
    assert not (root / "site" / "companies" / "Acme" / "index.html").exists()


COUNTING_HOOKS = """import json
from pathlib import Path

made = []


def on_post_page(output, page, config):  # before the vault plugin scans it
    made.append(page.file.dest_uri)
    Path(config.config_file_path).with_name("made.json").write_text(json.dumps(made))
    if len(made) in (3, 70):  # one the build scans itself, one its second process scans
        return output.replace("</article>", "<p>Renata Silva</p></article>")
    return output
"""


def test_a_large_build_whose_later_pages_leak_fails_as_a_small_one_does(make_vault) -> None:
    """From the page `leaks.ASIDE_FROM` on, a build scans its pages in a second process: a
    leak in one of those fails the build as one in the first pages does, with the same
    report, and its file is deleted."""
    import json

    from vault_tools.site import leaks

    files = vault_files()
    for number in range(leaks.ASIDE_FROM + 40):
        files[f"contacts/Person {number:03d}.md"] = (
            f"---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n\n# Person {number:03d}\n\n"
            "Met at a meetup.\n")
    root = make_site_vault(make_vault, files)
    (root / "hooks.py").write_text(COUNTING_HOOKS, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG + "hooks:\n  - hooks.py\n", encoding="utf-8")
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(root))
    made = json.loads((root / "made.json").read_text(encoding="utf-8"))
    assert len(made) > leaks.ASIDE_FROM + 40
    message = str(failure.value)
    for leaked in (made[2], made[69]):
        assert f"{leaked}: contains name 'Renata Silva'" in message
        assert not (root / "site" / leaked).exists()
    assert message.count("contains name 'Renata Silva'") == 2
    assert (root / "site" / made[68]).exists()
