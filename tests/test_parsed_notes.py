"""The notes as parsed, kept between the site's runs (`note_json`, `site/parsed_notes.py`): a
note read back from the record is the very Note its bytes parse to, a build after a few edits
parses only the notes that changed, and the record never holds a private note, never outlives
a note's bytes and is discarded, not trusted, when damaged."""

from __future__ import annotations

import io
import json
import logging
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools import note_json
from vault_tools.manifest import cache_dir
from vault_tools.note_json import from_json, to_json
from vault_tools.parse import decode_note, parse_note
from vault_tools.privacy import may_name_visibility
from vault_tools.site import parsed_notes
from vault_tools.site.build import build_site
from vault_tools.site.site_cache import SiteCache
from vault_tools.vault import find_vault, note_from_data
from vault_tools.writer import content_hash

from .conftest import DEMO_VAULT, OBSIDIAN_HELP
from .test_parse_hostile import FRAGMENTS

PRIVATE_WORD = "Quillfeather9"
CONFIG = "site_name: Vault\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n  - search\n" \
         "  - vault\n"


def exactly(value: object) -> bytes:
    """`value` pickled without pickle's memo: equal bytes for values equal in every part and
    every type (`True` is not `1`, a tuple is not a list, 0.0 is not -0.0)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


def assert_round_trip(rel: str, text: str, contexts: bool = True) -> bool:
    """The note `text` parses to comes back from its line exactly; False if it has no line."""
    note = parse_note(rel, text, contexts=contexts)
    line = to_json(note)
    if line is None:
        return False
    assert "\n" not in line
    assert exactly(from_json(line)) == exactly(note)
    return True


# --- the codec ------------------------------------------------------------------------------

FRONT_MATTER = st.sampled_from([
    "type: contact", "type: interview", "type: company", "type: career", "type: journal",
    "company: \"[[Acme]]\"", "role: Engineer", "email: a@b.c", "cadence: 3w", "cadence: 2m",
    "cadence: 10d", "cadence: often", "last_contact: 2026-02-30", "last_contact: 2026-01-05",
    "introduced_by: \"[[Jane Doe]]\"", "status: active", "status: ruled-out",
    "ruled_out: 2026-03-01", "reason: pay", "score_growth: 4", "score_pay: 9",
    "score_values: x", "with: [\"[[Jane Doe]]\", \"[[Bob]]\"]", "date: 2026-01-05",
    "careers: [\"[[UX]]\"]", "interest: 2", "interest: -1", "referrals: [\"[[Ann]]\"]",
    "thank_you: 2026-01-06", "snoozed_until: 2026-04-01", "format: call",
    "aliases: [Jo, J. D.]", "tags: [a, b/c]", "private: true", "publish: false",
    "private: maybe", "title: A title", "nested: {a: [1, 2.5, null, true], b: {c: d}}",
    "float: 1.0", "neg: -0.0", "big: 123456789012345678901234567890", "inf: .inf",
    "empty:", "list: []", "odd: !!binary aGVsbG8=", "set: !!set {a, b}", "1: number key",
    "dup: 1\ndup: 2", "when: 2026-01-05T10:00:00", "yes: yes", "tab: \"a\\tb\"",
    "line: \"a\\u2028b\\nc\"", "bad: [unclosed",
])
# Every way a front matter may make a note private that the parser knows of, and some it may
# not: the property test below holds `may_name_visibility` to finding each.
VISIBILITY = st.sampled_from([
    "private: true", "Private: yes", "PRIVATE: 1", "private:", "private: false",
    "publish: false", "Publish: no", "draft: true", "DRAFT: on", "\uff50rivate: true",
    "pri\u200bvate: true", "\"pri\\x76ate\": true", "\"\\u0070rivate\": true",
    "'private': true", "? private\n: true", "{private: true}", "x: {a: 1, private: true}",
    "- private: true", "base: &b {private: true}\n<<: *b", "k: &v true\nprivate: *v",
    "!!str private: true", "\u017fecret: 1", "private : true", "private:\ttrue",
    "publish:\n  false", "draft: [true]", "pri\u0301vate: true", "\u1d3eRIVATE: true",
])
BODY = st.sampled_from([
    "# Jane Doe\n", "## Notes\n", "## Log\n", "## Open questions\n", "## Key insights\n",
    "- 2026-01-05 email: sent it\n", "- [[2026-01-06]] call: talked\n",
    "- [ ] Call [[Jane Doe]] 📅 2026-01-02\n", "- [x] done ✅ 2026-01-03\n",
    "- [ ] later ⏳ 2026-02-01 🛫 2026-01-20\n", "- [-] dropped\n",
    "- [ ] bad date 📅 2026-13-40\n", "Met [[Jane Doe|Jane]] at [[Acme#Team]].\n",
    "![[photo.png]]\n", "[a link](Bob.md)\n", "A paragraph ^para-1\n",
    "- What does a week look like? ^q-week\n", "- [[questions#^q-week]]: meetings\n",
    "#tag and #nested/tag\n", "- an insight #career/ux\n", "  - nested item\n",
    "```\n[[not a link]]\n```\n", "<!-- [[hidden]] -->\n", "%% comment %%\n",
    "<!-- vault-tools:related -->\nold\n<!-- /vault-tools:related -->\n",
    "> [!note] A callout\n> with [[Jane Doe]]\n", "| a | b |\n|---|---|\n| [[X]] | y |\n",
    "\r\n", "\n", "\ufeff", "text with \u2028 a separator\n", "lone \udc80 surrogate\n",
])


@st.composite
def notes(draw: st.DrawFn) -> tuple[str, str]:
    folder = draw(st.sampled_from(["contacts", "conversations", "companies", "careers",
                                   "daily", ""]))
    name = draw(st.sampled_from(["Jane Doe", "2026-01-05", "2026-01-05 Jane", "x#y", "Acme"]))
    keys = draw(st.lists(FRONT_MATTER, max_size=8))
    body = draw(st.lists(st.one_of(BODY, st.sampled_from(FRAGMENTS)), max_size=30))
    head = "---\n" + "\n".join(keys) + "\n---\n" if keys or draw(st.booleans()) else ""
    rel = f"{folder}/{name}.md" if folder else f"{name}.md"
    return rel, head + "".join(body)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(), st.booleans())
def test_a_note_read_back_from_its_line_is_the_note_its_text_parses_to(
        note: tuple[str, str], contexts: bool) -> None:
    assert_round_trip(*note, contexts=contexts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(), st.lists(VISIBILITY, max_size=3), st.sampled_from(["", "\ufeff"]),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_every_private_note_names_its_visibility_in_its_front_matter(
        note: tuple[str, str], keys: list[str], bom: str, newline: str) -> None:
    """What keeps a private note out of the record, and any record from making one public:
    each note the parser finds private is one `may_name_visibility` flags."""
    rel, text = note
    if keys:
        head = "---\n" + "\n".join(keys) + "\n---\n"
        text = head + text.removeprefix("---\n") if text.startswith("---\n") else head + text
    text = bom + text.replace("\n", newline)
    if parse_note(rel, text).private:
        assert may_name_visibility(text), text[:300]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600))
def test_any_front_matter_that_makes_a_note_private_is_flagged(body: str) -> None:
    text = "---\n" + body + "\n---\n# Note\n"
    if parse_note("contacts/Any.md", text).private:
        assert may_name_visibility(text), text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_any_text_read_back_is_the_note_it_parses_to(text: str) -> None:
    assert_round_trip("contacts/Any.md", text)


def test_only_front_matter_json_cannot_hold_exactly_goes_without_a_line() -> None:
    """A set, bytes, pairs and NaN have no exact JSON: such a note is parsed every run."""
    for odd in ("odd: !!binary aGVsbG8=", "odd: !!set {a, b}", "odd: .nan",
                "odd: !!omap [{a: 1}]"):
        text = f"---\ntype: contact\n{odd}\n---\n# Ann\n"
        assert not assert_round_trip("contacts/Ann.md", text), odd
    assert assert_round_trip("contacts/Ann.md", "---\ntype: contact\nodd: .inf\nx: -0.0\n---\n")


def test_every_note_of_the_demo_and_help_vaults_comes_back_exactly() -> None:
    count = 0
    for folder in (DEMO_VAULT, OBSIDIAN_HELP):
        for path in sorted(folder.rglob("*.md")):
            text, _ = decode_note(path.name, path.read_bytes())
            assert text is not None
            rel = path.relative_to(folder).as_posix()
            for contexts in (True, False):
                count += assert_round_trip(rel, text, contexts)
    assert count > 80


@pytest.mark.parametrize("line", [
    "", "[]", "{}", "[1,2]", "not json", '["a"' + ',1' * 25 + "]",
])
def test_a_line_it_did_not_write_is_refused(line: str) -> None:
    with pytest.raises((ValueError, TypeError, IndexError, KeyError)):
        from_json(line)


def test_a_tagged_value_it_does_not_know_is_refused() -> None:
    line = to_json(parse_note("contacts/Ann.md", "---\ntype: contact\ncadence: 3w\n---\n"))
    assert line is not None and '{"c":[3,"w"]}' in line
    with pytest.raises(ValueError):
        from_json(line.replace('{"c":[3,"w"]}', '{"x":[3,"w"]}'))
    assert note_json.from_json(line).fields.cadence.count == 3  # type: ignore[union-attr]


# --- the record, through real builds --------------------------------------------------------


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    (root / "notes").mkdir()
    for path in DEMO_VAULT.rglob("*"):
        target = root / "notes" / path.relative_to(DEMO_VAULT)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(path.read_bytes())
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest.fixture
def said(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """What the builds of the test say about the record (the CLI's tests may have left the
    `mkdocs` logger not propagating: its lines are taken from it directly)."""
    logger = logging.getLogger("mkdocs")
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.vault")
    logger.addHandler(caplog.handler)
    propagate, logger.propagate = logger.propagate, False  # (each line once)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)
        logger.propagate = propagate


def about_record(said: pytest.LogCaptureFixture) -> list[str]:
    return [m for m in said.messages if "parsed notes" in m]


def record_of(root: Path) -> Path:
    folder = cache_dir(find_vault(root))
    assert folder is not None
    return folder / parsed_notes.FILE_NAME


def build_counting(root: Path, monkeypatch: pytest.MonkeyPatch, *, clean: bool = False
                   ) -> list[str]:
    """`build_site` in this process; the notes it parsed (not read back from the record)."""
    parsed: list[str] = []

    def counted(rel: str, text: str, *, contexts: bool = True):
        parsed.append(rel)
        return parse_note(rel, text, contexts=contexts)

    monkeypatch.setattr(parsed_notes, "parse_note", counted)
    build_site(find_vault(root), clean=clean)
    return parsed


def test_a_build_parses_only_the_notes_whose_bytes_changed(
        vault: Path, monkeypatch: pytest.MonkeyPatch, said: pytest.LogCaptureFixture) -> None:
    first = build_counting(vault, monkeypatch)
    private = {rel for rel in first if parse_note(
        rel, (vault / "notes" / rel).read_text(encoding="utf-8")).private}
    assert private and len(first) > 30
    # A second build: only the private notes (never recorded) are parsed again.
    assert set(build_counting(vault, monkeypatch)) == private
    # An edit, a new note, a note moved: those are parsed, nothing else.
    note = vault / "notes/contacts/Priya Raman.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nMet [[Kwame Asante]] again.\n",
                    encoding="utf-8")
    (vault / "notes/contacts/Ada Quist.md").write_text("# Ada Quist\n", encoding="utf-8")
    os.rename(vault / "notes/contacts/Kwame Asante.md", vault / "notes/Kwame Asante.md")
    again = set(build_counting(vault, monkeypatch))
    assert again - private == {"contacts/Priya Raman.md", "contacts/Ada Quist.md",
                               "Kwame Asante.md"}
    # The record holds the notes as they are now: nothing of the moved note's old place.
    lines = record_of(vault).read_text(encoding="ascii").splitlines()[1:]
    paths = {json.loads(line.split("\t", 1)[1])[0] for line in lines}
    assert "Kwame Asante.md" in paths and "contacts/Kwame Asante.md" not in paths
    assert not paths & private
    assert about_record(said) == []


def test_the_record_holds_no_private_word_and_is_the_owners_alone(vault: Path,
                                                                   monkeypatch) -> None:
    secret = vault / "notes/contacts/Hidden Person.md"
    secret.write_text(f"---\nprivate: true\n---\n# Hidden Person\n\n{PRIVATE_WORD}\n",
                      encoding="utf-8")
    public = vault / "notes/contacts/Open Person.md"
    public.write_text(f"# Open Person\n\n## {PRIVATE_WORD} for now\n", encoding="utf-8")
    build_counting(vault, monkeypatch)
    assert PRIVATE_WORD.encode() in record_of(vault).read_bytes()  # (the public note's)
    # The public note turned private: its line goes, the word with it.
    public.write_text(f"---\npublish: false\n---\n# Open Person\n\n## {PRIVATE_WORD}\n",
                      encoding="utf-8")
    assert "contacts/Open Person.md" in build_counting(vault, monkeypatch)
    assert PRIVATE_WORD.encode() not in record_of(vault).read_bytes()
    assert record_of(vault).stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "link", "folder",
                                    "foreign", "crafted-private"])
def test_a_damaged_record_is_discarded_in_one_line_and_the_site_is_a_clean_builds(
        vault: Path, monkeypatch, said: pytest.LogCaptureFixture, damage: str) -> None:
    from .test_site_cache import assert_like_clean_build

    build_counting(vault, monkeypatch)
    record = record_of(vault)
    data = record.read_bytes()
    head, _, body = data.partition(b"\n")
    if damage == "flip":
        record.write_bytes(head + b"\n" + body.replace(b"Priya", b"Pr1ya", 1))
    elif damage == "truncate":
        record.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        record.write_bytes(b"\x00\xff" * 100)
    elif damage == "link":
        record.unlink()
        record.symlink_to(vault / "notes/contacts/Priya Raman.md")
    elif damage == "folder":
        record.unlink()
        record.mkdir()
    elif damage == "foreign":
        found = json.loads(head)
        found["format"] = 99
        record.write_bytes(json.dumps(found).encode() + b"\n" + body)
    else:
        # A line saying a private note is public, its digest vouched for: never taken.
        secret = vault / "notes/contacts/Hidden Person.md"
        text = f"---\nprivate: true\n---\n# Hidden Person\n\n## {PRIVATE_WORD}\n"
        secret.write_text(text, encoding="utf-8")
        note = parse_note("contacts/Hidden Person.md", text)
        line = to_json(note)
        assert line is not None
        line = line.replace(',true,[', ',false,[', 1)  # (its `private` field)
        assert json.loads(line)[8] is False
        key = parsed_notes._entry("contacts/Hidden Person.md", content_hash(text.encode()), True)
        body = body + f"\n{key}\t{line}".encode("ascii")
        found = json.loads(head)
        found["lines"] = parsed_notes._digest(body)
        record.write_bytes(json.dumps(found).encode() + b"\n" + body)
    said.clear()
    parsed = build_counting(vault, monkeypatch)
    lines = about_record(said)
    if damage == "crafted-private":
        assert lines == [] and "contacts/Hidden Person.md" in parsed
        assert not (vault / "site/contacts/Hidden Person/index.html").exists()
        assert PRIVATE_WORD.encode() not in record.read_bytes()
    elif damage == "folder":  # (left alone, as anything not the record's own: never written)
        assert "discarded" in lines[0] and "could not be written" in lines[1], lines
        assert record.is_dir() and len(parsed) > 30
    else:
        assert len(lines) == 1 and "discarded" in lines[0], lines
        assert len(parsed) > 30  # (every note parsed)
        assert record.is_file() and not record.is_symlink()
    assert (vault / "notes/contacts/Priya Raman.md").read_text(encoding="utf-8")
    assert_like_clean_build(vault)


def test_build_clean_reads_no_record_and_writes_a_new_one(vault: Path, monkeypatch,
                                                          said: pytest.LogCaptureFixture) -> None:
    build_counting(vault, monkeypatch)
    record_of(vault).write_bytes(b"damaged")
    said.clear()
    assert len(build_counting(vault, monkeypatch, clean=True)) > 30
    assert about_record(said) == []
    assert record_of(vault).read_bytes().startswith(b'{"format": %d' % parsed_notes.FORMAT)


def test_serve_starts_from_the_notes_as_parsed_by_its_last_start(
        vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`serve`'s start reads the notes twice, the watcher's first fill and the site's first
    build: the fill parses only the notes whose bytes the record does not hold, the build
    none (it takes the fill's Notes, private ones too), and each index is the one parsing
    every note gives."""
    from vault_tools.site.build import load_site_config
    from vault_tools.site.incremental import LiveSite
    from vault_tools.vault import load_index
    from vault_tools.watch.watcher import Watcher

    root = find_vault(vault)
    folder = tmp_path / "serve-cache"
    parsed: list[str] = []

    def counted(rel: str, text: str, *, contexts: bool = True):
        parsed.append(rel)
        return parse_note(rel, text, contexts=contexts)

    monkeypatch.setattr(parsed_notes, "parse_note", counted)

    def start() -> tuple[list[str], list[str]]:
        record = parsed_notes.ParsedNotes.load(folder)
        watcher = Watcher(root, parse=record.note_from_data, first_filled=record.save)
        watcher.start()
        try:
            assert watcher.wait_ready(60), "the first fill did not finish"
        finally:
            watcher.stop()
        assert watcher.error is None
        by_watcher = list(parsed)
        parsed.clear()
        config = load_site_config(root, site_dir=str(tmp_path / "site"))
        live = LiveSite(root, config, cache=SiteCache(folder, root.root))
        live.build(parsed=record)
        by_site = list(parsed)
        parsed.clear()
        assert record._made is None  # (let go of once the build has its index)
        everything = dict(sorted(load_index(root).notes.items()))
        for index in (watcher._index, live._index):
            assert exactly(dict(sorted(index.notes.items()))) == exactly(everything)
        return by_watcher, by_site

    first_watcher, first_site = start()
    assert len(first_watcher) > 30 and first_site == []
    private = {rel for rel, note in load_index(root).notes.items() if note.private}
    assert private
    note = vault / "notes/contacts/Priya Raman.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nA line.\n", encoding="utf-8")
    by_watcher, by_site = start()
    assert set(by_watcher) == private | {"contacts/Priya Raman.md"}
    assert by_site == []
    # The record holds no private note (`test_the_record_holds_no_private_word...`).
    lines = (folder / parsed_notes.FILE_NAME).read_text(encoding="ascii").splitlines()[1:]
    assert not {json.loads(line.split("\t", 1)[1])[0] for line in lines} & private


def test_a_second_load_takes_the_notes_made_by_the_first_for_the_same_bytes_only(
        vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """After `save`, a note read again with the bytes it had is the very Note made then; one
    whose bytes changed since is parsed (and not recorded); after a second save, every note
    is parsed."""
    from vault_tools.vault import load_index_and_texts

    root = find_vault(vault)
    record = parsed_notes.ParsedNotes.load(tmp_path / "cache")
    first, _ = load_index_and_texts(root, parse=record.note_from_data)
    record.save()
    saved = (tmp_path / "cache" / parsed_notes.FILE_NAME).read_bytes()
    note = vault / "notes/contacts/Priya Raman.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nA line.\n", encoding="utf-8")
    parsed: list[str] = []

    def counted(rel: str, text: str, *, contexts: bool = True):
        parsed.append(rel)
        return parse_note(rel, text, contexts=contexts)

    monkeypatch.setattr(parsed_notes, "parse_note", counted)
    second, texts = load_index_and_texts(root, parse=record.note_from_data)
    assert parsed == ["contacts/Priya Raman.md"]
    assert all(second.notes[rel] is first.notes[rel] for rel in first.notes if rel not in parsed)
    assert "A line." in texts["contacts/Priya Raman.md"]
    assert exactly(second.notes["contacts/Priya Raman.md"]) == exactly(parse_note(
        "contacts/Priya Raman.md", texts["contacts/Priya Raman.md"]))
    record.save()  # (the second: nothing written, the Notes let go of)
    assert (tmp_path / "cache" / parsed_notes.FILE_NAME).read_bytes() == saved
    assert record._made is None
    plain: list[str] = []

    def counted_plain(rel: str, data: bytes, contexts: bool = True):
        plain.append(rel)
        return note_from_data(rel, data, contexts)

    monkeypatch.setattr(parsed_notes, "note_from_data", counted_plain)
    third, _ = load_index_and_texts(root, parse=record.note_from_data)
    assert sorted(plain) == sorted(third.notes)  # (each parsed the plain way)
    assert not any(third.notes[rel] is first.notes[rel] for rel in first.notes)
