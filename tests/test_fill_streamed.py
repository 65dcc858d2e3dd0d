"""A streamed `fill` reads a note again only when its blocks must change (`fill._plan_streamed`):
it plans exactly what the plain path (`plan_fill` over every note's text) plans."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools.fill import blocks_digest, fill_vault, plan_fill, unified_diff
from vault_tools.vault import find_vault, load_index_and_texts

from .conftest import write_vault

NAMES = ["Ann", "Bob", "Cy"]
lines = st.sampled_from([
    "text", "[[Ann]] said", "[[Bob]]", "- [ ] call [[Cy]] 📅 2026-12-01", "```", "---",
    "<!-- vault-tools:related -->", "<!-- /vault-tools:related -->", "**Linked from**",
    "- [[Ann]]: [[Ann]] said", "<!-- vault-tools:prep -->", "<!-- /vault-tools:prep -->", "",
    "    [[Cy]]",
])
vaults = st.dictionaries(
    st.sampled_from(NAMES),
    st.tuples(st.lists(lines, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans()),
    min_size=1,
)
# After a first fill, each note is left alone or edited: a line added (in a block or outside),
# or a block's last newline dropped.
edits = st.fixed_dictionaries({name: st.sampled_from(
    ["none", "none", "append", "prepend", "in-block", "strip-newline"]) for name in NAMES})


def plain_plan(vault):
    """What the plain path plans: every note's text kept and read by `plan_fill`."""
    index, texts = load_index_and_texts(vault)
    changes, skipped = plan_fill(index, texts)
    return ([(c.path, c.blocks, unified_diff(c)) for c in changes],
            [(d.path, d.code) for d in skipped])


def edit(path: Path, how: str) -> None:
    text = path.read_bytes().decode()
    if how == "append":
        text += "more [[Bob]]\n"
    elif how == "prepend":
        text = "[[Cy]] first\n" + text
    elif how == "in-block":
        text = text.replace("<!-- /vault-tools:related -->", "stale\n<!-- /vault-tools:related -->")
    else:
        text = text.replace("\n<!-- /vault-tools:", "<!-- /vault-tools:", 1)
    path.write_bytes(text.encode())


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(vaults, st.booleans(), edits)
def test_a_streamed_fill_plans_what_the_plain_path_plans(spec, fill_first, changes) -> None:
    files = {
        f"{name}.md": (newline.join(body) + (newline if final else "")).encode()
        for name, (body, newline, final) in spec.items()
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = write_vault(Path(tmp), files)
        vault = find_vault(root)
        if fill_first:
            fill_vault(vault)
            for name, how in changes.items():
                if f"{name}.md" in files and how != "none":
                    edit(root / "notes" / f"{name}.md", how)
        streamed = fill_vault(vault, write=False, trust_manifest=False, diffs=True)
        changed, skipped = plain_plan(vault)
        assert [(c.path, c.blocks) for c in streamed.changed] == [c[:2] for c in changed]
        assert streamed.diffs() == [c[2] for c in changed]
        assert [(d.path, d.code) for d in streamed.skipped] == skipped


def test_a_filled_note_is_not_read_again(make_vault, monkeypatch) -> None:
    root = make_vault({"contacts/Jane Doe.md": "---\ntype: contact\n---\n# Jane\n",
                       "notes/Meeting.md": "Met [[Jane Doe]] today.\n"})
    vault = find_vault(root)
    fill_vault(vault)
    (root / "notes/notes/Other.md").write_text("Also [[Jane Doe]].\n", encoding="utf-8")
    read: list[str] = []
    import vault_tools.fill as fill

    real = fill._read_text
    monkeypatch.setattr(fill, "_read_text", lambda v, p: read.append(p) or real(v, p))
    result = fill_vault(vault, trust_manifest=False)
    assert [c.path for c in result.changed] == ["contacts/Jane Doe.md"]
    assert read == ["contacts/Jane Doe.md"]  # the one whose block changes


@given(st.dictionaries(st.text(max_size=4), st.text(max_size=6), max_size=3),
       st.dictionaries(st.text(max_size=4), st.text(max_size=6), max_size=3))
def test_blocks_digest_tells_block_contents_apart(one, other) -> None:
    assert (blocks_digest(one) == blocks_digest(other)) == (one == other)


def test_a_note_saved_after_it_was_indexed_is_spliced_from_its_new_text(make_vault,
                                                                        monkeypatch) -> None:
    """The splice reuses the parse the index made only for the very text it was made from: a
    note saved between the load and its planning (here given a block and a line above it) is
    spliced by its new text's markers, never by the offsets of the text indexed."""
    root = make_vault({"contacts/Jane Doe.md": "---\ntype: contact\n---\n# Jane\n",
                       "notes/Meeting.md": "Met [[Jane Doe]] today.\n"})
    vault = find_vault(root)
    jane = root / "notes/contacts/Jane Doe.md"
    saved = ("---\ntype: contact\n---\n# Jane\nA line saved meanwhile.\n\n"
             "<!-- vault-tools:related -->\nold\n<!-- /vault-tools:related -->\n\nAfter.\n")
    import vault_tools.fill as fill

    real = fill._read_text

    def save_then_read(v, path):
        if path == "contacts/Jane Doe.md":
            jane.write_text(saved, encoding="utf-8")
        return real(v, path)

    monkeypatch.setattr(fill, "_read_text", save_then_read)
    result = fill_vault(vault, trust_manifest=False)
    assert "contacts/Jane Doe.md" in result.written
    text = jane.read_text(encoding="utf-8")
    assert text.count("<!-- vault-tools:related -->") == 1
    assert text.startswith(saved.split("<!-- vault-tools:related -->")[0])
    assert text.endswith("<!-- /vault-tools:related -->\n\nAfter.\n")
    assert "Meeting" in text and "\nold\n" not in text


@given(st.lists(st.tuples(st.text(max_size=6), st.binary(min_size=16, max_size=16)),
                unique_by=lambda pair: pair[0]),
       st.lists(st.text(max_size=6)))
def test_digests_answer_as_a_dict_would(pairs, asked) -> None:
    from vault_tools.fill import Digests

    kept = Digests()
    for path, digest in pairs:
        kept.add(path, digest)
    kept.seal()
    plain = dict(pairs)
    for path in [path for path, _ in pairs] + asked:
        assert kept.get(path) == plain.get(path)
        assert (path in kept) == (path in plain)  # as the record of written notes is asked
    assert list(kept.items()) == sorted(plain.items())


# A save made while `fill` writes: before the writer reads the note, or after it read it and
# before its replace (the writer then starts again from the saved text). The streamed fill
# keeps a planned note's new text, not its blocks' contents: in both cases the blocks planned
# must be spliced into the saved text, as the plain path (which keeps the contents) does.
saves = st.fixed_dictionaries({name: st.sampled_from(
    ["none", "before-read", "before-replace"]) for name in NAMES})
save_edits = st.fixed_dictionaries({name: st.sampled_from(
    ["append", "prepend", "in-block", "strip-newline"]) for name in NAMES})


def saving_while_written(monkeypatch, root: Path, when: dict[str, str],
                         how: dict[str, str], marks: Path | None = None) -> dict[str, str]:
    """Make `fill`'s writes race a save of each note named in `when` (edited as `how` says);
    returns each saved note's text as saved, by path, as this process saw it saved. `marks`:
    a folder that gets a copy of each note as saved, under its file name, whichever process
    saved it (a fill writing in a second process: `fill_vault(write_aside=True)`)."""
    import vault_tools.fill as fill

    real = fill.write_note
    saved: dict[str, str] = {}

    def save(path: Path) -> None:
        rel = path.relative_to(root / "notes").as_posix()
        if rel not in saved:
            edit(path, how[rel.removesuffix(".md")])
            saved[rel] = path.read_bytes().decode()
            if marks is not None:
                (marks / path.name).write_bytes(path.read_bytes())

    def write_note(path, transform, **kwargs):
        moment = when.get(Path(path).stem, "none")
        if moment == "before-read":
            save(Path(path))
            return real(path, transform, **kwargs)
        if moment == "before-replace":
            def racing(current: str):
                new = transform(current)
                save(Path(path))  # after the writer read the note, before it replaces it
                return new
            return real(path, racing, **kwargs)
        return real(path, transform, **kwargs)

    monkeypatch.setattr(fill, "write_note", write_note)
    return saved


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(vaults, saves, save_edits)
def test_a_save_racing_the_write_gets_the_blocks_planned_and_keeps_its_bytes(
        monkeypatch, spec, when, how) -> None:
    from vault_tools.splice import BlockError, splice_blocks

    files = {
        f"{name}.md": (newline.join(body) + (newline if final else "")).encode()
        for name, (body, newline, final) in spec.items()
    }
    with tempfile.TemporaryDirectory() as tmp, monkeypatch.context() as patch:
        root = write_vault(Path(tmp), files)
        vault = find_vault(root)
        index, texts = load_index_and_texts(vault)
        planned = {c.path: c for c in plan_fill(index, texts)[0]}
        saved = saving_while_written(patch, root, when, how)
        fill_vault(vault, trust_manifest=False)
        for path, change in planned.items():
            on_disk = (root / "notes" / path).read_bytes().decode()
            if path not in saved:
                assert on_disk == change.new
                continue
            try:
                expected = splice_blocks(path, saved[path], change.contents)
            except BlockError:
                expected = saved[path]  # left as the user saved it
            assert on_disk == expected


def test_a_note_saved_before_its_write_gets_the_dashboards_blocks(make_vault,
                                                                  monkeypatch) -> None:
    """The dashboard's block (every follow-up) is not kept between its planning and its write:
    a save in between gets it all the same, above the user's new line kept as saved."""
    root = make_vault({
        "Follow-ups.md": "# Follow-ups\n",
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n# Jane\n- [ ] call [[Jane Doe]]\n",
    })
    vault = find_vault(root)
    saved = saving_while_written(monkeypatch, root, {"Follow-ups": "before-replace"},
                                 {"Follow-ups": "prepend"})
    fill_vault(vault, trust_manifest=False)
    text = (root / "notes/Follow-ups.md").read_text(encoding="utf-8")
    assert saved["Follow-ups.md"].startswith("[[Cy]] first\n# Follow-ups\n")
    assert text.startswith(saved["Follow-ups.md"])
    assert "<!-- vault-tools:followups -->" in text and "call Jane Doe" in text


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=64), st.integers(min_value=0, max_value=3))
def test_a_file_read_in_pieces_digests_as_its_bytes_do(head, megabytes) -> None:
    """The record's check of the notes written reads each a megabyte at a time: the digest is
    the one of the bytes whole, across the pieces' seams too."""
    from vault_tools.fill import _file_digest, bytes_digest

    data = head + bytes(range(256)) * (megabytes * 4096 + 3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "note.md"
        path.write_bytes(data)
        assert _file_digest(path) == bytes_digest(data)
