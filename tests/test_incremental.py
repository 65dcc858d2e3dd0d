"""`serve`'s incremental rebuild (`LiveSite`): after any sequence of changes its site folder is,
byte for byte, the folder a full `mkdocs build` of the same notes makes."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build

from vault_tools.fill import fill_vault
from vault_tools.site.build import load_site_config
from vault_tools.site.incremental import LiveSite
from vault_tools.vault import Vault, find_vault

from .conftest import DEMO_VAULT

pytestmark = pytest.mark.slow  # real MkDocs builds, compared byte for byte

CONFIG = """site_name: Live vault
docs_dir: notes
theme:
  name: material
  features:
    - navigation.indexes
plugins:
  - search
  - vault
"""


def tree(folder: Path) -> dict[str, bytes]:
    found = {}
    for parent, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(parent) / name
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def folders(folder: Path) -> set[str]:
    return {Path(parent).relative_to(folder).as_posix()
            for parent, _dirs, _names in os.walk(folder)}


def assert_same_site(live: Path, full: Path) -> None:
    """Equal file sets and bytes; the first difference shown as a diff."""
    mine, theirs = tree(live), tree(full)
    assert sorted(mine) == sorted(theirs), (
        f"only in the incremental site: {sorted(set(mine) - set(theirs))}; "
        f"only in the full build: {sorted(set(theirs) - set(mine))}")
    for rel in sorted(mine):
        if mine[rel] != theirs[rel]:
            diff = difflib.unified_diff(
                theirs[rel].decode("utf-8", "replace").splitlines(),
                mine[rel].decode("utf-8", "replace").splitlines(),
                "full build", "incremental", lineterm="", n=1)
            pytest.fail(f"{rel} differs:\n" + "\n".join(list(diff)[:40]))
    assert folders(live) == folders(full), "empty folders left behind"


class Session:
    """A vault, its live site, and a full build to compare with after each change, both as of
    the session's `day` (which a step may move on)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.vault: Vault = find_vault(root)
        self.notes = self.vault.notes_dir
        self.day = dt.date(2026, 11, 30)
        fill_vault(self.vault)
        self.site = root / "live-site"
        self.full = root / "full-site"
        self.live = LiveSite(self.vault, load_site_config(self.vault, site_dir=str(self.site)),
                             today=lambda: self.day)
        self.live.build()
        self.rendered: list[int] = []

    def change(self, *paths: str) -> None:
        """After the notes at `paths` changed: fill (as the watcher does), update, compare."""
        written = fill_vault(self.vault).written
        result = self.live.update([*paths, *written])
        assert not result.full, result.reason
        self.rendered.append(result.rendered)
        self.full_build()

    def full_build(self) -> None:
        """A full build of the vault as of the session's day, compared with the site."""
        shutil.rmtree(self.full, ignore_errors=True)
        config = load_site_config(self.vault, site_dir=str(self.full))
        config.plugins["vault"].today = lambda: self.day
        build(config)
        assert_same_site(self.site, self.full)

    def write(self, rel: str, text: str) -> None:
        path = self.notes / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.change(rel)

    def edit(self, rel: str, how: Callable[[str], str]) -> None:
        self.write(rel, how((self.notes / rel).read_text(encoding="utf-8")))

    def rename(self, old: str, new: str) -> None:
        (self.notes / new).parent.mkdir(parents=True, exist_ok=True)
        (self.notes / old).rename(self.notes / new)
        self.change(old, new)

    def delete(self, rel: str) -> None:
        (self.notes / rel).unlink()
        self.change(rel)

    def attach(self, rel: str, attachment: str) -> None:
        """Note `rel` shows the attachment at `attachment` (made if missing)."""
        path = self.notes / attachment
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(b"\x89PNG " + attachment.encode())
        text = (self.notes / rel).read_text(encoding="utf-8")
        (self.notes / rel).write_text(text + f"\n![[{path.name}]]\n", encoding="utf-8")
        self.change(rel, attachment)


@pytest.fixture
def session(tmp_path: Path) -> Session:
    root = tmp_path / "vault"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return Session(root)


def test_every_kind_of_change_gives_the_full_builds_site_byte_for_byte(session) -> None:
    s = session
    s.edit("contacts/Priya Raman.md", lambda t: t + "\nShe mentioned [[Kwame Asante]] again.\n")
    s.edit("contacts/Kwame Asante.md", lambda t: t + "\n## Advice\n\nTalk to people.\n")
    s.write("contacts/Zofia Duarte.md",
            "---\ntype: contact\naliases: [Zofia]\n---\n\n# Zofia Duarte\n\n"
            "Knows [[Kwame Asante#Advice]] and [[Priya Raman]].\n\n"
            "- [ ] send notes 📅 2026-12-01\n")
    s.edit("contacts/Priya Raman.md", lambda t: t + "\nAsk [[Zofia]] about it.\n")
    s.edit("contacts/Zofia Duarte.md", lambda t: t.replace("type: contact", "private: true", 1))
    s.edit("contacts/Zofia Duarte.md", lambda t: t.replace("private: true", "type: contact", 1))
    s.rename("contacts/Zofia Duarte.md", "contacts/people/Zofia D.md")
    s.edit("contacts/Kwame Asante.md", lambda t: t.replace("## Advice", "## Guidance"))
    (s.notes / "files").mkdir()
    (s.notes / "files" / "card.txt").write_text("a business card\n", encoding="utf-8")
    s.edit("contacts/Priya Raman.md", lambda t: t + "\nHer card: ![[card.txt]]\n")
    (s.notes / "files" / "card.txt").unlink()
    s.change("files/card.txt")
    s.delete("contacts/people/Zofia D.md")
    s.write("contacts/Broken Front Matter.md",
            "---\nprivate: [yes\n---\n\n# Oops\n\nSecret words.\n")
    s.delete("contacts/Broken Front Matter.md")
    # A save that changes one note's body renders few pages, not the whole site.
    s.edit("contacts/Priya Raman.md", lambda t: t + "\nOne more line.\n")
    assert s.rendered[-1] <= 3, s.rendered


def test_a_page_whose_links_now_go_elsewhere_is_rendered_again(session) -> None:
    s = session
    s.write("notes/Reading list.md", "# Reading list\n\nAsk [[Marisol]] first.\n")
    before = (s.site / "notes" / "Reading list" / "index.html").read_text(encoding="utf-8")
    s.write("contacts/Marisol.md", "---\ntype: contact\n---\n\n# Marisol\n")  # the link resolves
    after = (s.site / "notes" / "Reading list" / "index.html").read_text(encoding="utf-8")
    assert before != after and "contacts/Marisol/" in after


NAMES = ["Ada Moss", "Bo Lind", "Cy Park", "Dee Roy"]
FOLDERS = ["contacts", "people"]


@st.composite
def steps(draw: st.DrawFn) -> list[tuple[str, ...]]:
    kinds = st.sampled_from(["create", "edit", "link", "rename", "delete", "private", "heading",
                             "prose", "embed", "day", "attach"])
    return [(draw(kinds), draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES)),
             draw(st.sampled_from(FOLDERS))) for _ in range(draw(st.integers(3, 6)))]


def apply_step(s: Session, step: tuple[str, ...]) -> None:
    kind, name, other, folder = step
    if kind == "day":  # days later (past some follow-ups' due dates), the day's first save
        s.day += dt.timedelta(days=1 + 3 * NAMES.index(other))
        kind = "prose"
    found = [p.relative_to(s.notes).as_posix() for p in s.notes.rglob(f"{name}.md")]
    rel = found[0] if found else None
    if kind == "create" or rel is None:
        # Every sentence names its note: a private note's words must be its own (or the leak
        # scan rightly fails both builds). For the same reason a name is never given to two
        # notes: a public note named like a private one would publish its name.
        s.write(rel or f"{folder}/{name}.md",
                f"---\ntype: contact\n---\n\n# {name}\n\nMet {name} at a fair.\n")
    elif kind == "edit":
        s.edit(rel, lambda t: t + f"\n{name} talked about [[{other}]] and jobs.\n")
    elif kind == "link":
        s.edit(rel, lambda t: t + f"\n- [ ] {name} writes to [[{other}#Notes]] "
                              f"due:2026-12-0{len(t) % 9 + 1}\n")
    elif kind == "prose":  # new words, nothing the index holds: the note parses the same
        s.edit(rel, lambda t: t + f"\n{name} said it again.\n")

    elif kind == "embed":  # its page shows the other's words: their prose edits reach it
        s.edit(rel, lambda t: t + f"\n![[{other}]]\n")
    elif kind == "attach":  # a card only private notes show stays off the site
        s.attach(rel, f"files/card {NAMES.index(other)}.png")
    elif kind == "heading":
        s.edit(rel, lambda t: t + f"\n## Notes\n\nNotes of {name}.\n")
    elif kind == "private":
        s.edit(rel, lambda t: t.replace("---\n\n", "private: true\n---\n\n", 1)
               if "private: true" not in t else t.replace("private: true\n", "", 1))
    elif kind == "rename":
        target = f"{folder}/{name}.md" if not rel.startswith(folder) else f"archive/{name}.md"
        s.rename(rel, target)
    else:
        s.delete(rel)


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(sequence=steps())
# Every contact made private in turn: the index's `names` and `facts` boosts, left behind by the
# builds before (a serve's search configuration outlives a build), were still written.
@example(sequence=[("rename", "Dee Roy", "Dee Roy", "people"),
                   ("private", "Dee Roy", "Dee Roy", "people"),
                   ("private", "Ada Moss", "Bo Lind", "contacts"),
                   ("private", "Bo Lind", "Cy Park", "people")])
# Days pass between saves, past the due dates of the follow-ups made before: only the pages
# showing the day change with it.
@example(sequence=[("create", "Ada Moss", "Ada Moss", "contacts"),
                   ("link", "Ada Moss", "Bo Lind", "contacts"),
                   ("day", "Ada Moss", "Cy Park", "contacts"),
                   ("day", "Ada Moss", "Dee Roy", "contacts")])
# An attachment shown by a note made private, then by a public one: off the site, then on.
@example(sequence=[("create", "Ada Moss", "Ada Moss", "contacts"),
                   ("attach", "Ada Moss", "Bo Lind", "contacts"),
                   ("private", "Ada Moss", "Ada Moss", "contacts"),
                   ("create", "Cy Park", "Cy Park", "people"),
                   ("attach", "Cy Park", "Bo Lind", "people"),
                   ("private", "Ada Moss", "Ada Moss", "contacts")])
# A prose edit of a note another one embeds: the embedding page shows the new words.
@example(sequence=[("create", "Ada Moss", "Ada Moss", "contacts"),
                   ("embed", "Bo Lind", "Ada Moss", "contacts"),
                   ("embed", "Bo Lind", "Ada Moss", "contacts"),
                   ("prose", "Ada Moss", "Ada Moss", "contacts")])
def test_any_sequence_of_changes_gives_the_full_builds_site(tmp_path_factory, sequence) -> None:
    root = tmp_path_factory.mktemp("live") / "vault"
    (root / "notes" / "contacts").mkdir(parents=True)
    (root / "notes" / "index.md").write_text(
        "# Home\n\n" + "".join(f"- [[{n}]]\n" for n in NAMES), encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    s = Session(root)
    for step in sequence:
        apply_step(s, step)


def dated_site(tmp_path: Path) -> tuple[Path, Vault, LiveSite, list[dt.date]]:
    """The demo vault, filled, at `tmp_path/vault`, and a LiveSite building it into its
    `live-site` as of the day in the list returned (2026-11-30 until changed)."""
    root = tmp_path / "vault"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    vault = find_vault(root)
    fill_vault(vault)
    day = [dt.date(2026, 11, 30)]
    live = LiveSite(vault, load_site_config(vault, site_dir=str(root / "live-site")),
                    today=lambda: day[0])
    return root, vault, live, day


def test_a_new_day_a_new_fortnight_or_a_new_month_renders_no_page(tmp_path: Path) -> None:
    # The pages are the same on any day (the day is the stylesheet's, `today_css`): the home
    # page's planned conversations, briefs and counts included. Every build equals a full
    # build of that day.
    root, vault, live, day = dated_site(tmp_path)
    first = live.build()
    today_css = root / "live-site" / "assets" / "vault" / "today.css"
    for moved, edit, rendered in ((dt.date(2026, 12, 1), False, 0),
                                  (dt.date(2026, 12, 9), True, None),
                                  (dt.date(2026, 12, 14), False, 0),
                                  (dt.date(2026, 12, 31), False, 0)):
        day[0] = moved
        paths = []
        if edit:
            path = root / "notes/contacts/Kwame Asante.md"
            path.write_text(path.read_text(encoding="utf-8") + "\nA new day's line.\n",
                            encoding="utf-8")
            paths = ["contacts/Kwame Asante.md", *fill_vault(vault).written]
        result = live.update(paths)
        assert not result.full, result.reason
        if rendered is None:
            assert 0 < result.rendered < first.rendered / 3, result
        else:
            assert result.rendered == rendered, result
        assert f'content: " ({moved.day} Dec 2026)"' in today_css.read_text(encoding="utf-8")
        config = load_site_config(vault, site_dir=str(root / "full-site"))
        config.plugins["vault"].today = lambda: day[0]
        shutil.rmtree(root / "full-site", ignore_errors=True)
        build(config)
        assert_same_site(root / "live-site", root / "full-site")


def test_a_save_the_dashboards_cannot_see_reuses_them_and_any_other_works_them_out(
        session) -> None:
    """A line of prose added to a note changes no note as the index keeps it: the dashboards
    of the last build are reused. A changed field or a new attachment is seen (and each build
    still equals the full build, which `change` checks)."""
    s = session
    plugin = s.live.plugin
    memo = plugin.view.memo
    s.edit("contacts/Kwame Asante.md", lambda t: t + "\nA line no dashboard shows.\n")
    assert plugin.view.memo is memo, "the dashboards were worked out again"
    s.edit("contacts/Kwame Asante.md",
           lambda t: t.replace("role: Data Engineer", "role: Chief tinkerer", 1))
    assert plugin.view.memo is not memo, "a changed role kept the old dashboards"
    assert "Chief tinkerer" in (s.site / "people" / "index.html").read_text(encoding="utf-8")
    memo = plugin.view.memo
    s.edit("contacts/Kwame Asante.md", lambda t: t + "\nAnother quiet line.\n")
    assert plugin.view.memo is memo
    (s.notes / "files").mkdir()
    (s.notes / "files" / "plan.txt").write_text("a plan\n", encoding="utf-8")
    s.change("files/plan.txt")
    assert plugin.view.memo is not memo, "a new file kept the dashboards of the old files"


def test_a_new_day_works_the_dashboards_out_again(tmp_path: Path) -> None:
    root, _vault, live, day = dated_site(tmp_path)
    live.build()
    path = root / "notes/contacts/Kwame Asante.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA quiet line.\n", encoding="utf-8")
    live.update(["contacts/Kwame Asante.md"])
    memo = live.plugin.view.memo
    day[0] = dt.date(2026, 12, 1)
    path.write_text(path.read_text(encoding="utf-8") + "\nAnother one.\n", encoding="utf-8")
    live.update(["contacts/Kwame Asante.md"])
    assert live.plugin.view.memo is not memo
    assert "1 Dec 2026" in (root / "live-site" / "assets" / "vault" / "today.css").read_text(
        encoding="utf-8")


def test_what_quiet_saves_carry_is_worked_out_again_when_a_save_changes_it(session) -> None:
    """Prose saves carry the follow-ups dashboard's items and the leak scan's secrets from the
    build before; a follow-up added, a note made private, a comment, and a private sentence
    copied into a public note are each seen (every build equal to the full one)."""
    from mkdocs.exceptions import PluginError

    s = session
    secrets = s.live.plugin.remembered.secrets
    s.edit("contacts/Kwame Asante.md", lambda t: t + "\nA quiet line.\n")
    found = secrets._found
    s.edit("contacts/Kwame Asante.md", lambda t: t + "\nAnother quiet line.\n")
    assert secrets._found is found, "a line of prose worked the secrets out again"
    s.edit("contacts/Kwame Asante.md",
           lambda t: t + "\n- [ ] send Kwame the harbour report 📅 2026-12-04\n")
    board = (s.site / "Follow-ups" / "index.html").read_text(encoding="utf-8")
    assert "send Kwame the harbour report" in board
    s.write("contacts/Quiet Person.md", "---\ntype: contact\nprivate: true\n---\n\n"
            "# Quiet Person\n\nQuiet Person is leaving the harbour office in the spring.\n")
    assert secrets._found is not found
    s.edit("contacts/Kwame Asante.md",
           lambda t: t + "\n%% Kwame keeps the harbour plans to himself for now %%\n")
    path = s.notes / "contacts/Priya Raman.md"
    path.write_text(path.read_text(encoding="utf-8")
                    + "\nQuiet Person is leaving the harbour office in the spring.\n",
                    encoding="utf-8")
    with pytest.raises(PluginError, match="Quiet Person"):
        s.live.update(["contacts/Priya Raman.md"])


def test_the_notes_folder_is_listed_again_only_when_a_file_came_or_went(session) -> None:
    s = session
    s.edit("contacts/Kwame Asante.md", lambda t: t + "\nA quiet line.\n")
    listing = s.live._listing
    s.edit("contacts/Kwame Asante.md", lambda t: t + "\nAnother quiet line.\n")
    assert s.live._listing is listing, "a save in place listed the folder again"
    (s.notes / "files").mkdir()
    (s.notes / "files" / "plan.txt").write_text("a plan\n", encoding="utf-8")
    s.change("files/plan.txt")  # (published, as the full build does: `change` compares)
    assert s.live._listing is not listing
    listing = s.live._listing
    s.write("contacts/Nia Obi.md", "---\ntype: contact\n---\n\n# Nia Obi\n\nMet at a fair.\n")
    assert s.live._listing is not listing
    listing = s.live._listing
    s.delete("contacts/Nia Obi.md")
    assert s.live._listing is not listing
    # The same names, one of them now a link out of the vault: still never published.
    outside = s.root.parent / "outside.txt"
    outside.write_text("Kwame's salary is 250k, the harbour offer.\n", encoding="utf-8")
    (s.notes / "files" / "plan.txt").unlink()
    (s.notes / "files" / "plan.txt").symlink_to(outside)
    listing = s.live._listing
    s.change("files/plan.txt")
    assert s.live._listing is listing
    assert not (s.site / "files" / "plan.txt").exists()


def test_a_save_of_prose_reuses_what_spans_the_vault_and_a_save_that_changes_it_does_not(
        session) -> None:
    """A line of prose leaves the note as the index keeps it: the sitemap and 404.html are not
    written again, the tags' pages, the view's follow-ups and the saved note's problems are
    reused. A new tag, a new note, a renamed note, a note made private and a changed title
    are each seen (every build equal to the full one, which `change` checks)."""
    s = session
    kwame = "contacts/Kwame Asante.md"
    plugin = s.live.plugin
    generated = plugin.remembered.generated
    s.edit(kwame, lambda t: t + "\nA quiet line.\n")
    sitemap = s.site / "sitemap.xml"
    written = sitemap.stat().st_mtime_ns, (s.site / "404.html").stat().st_mtime_ns
    note, tags, followups_of = s.live._index.notes[kwame], generated._subpages, \
        plugin.view.followups_of
    s.edit(kwame, lambda t: t + "\nAnother quiet line.\n")
    assert (sitemap.stat().st_mtime_ns, (s.site / "404.html").stat().st_mtime_ns) == written
    assert s.live._index.notes[kwame] is note, "an equal note was put in the index again"
    assert generated._subpages is tags
    assert plugin.view.followups_of is followups_of
    s.edit(kwame, lambda t: t.replace("tags: [data]", "tags: [data, harbour]", 1))
    assert generated._subpages is not tags
    assert (s.site / "tags" / "harbour" / "index.html").is_file()
    s.write("contacts/Nia Obi.md", "---\ntype: contact\n---\n\n# Nia Obi\n\nMet at a fair.\n")
    assert sitemap.stat().st_mtime_ns != written[0], "a new page left the sitemap as it was"
    s.rename("contacts/Nia Obi.md", "contacts/Nia Obi-Okafor.md")
    s.edit("contacts/Nia Obi-Okafor.md", lambda t: t.replace("type: contact", "private: true"))
    s.edit("contacts/Nia Obi-Okafor.md", lambda t: t.replace("private: true", "type: contact"))
    s.edit(kwame, lambda t: t.replace("# Kwame Asante", "# Kwame A. Asante", 1))
    s.edit(kwame, lambda t: t + "\nA last quiet line, with [[Priya Raman]] in it.\n")


def test_a_quiet_save_writes_no_generated_file_again_nor_digests_the_dashboards(
        session) -> None:
    """A line of prose changes neither the feed nor the network's data: they are not written
    again, and the dashboards' inputs are not digested again. A feed changed on disk since is
    written again; a new follow-up changes the feed, which is written again (every build equal
    to the full one, which `change` checks)."""
    s = session
    kwame = "contacts/Kwame Asante.md"
    s.edit(kwame, lambda t: t + "\nA quiet line.\n")
    feed, network = s.site / "followups.ics", s.site / "network" / "data.js"
    written = feed.stat().st_mtime_ns, network.stat().st_mtime_ns
    digested = dict(s.live._digested._last)
    assert "index.md" in digested and len(digested) > 2, sorted(digested)
    s.edit(kwame, lambda t: t + "\nAnother quiet line.\n")
    assert (feed.stat().st_mtime_ns, network.stat().st_mtime_ns) == written
    for page, (_volatile, inputs, _found) in digested.items():
        if page != kwame:
            assert s.live._digested._last[page][1] is inputs, f"{page} digested again"
    feed.write_text("tampered\n", encoding="utf-8")
    s.edit(kwame, lambda t: t + "\nA third quiet line.\n")  # (the feed as the full build's)
    s.edit(kwame, lambda t: t + "\n- [ ] call back 📅 2026-12-01\n")
    assert feed.stat().st_mtime_ns != written[0]


def test_a_prose_edit_renders_its_page_and_the_pages_that_embed_it_only(session) -> None:
    """A line of prose (the note parses as it did) shows on the note's own page and on the
    pages that embed it, through an embed of an embed too; no page that only links to it is
    rendered again. Every site is the full build's (`Session.change`)."""
    s = session
    s.write("topics/Shows Priya.md", "# Shows Priya\n\n![[Priya Raman]]\n")
    s.write("topics/Shows it.md", "# Shows it\n\n![[Shows Priya]]\n")
    s.edit("contacts/Priya Raman.md", lambda t: t + "\nA line of prose, said once.\n")
    assert s.rendered[-1] == 3
    for page in ("topics/Shows Priya", "topics/Shows it"):
        html = (s.site / page / "index.html").read_text(encoding="utf-8")
        assert "A line of prose, said once." in html
