"""`vault-tools rename OLD NEW`: every link that reaches the note rewritten in its own style,
nothing else changed, all or nothing (§4, §6, §14)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools import writer
from vault_tools.cli import main
from vault_tools.edit import rename as rename_module
from vault_tools.edit.rename import RenameError, new_path_for, note_to_rename, plan_rename
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.writer import ConcurrentEditError, NoteWrite, WriteError, write_notes_together


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file and symlink under the vault, with its bytes (a symlink: where it points)."""
    found: dict[str, bytes | str] = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            found[rel] = f"-> {os.readlink(path)}" if path.is_symlink() else path.read_bytes()
    return found


def notes(root: Path) -> Path:
    return root / "notes"


def read(root: Path, rel: str) -> str:
    return (notes(root) / rel).read_bytes().decode("utf-8")


JANE = "---\ntype: contact\n---\n# Jane Doe\n\n## Background\n\nWorks at Acme. ^b1\n"


def plan(files: dict[str, str], old: str, new: str, keep_alias: bool = False):
    """The plan of renaming `old` to `new` in a vault of `files` (pure: nothing on disk)."""
    index = VaultIndex([parse_note(path, text) for path, text in files.items()])
    note = note_to_rename(index, old)
    return plan_rename(index, files, note, new_path_for(index, note, new),
                       keep_alias=keep_alias)


def new_texts(files: dict[str, str], old: str, new: str, keep_alias: bool = False
              ) -> dict[str, str]:
    """The vault's texts after the rename, by their new paths."""
    done = plan(files, old, new, keep_alias)
    texts = dict(files)
    for edit in done.edits:
        del texts[edit.path]
        texts[edit.new_path] = edit.new
    return texts


# --- the link forms --------------------------------------------------------------------------


def test_every_wikilink_form_is_rewritten_keeping_heading_block_label_and_embed() -> None:
    bob = ("Knows [[Jane Doe]], [[Jane Doe|JD]], [[Jane Doe#Background]], [[Jane Doe#^b1]],\n"
           "![[Jane Doe]], [[contacts/Jane Doe]], [[Jane Doe.md]], [[ Jane Doe |x]],\n"
           "| a | [[Jane Doe\\|JD]] |\n")
    after = new_texts({"contacts/Jane Doe.md": JANE, "contacts/Bob.md": bob},
                      "Jane Doe", "Jane Roe")
    assert after["contacts/Bob.md"] == bob.replace("Jane Doe", "Jane Roe")
    assert "contacts/Jane Doe.md" not in after
    assert after["contacts/Jane Roe.md"] == JANE  # its own heading is the user's text


def test_markdown_links_keep_their_encoding_brackets_heading_and_title() -> None:
    bob = ("[x](Jane%20Doe.md) [y](<Jane Doe.md>) [z](../contacts/Jane%20Doe.md#Background)\n"
           '[w](./Jane%20Doe.md "title") ![e](Jane%20Doe.md)\n')
    after = new_texts({"contacts/Jane Doe.md": JANE, "contacts/Bob.md": bob},
                      "Jane Doe", "Jane Roe")
    assert after["contacts/Bob.md"] == bob.replace("Jane%20Doe", "Jane%20Roe").replace(
        "<Jane Doe.md>", "<Jane Roe.md>")


def test_a_move_to_another_folder_writes_path_links_as_paths_and_relative_ones_relative(
) -> None:
    bob = ("[[Jane Doe]] [[contacts/Jane Doe]] [[./Jane Doe]] [x](Jane%20Doe.md) "
           "[y](contacts/Jane%20Doe.md)\n")
    files = {"contacts/Jane Doe.md": JANE, "contacts/Bob.md": bob,
             "top.md": "[y](contacts/Jane%20Doe.md) [[contacts/Jane Doe.md]]\n"}
    after = new_texts(files, "Jane Doe", "people/Jane Roe")
    assert after["contacts/Bob.md"] == (
        "[[Jane Roe]] [[people/Jane Roe]] [[../people/Jane Roe]] [x](../people/Jane%20Roe.md) "
        "[y](people/Jane%20Roe.md)\n")  # (that one was written from the notes folder)
    assert after["top.md"] == "[y](people/Jane%20Roe.md) [[people/Jane Roe.md]]\n"


def test_the_moved_notes_own_relative_links_still_reach_their_notes() -> None:
    jane = ("---\ntype: contact\n---\nSee [Acme](../companies/Acme.md), [[../companies/Acme]] "
            "and [[Acme]], and [[#Background]].\n\n## Background\n")
    files = {"contacts/Jane Doe.md": jane, "companies/Acme.md": "# Acme\n"}
    after = new_texts(files, "Jane Doe", "people/team/Jane Doe")
    assert after["people/team/Jane Doe.md"] == jane.replace(
        "../companies/Acme", "../../companies/Acme")


def test_links_that_do_not_reach_the_note_are_left_alone() -> None:
    bob = ("Alias [[Janey]] stays. `[[Jane Doe]]` in code, %% [[Jane Doe]] %% and\n"
           "<!-- [[Jane Doe]] --> stay. Jane Doe as text stays, [[Jane Doe Jr]] too.\n\n"
           "```\n[[Jane Doe]]\n```\n\n    [[Jane Doe]] indented code\n")
    jane = "---\naliases: [Janey]\n---\n"
    after = new_texts({"contacts/Jane Doe.md": jane, "contacts/Bob.md": bob,
                       "contacts/Jane Doe Jr.md": "x\n"}, "Jane Doe", "Jane Roe")
    assert "contacts/Bob.md" not in {e.path for e in plan(
        {"contacts/Jane Doe.md": jane, "contacts/Bob.md": bob,
         "contacts/Jane Doe Jr.md": "x\n"}, "Jane Doe", "Jane Roe").edits}
    assert after["contacts/Bob.md"] == bob


def test_a_same_named_note_in_another_folder_keeps_its_links() -> None:
    files = {
        "contacts/Ann.md": "# Ann the contact\n",
        "archive/Ann.md": "# Ann archived\n",
        "archive/list.md": "[[Ann]] is the archived one (own folder).\n",
        "contacts/Bob.md": "[[Ann]] is the contact (own folder).\n",
    }
    after = new_texts(files, "contacts/Ann", "Ann Lee")
    assert after["archive/list.md"] == files["archive/list.md"]
    assert after["contacts/Bob.md"] == "[[Ann Lee]] is the contact (own folder).\n"
    assert after["archive/Ann.md"] == files["archive/Ann.md"]


def test_front_matter_links_are_rewritten_as_text_where_they_stand() -> None:
    interview = ('---\ntype: interview\ndate: 2026-01-01   # a comment kept\n'
                 'with: ["[[Bob]]", "[[Jane Doe]]"]\n'
                 "company: Jane Doe\n"
                 "referrals:\n  - Jane Doe\n  - '[[Jane Doe|her]]'\n  - Jane Doe Jr\n"
                 "career: [[Jane Doe]]\n---\nBody [[Jane Doe]].\n")
    contact = "---\ntype: contact\nintroduced_by: Jane Doe\n---\n"
    files = {"contacts/Jane Doe.md": JANE, "contacts/Bob.md": contact,
             "interviews/one.md": interview}
    after = new_texts(files, "Jane Doe", "Jane Roe")
    assert after["contacts/Bob.md"] == contact.replace("Jane Doe", "Jane Roe")
    assert after["interviews/one.md"] == interview.replace("Jane Doe", "Jane Roe").replace(
        "Jane Roe Jr", "Jane Doe Jr")


def test_a_new_name_yaml_would_misread_is_quoted_in_front_matter() -> None:
    contact = "---\ntype: contact\nintroduced_by: Jane Doe\n---\n"
    after = new_texts({"contacts/Jane Doe.md": JANE, "contacts/Bob.md": contact},
                      "Jane Doe", "Yes")
    assert after["contacts/Bob.md"] == contact.replace("Jane Doe", '"Yes"')


def test_front_matter_values_are_escaped_for_their_quotes_and_comments_are_left_alone(
) -> None:
    contact = ("---\ntype: contact\nintroduced_by: 'Jane Doe'  # met Jane Doe\n"
               'company: "[[Jane Doe]]"\nwith: [\'[[Jane Doe|J]]\', Jane Doe]\n---\n')
    after = new_texts({"contacts/Jane Doe.md": JANE, "contacts/Bob.md": contact},
                      "Jane Doe", "Zoë O'Brien")
    assert after["contacts/Bob.md"] == (
        "---\ntype: contact\nintroduced_by: 'Zoë O''Brien'  # met Jane Doe\n"
        'company: "[[Zoë O\'Brien]]"\nwith: [\'[[Zoë O\'\'Brien|J]]\', Zoë O\'Brien]\n---\n')
    parsed = parse_note("contacts/Bob.md", after["contacts/Bob.md"])
    assert parsed.meta["introduced_by"] == "Zoë O'Brien"
    assert parsed.meta["with"] == ["[[Zoë O'Brien|J]]", "Zoë O'Brien"]


def test_a_linking_note_whose_front_matter_does_not_parse_stops_the_rename() -> None:
    files = {"contacts/Jane Doe.md": JANE,
             "contacts/Bob.md": "---\ntype: [contact\n---\n[[Jane Doe]]\n"}
    with pytest.raises(RenameError, match=r"contacts/Bob\.md:\d+: .*this note would have to "
                                          r"change, so nothing was changed"):
        plan(files, "Jane Doe", "Jane Roe")


def test_crlf_and_bom_are_kept() -> None:
    bob = "\ufeff---\r\ntype: contact\r\nintroduced_by: Jane Doe\r\n---\r\n[[Jane Doe]]\r\n"
    jane = "\ufeff---\r\naliases: [Janey]\r\n---\r\nHi [[Jane Doe#x]]\r\n"
    after = new_texts({"contacts/Jane Doe.md": jane, "contacts/Bob.md": bob},
                      "Jane Doe", "Jane Roe", keep_alias=True)
    assert after["contacts/Bob.md"] == bob.replace("Jane Doe", "Jane Roe")
    assert after["contacts/Jane Roe.md"] == (
        "\ufeff---\r\naliases: [Janey, Jane Doe]\r\n---\r\nHi [[Jane Roe#x]]\r\n")


# --- --keep-alias in each shape of `aliases` ---------------------------------------------------


@pytest.mark.parametrize(("before", "after"), [
    ("---\naliases: [Janey]\n---\n", "---\naliases: [Janey, Jane Doe]\n---\n"),
    ("---\naliases: []\n---\n", "---\naliases: [Jane Doe]\n---\n"),
    ("---\naliases:\n  - Janey\n  - JD\ntype: contact\n---\n",
     "---\naliases:\n  - Janey\n  - JD\n  - Jane Doe\ntype: contact\n---\n"),
    ("---\naliases:\n- Janey\n---\n", "---\naliases:\n- Janey\n- Jane Doe\n---\n"),
    ("---\naliases: Janey\n---\n", "---\naliases: [Janey, Jane Doe]\n---\n"),
    ('---\naliases: "Janey"\n---\n', '---\naliases: ["Janey", Jane Doe]\n---\n'),
    ("---\naliases:\ntype: contact\n---\n", "---\naliases: [Jane Doe]\ntype: contact\n---\n"),
    ("---\ntype: contact\n---\nText\n", "---\ntype: contact\naliases: [Jane Doe]\n---\nText\n"),
    ("Text only\n", "---\naliases: [Jane Doe]\n---\nText only\n"),
    ("---\naliases: [jane doe]\n---\n", "---\naliases: [jane doe]\n---\n"),
])
def test_keep_alias_adds_the_old_name_in_the_shape_the_note_uses(before: str, after: str
                                                                  ) -> None:
    texts = new_texts({"contacts/Jane Doe.md": before}, "Jane Doe", "Jane Roe",
                      keep_alias=True)
    assert texts["contacts/Jane Roe.md"] == after
    parsed = parse_note("contacts/Jane Roe.md", after)
    assert "jane doe" in [alias.lower() for alias in parsed.aliases]


def test_keep_alias_keeps_links_from_outside_the_vault_working(make_vault) -> None:
    root = make_vault({"contacts/Jane Doe.md": JANE, "contacts/Bob.md": "[[Jane Doe]]\n"})
    result = run("rename", "Jane Doe", "Jane Roe", "--keep-alias", "--vault", str(root))
    assert result.exit_code == 0, result.output
    assert "'Jane Doe' kept as an alias" in result.output
    assert read(root, "contacts/Bob.md") == "[[Jane Roe]]\n"
    # A name typed or linked from elsewhere still finds the note.
    again = run("rename", "Jane Doe", "Jane Q", "--dry-run", "--vault", str(root))
    assert again.exit_code == 0 and "contacts/Jane Roe.md -> contacts/Jane Q.md" in again.output


# --- the command -------------------------------------------------------------------------------


def linked_vault(make_vault) -> Path:
    return make_vault({
        "contacts/Jane Doe.md": JANE,
        "contacts/Bob.md": "---\ntype: contact\nintroduced_by: Jane Doe\n---\n[[Jane Doe]]\n",
        "interviews/2026-01-01 Jane.md": ('---\ntype: interview\ndate: 2026-01-01\n'
                                          'with: "[[Jane Doe]]"\n---\nTalked.\n'),
        "companies/Acme.md": "# Acme\n",
    })


def test_rename_rewrites_reports_and_leaves_check_and_fill_clean(make_vault) -> None:
    root = linked_vault(make_vault)
    assert run("fill", "--vault", str(root)).exit_code == 0
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "renamed contacts/Jane Doe.md -> contacts/Jane Roe.md: 3 links in 2 notes rewritten")
    assert not (notes(root) / "contacts/Jane Doe.md").exists()
    assert (notes(root) / "contacts/Jane Roe.md").exists()
    check = run("check", "--vault", str(root))
    assert check.exit_code == 0 and "no problems" in check.output, check.output
    fill = run("fill", "--check", "--vault", str(root))
    assert fill.exit_code == 0, fill.output
    assert "Jane Doe" not in read(root, "contacts/Bob.md")


def test_dry_run_prints_the_diff_and_the_move_and_writes_nothing(make_vault) -> None:
    root = linked_vault(make_vault)
    before = snapshot(root)
    result = run("rename", "Jane Doe", "Jane Roe", "--dry-run", "--vault", str(root))
    assert result.exit_code == 0, result.output
    assert "rename from contacts/Jane Doe.md\nrename to contacts/Jane Roe.md\n" in result.output
    assert "-[[Jane Doe]]\n+[[Jane Roe]]\n" in result.output
    assert "would rename contacts/Jane Doe.md -> contacts/Jane Roe.md" in result.output
    assert snapshot(root) == before


@pytest.mark.parametrize(("old", "new", "said"), [
    ("Jane Do", "Jane Roe", "no note named 'Jane Do'. Did you mean 'Jane Doe'?"),
    ("Nobody At All", "X", "no note named 'Nobody At All'."),
    ("Jane Doe", "Bob", "a note named 'Bob' already exists (contacts/Bob.md)"),
    ("Jane Doe", "bob", "a note named 'bob' already exists (contacts/Bob.md)"),
    ("Jane Doe", "Jane#Roe", "no link could reach a note named 'Jane#Roe'"),
    ("Jane Doe", "Jane: Roe", "not a file name every system accepts"),
    ("Jane Doe", "../Jane Roe", "cannot be part of a note's path"),
    ("Jane Doe", "Jane Doe", "already has that name"),
    ("Jane Doe", "templates/Jane", "never reads notes from"),
])
def test_a_wrong_name_exits_1_with_a_clear_message_and_changes_no_byte(
        make_vault, old: str, new: str, said: str) -> None:
    root = linked_vault(make_vault)
    before = snapshot(root)
    result = run("rename", old, new, "--vault", str(root))
    assert result.exit_code == 1
    assert said in result.output, result.output
    assert "nothing was changed" in result.output.lower()
    assert snapshot(root) == before


def test_an_ambiguous_name_lists_the_candidates(make_vault) -> None:
    root = make_vault({"a/Ann.md": "x\n", "b/Ann.md": "y\n"})
    before = snapshot(root)
    result = run("rename", "Ann", "Ann Lee", "--vault", str(root))
    assert result.exit_code == 1
    assert "'Ann' names several notes (a/Ann.md, b/Ann.md)" in result.output
    assert snapshot(root) == before


def test_new_taken_by_an_alias_or_a_file_in_any_case_is_refused(make_vault) -> None:
    root = make_vault({"contacts/Jane Doe.md": JANE,
                       "contacts/Bob.md": "---\naliases: [Jane Roe]\n---\n"})
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 1 and "an alias of contacts/Bob.md" in result.output
    (notes(root) / "contacts/JANE Q.MD").mkdir()  # a folder, not a note: still taken
    before = snapshot(root)
    result = run("rename", "Jane Doe", "Jane Q", "--vault", str(root))
    assert result.exit_code == 1, result.output
    assert "contacts/JANE Q.MD already exists" in result.output
    assert snapshot(root) == before


def test_a_read_only_note_among_the_targets_changes_nothing(make_vault) -> None:
    root = linked_vault(make_vault)
    bob = notes(root) / "contacts/Bob.md"
    bob.chmod(0o444)
    before = snapshot(root)
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 1
    assert "Bob.md: the note is read-only" in result.output
    assert "no note was changed" in result.output
    assert snapshot(root) == before


def test_a_note_with_conflict_markers_among_the_targets_changes_nothing(make_vault) -> None:
    root = make_vault({"contacts/Jane Doe.md": JANE,
                       "contacts/Bob.md": "[[Jane Doe]]\n<<<<<<< HEAD\na\n=======\nb\n"
                                          ">>>>>>> other\n"})
    before = snapshot(root)
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 1 and "contacts/Bob.md:2: merge-conflict marker" in result.output
    assert snapshot(root) == before


def test_a_note_saved_after_planning_is_planned_again_and_its_save_kept(
        make_vault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = linked_vault(make_vault)
    bob = notes(root) / "contacts/Bob.md"
    real_plan = rename_module.plan_rename
    calls = []

    def plan_then_save(*args, **kwargs):
        made = real_plan(*args, **kwargs)
        calls.append(made)
        if len(calls) == 1:  # the user saves Bob between our reading and our writing
            bob.write_bytes(bob.read_bytes() + b"Added by the user: [[Jane Doe#Background]]\n")
        return made

    monkeypatch.setattr(rename_module, "plan_rename", plan_then_save)
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 0, result.output
    assert len(calls) == 2
    assert bob.read_text() == ("---\ntype: contact\nintroduced_by: Jane Roe\n---\n[[Jane Roe]]\n"
                               "Added by the user: [[Jane Roe#Background]]\n")


def test_a_note_that_keeps_changing_leaves_the_vault_as_the_user_saved_it(
        make_vault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = linked_vault(make_vault)
    bob = notes(root) / "contacts/Bob.md"
    real_plan = rename_module.plan_rename
    saves = []

    def plan_then_save(*args, **kwargs):
        made = real_plan(*args, **kwargs)
        saves.append(f"save {len(saves)}\n")
        bob.write_bytes(bob.read_bytes() + saves[-1].encode())
        return made

    monkeypatch.setattr(rename_module, "plan_rename", plan_then_save)
    before = snapshot(root)
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 1
    assert "contacts/Bob.md: changed since it was read; no note was changed" in result.output
    after = snapshot(root)
    assert after.pop("notes/contacts/Bob.md") == before.pop(
        "notes/contacts/Bob.md") + "".join(saves).encode()  # type: ignore[operator]
    assert after == before  # never half the vault renamed


# The fault points a rename of `linked_vault` to another folder passes: a temp file fsynced for
# each of its three changed notes, two replaces (before and after each), the new name, the old
# name's removal.
STEPS = ["before-fsync"] * 3 + ["before-replace", "after-replace"] * 2 + [
    "before-move", "before-remove"]


def test_a_rename_passes_each_fault_point_in_order(
        make_vault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = linked_vault(make_vault)
    seen: list[str] = []
    monkeypatch.setattr(writer, "_fault", seen.append)
    assert run("rename", "Jane Doe", "people/Jane Roe", "--vault", str(root)).exit_code == 0
    assert seen == STEPS


class InjectedFault(Exception):
    pass


@pytest.mark.parametrize("fail_at", range(1, len(STEPS) + 1))
def test_a_fault_at_any_step_of_the_commit_leaves_every_byte_as_it_was(
        make_vault, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    root = linked_vault(make_vault)
    before = snapshot(root)
    seen: list[str] = []

    def fault(step: str) -> None:
        seen.append(step)
        if len(seen) == fail_at:
            raise InjectedFault(f"injected at {step}")

    monkeypatch.setattr(writer, "_fault", fault)
    result = run("rename", "Jane Doe", "people/Jane Roe", "--vault", str(root))
    assert result.exit_code == 1
    assert f"injected at {seen[-1]}; no note was changed" in result.output
    assert snapshot(root) == before  # byte for byte, no temp file, no new folder or name
    assert not (notes(root) / "people").exists()
    monkeypatch.setattr(writer, "_fault", lambda step: None)
    assert run("rename", "Jane Doe", "people/Jane Roe", "--vault", str(root)).exit_code == 0


def test_a_rollback_gives_replaced_notes_their_mtime_back(
        make_vault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = linked_vault(make_vault)
    bob = notes(root) / "contacts/Bob.md"
    os.utime(bob, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))

    def fault(step: str) -> None:
        if step == "before-remove":
            raise InjectedFault("late")

    monkeypatch.setattr(writer, "_fault", fault)
    assert run("rename", "Jane Doe", "Jane Roe", "--vault", str(root)).exit_code == 1
    assert bob.stat().st_mtime_ns == 1_000_000_000_000_000_000


# --- symlinks -----------------------------------------------------------------------------------


def test_a_symlinked_linking_note_stays_a_symlink(make_vault) -> None:
    root = make_vault({"contacts/Jane Doe.md": JANE, "real/bob.md": "[[Jane Doe]]\n"})
    os.symlink("../real/bob.md", notes(root) / "contacts/Bob.md")
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 0, result.output
    link = notes(root) / "contacts/Bob.md"
    assert link.is_symlink() and os.readlink(link) == "../real/bob.md"
    assert read(root, "real/bob.md") == "[[Jane Roe]]\n"


def test_a_symlinked_note_renamed_into_another_folder_stays_a_symlink_to_its_file(
        make_vault) -> None:
    root = make_vault({"store/jane.md": JANE, "contacts/Bob.md": "[[Jane Doe]]\n"})
    os.symlink("../store/jane.md", notes(root) / "contacts/Jane Doe.md")
    result = run("rename", "Jane Doe", "people/deep/Jane Roe", "--vault", str(root))
    assert result.exit_code == 0, result.output
    moved = notes(root) / "people/deep/Jane Roe.md"
    assert moved.is_symlink() and os.readlink(moved) == "../../store/jane.md"
    assert not os.path.lexists(notes(root) / "contacts/Jane Doe.md")
    assert read(root, "contacts/Bob.md") == "[[Jane Roe]]\n"
    assert read(root, "store/jane.md") == JANE


# --- the writer on its own ---------------------------------------------------------------------


def test_write_notes_together_never_replaces_a_file_created_at_the_new_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    one.write_bytes(b"[[two]]\n")
    two.write_bytes(b"two\n")
    target = tmp_path / "three.md"

    def someone_creates_it(step: str) -> None:
        if step == "before-move":
            target.write_bytes(b"the user's new note\n")

    monkeypatch.setattr(writer, "_fault", someone_creates_it)
    with pytest.raises(WriteError, match="no note was changed"):
        write_notes_together([NoteWrite(one, b"[[two]]\n", b"[[three]]\n"),
                              NoteWrite(two, b"two\n", b"two\n", move_to=target)],
                             notes_dir=tmp_path)
    assert one.read_bytes() == b"[[two]]\n" and two.read_bytes() == b"two\n"
    assert target.read_bytes() == b"the user's new note\n"
    assert sorted(os.listdir(tmp_path)) == ["one.md", "three.md", "two.md"]


def test_write_notes_together_refuses_a_note_that_vanished_or_changed(tmp_path: Path) -> None:
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    one.write_bytes(b"a\n")
    two.write_bytes(b"b\n")
    with pytest.raises(ConcurrentEditError, match=r"two\.md: changed since it was read"):
        write_notes_together([NoteWrite(one, b"a\n", b"A\n"), NoteWrite(two, b"B\n", b"C\n")])
    two.unlink()
    with pytest.raises(ConcurrentEditError, match=r"two\.md: no longer there"):
        write_notes_together([NoteWrite(one, b"a\n", b"A\n"), NoteWrite(two, b"b\n", b"C\n")])
    assert one.read_bytes() == b"a\n"
    assert os.listdir(tmp_path) == ["one.md"]


def test_write_notes_together_keeps_permissions_and_remembers_its_writes(tmp_path: Path) -> None:
    one = tmp_path / "one.md"
    one.write_bytes(b"a\n")
    one.chmod(0o640)
    moved = tmp_path / "sub" / "moved.md"
    write_notes_together([NoteWrite(one, b"a\n", b"new\n", move_to=moved)], notes_dir=tmp_path)
    assert moved.read_bytes() == b"new\n" and not one.exists()
    assert stat.S_IMODE(moved.stat().st_mode) == 0o640
    assert writer.was_own_write(moved, writer.content_hash(b"new\n"))


def test_a_hard_linked_note_is_refused_untouched(tmp_path: Path) -> None:
    one = tmp_path / "one.md"
    one.write_bytes(b"a\n")
    os.link(one, tmp_path / "other.md")
    with pytest.raises(WriteError, match="hard-linked"):
        write_notes_together([NoteWrite(one, b"a\n", b"b\n")])
    assert one.read_bytes() == b"a\n"


def test_the_plan_refuses_rather_than_break_a_link() -> None:
    # A link the rewrite cannot place (the parser saw it; the text says otherwise) is refused.
    files = {"contacts/Jane Doe.md": JANE, "contacts/Bob.md": "[[Jane Doe]]\n"}
    index = VaultIndex([parse_note(path, text) for path, text in files.items()])
    note = note_to_rename(index, "Jane Doe")
    with pytest.raises(RenameError, match=re.escape(
            "contacts/Bob.md:1: the link to 'Jane Doe' is not where it was read")):
        plan_rename(index, {**files, "contacts/Bob.md": "xx[[Jane Doe]]\n"}, note,
                    "contacts/Jane Roe.md")


# --- the promise, over generated vaults -----------------------------------------------------------

NAMES = ("Ann", "Bob Lee", "Cy", "Dee Dee")
FOLDERS = ("", "contacts/", "companies/")
NEW = "Zed Roe"


def _fragments(name: str, folder: str, here: str) -> list[tuple[str, bool]]:
    """Text fragments naming `name` (a note in `folder`) from a note in `here`: each with
    whether it is a link that reaches the note (so is rewritten)."""
    encoded = name.replace(" ", "%20")
    rel = os.path.relpath(f"{folder}{encoded}.md", here or ".")
    return [
        ("[[{N}]]", True), ("[[{N}|shown]]", True), ("[[{N}#Head]]", True),
        ("![[{N}]]", True), ("[[{N}#^b1]]", True), ("[[{P}{N}]]", True),
        (f"[x]({rel.replace(encoded, '{E}')})", True),
        ("`[[{N}]]`", False), ("{N} as text", False), ("x %% [[{N}]] %%", False),
        ("[[{N} Jr]]", False),
    ]


@st.composite
def vaults(draw):
    homes = draw(st.lists(st.sampled_from(FOLDERS), min_size=len(NAMES), max_size=len(NAMES)))
    paths = {name: f"{folder}{name}.md" for name, folder in zip(NAMES, homes, strict=True)}
    old = draw(st.sampled_from(NAMES))
    bodies: dict[str, list[tuple[str, str | None, bool]]] = {}
    for name in NAMES:
        here = homes[NAMES.index(name)].rstrip("/")
        picks = draw(st.lists(st.tuples(st.sampled_from(NAMES), st.integers(0, 10),
                                        st.sampled_from([" ", "\n", ", ", "\r\n"])),
                              max_size=12))
        parts: list[tuple[str, str | None, bool]] = []
        for target, which, gap in picks:
            pattern, reaches = _fragments(target, homes[NAMES.index(target)], here)[which]
            parts.append((pattern, target, reaches))
            parts.append((gap, None, False))
        front = draw(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(
            ["  - {N}\n", '  - "[[{N}]]"\n', "  - '[[{N}|x]]'\n", '  - "[[{P}{N}.md]]"\n'])),
            max_size=4))
        if front:
            parts = [("---\nreferrals:\n", None, False)] + [
                (pattern, target, True) for target, pattern in front] + [
                ("---\n", None, False)] + parts
        bodies[name] = parts
    return paths, homes, old, bodies


def _render(parts, homes, renamed: str | None) -> str:
    """The text of a note's fragments, the links reaching `renamed` written with NEW."""
    out = []
    for pattern, target, reaches in parts:
        if target is None:
            out.append(pattern)
            continue
        name = NEW if (renamed == target and reaches) else target
        out.append(pattern.replace("{N}", name).replace("{P}", homes[NAMES.index(target)])
                   .replace("{E}", name.replace(" ", "%20")))
    return "".join(out)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(vaults())
def test_after_a_rename_links_reach_the_new_name_and_no_other_byte_moved(vault) -> None:
    paths, homes, old, bodies = vault
    files = {paths[name]: _render(bodies[name], homes, None) + "\n## Head\n\nx ^b1\n"
             for name in NAMES}
    after = new_texts(files, paths[old], NEW)
    new_path = f"{homes[NAMES.index(old)]}{NEW}.md"
    assert set(after) == (set(files) - {paths[old]}) | {new_path}
    for name in NAMES:
        path = new_path if name == old else paths[name]
        expected = _render(bodies[name], homes, old) + "\n## Head\n\nx ^b1\n"
        assert after[path] == expected
    # And the index of the result agrees: every link that reached OLD reaches NEW.
    before_index = VaultIndex([parse_note(p, t) for p, t in files.items()])
    after_index = VaultIndex([parse_note(p, t) for p, t in after.items()])
    for path in files:
        now = new_path if path == paths[old] else path
        for (link, was), (_, res) in zip(before_index.outgoing(path), after_index.outgoing(now),
                                         strict=True):
            if was.status == "ok":
                assert res.status == "ok"
                assert res.path == (new_path if was.path == paths[old] else was.path), link


def test_a_note_held_open_for_writing_is_left_alone_with_every_other(tmp_path: Path) -> None:
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    one.write_bytes(b"a\n")
    two.write_bytes(b"b\n")
    fd = os.open(two, os.O_WRONLY | os.O_APPEND)  # held by this test, as by a logger
    try:
        with pytest.raises(WriteError, match=r"two\.md: held open by another program; no note "
                                             r"was changed"):
            write_notes_together([NoteWrite(one, b"a\n", b"A\n"), NoteWrite(two, b"b\n", b"B\n")],
                                 held_wait=0.2)
    finally:
        os.close(fd)
    assert one.read_bytes() == b"a\n" and two.read_bytes() == b"b\n"
    assert sorted(os.listdir(tmp_path)) == ["one.md", "two.md"]


def test_a_case_only_rename_rewrites_the_links_to_the_new_spelling(make_vault) -> None:
    root = make_vault({"contacts/Jane doe.md": "# Jane\n",
                       "contacts/Bob.md": "[[jane doe]] [[Jane doe#x]] [a](Jane%20doe.md)\n"})
    result = run("rename", "Jane doe", "Jane Doe", "--vault", str(root))
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(notes(root) / "contacts")) == ["Bob.md", "Jane Doe.md"]
    assert read(root, "contacts/Bob.md") == "[[Jane Doe]] [[Jane Doe#x]] [a](Jane%20Doe.md)\n"


def test_a_move_out_of_the_folder_that_gave_the_note_its_type_says_so(make_vault) -> None:
    root = make_vault({"contacts/Jane Doe.md": "# Jane\n", "contacts/Bob.md": "[[Jane Doe]]\n"})
    result = CliRunner().invoke(
        main, ["rename", "Jane Doe", "people/Jane Doe", "--vault", str(root)])
    assert result.exit_code == 0, result.output
    assert ("Note: people/Jane Doe.md is a note without a type in its new folder (it was a "
            "contact note); add `type: contact` to its front matter to keep it one."
            ) in result.stderr


def test_the_follow_ups_note_is_not_renamed(make_vault) -> None:
    root = make_vault({"Follow-ups.md": "# Follow-ups\n"})
    result = run("rename", "Follow-ups", "Todo", "--vault", str(root))
    assert result.exit_code == 1 and "is the follow-ups note mkdocs.yml names" in result.output


def test_renaming_a_private_note_keeps_its_text_out_of_public_notes_blocks(make_vault) -> None:
    root = make_vault({
        "contacts/Sam.md": "---\ntype: contact\nprivate: true\n---\nSam's secret salary.\n"
                           "Works with [[Bob]].\n",
        "contacts/Bob.md": "---\ntype: contact\n---\nMet [[Sam]] about the secret salary.\n",
        "contacts/Ann.md": "---\ntype: contact\n---\nMy own note.\n",
    })
    (root / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: notes\nplugins:\n  - vault:\n      hide_private_in_files: true\n",
        encoding="utf-8")
    assert run("fill", "--vault", str(root)).exit_code == 0
    result = run("rename", "Sam", "Sam Q", "--vault", str(root))
    assert result.exit_code == 0, result.output
    bob = read(root, "contacts/Bob.md")
    assert "Met [[Sam Q]] about the secret salary." in bob  # the user's own sentence
    block = bob.split("<!-- vault-tools:related -->", 1)[1]
    assert "Sam" not in block and "salary" not in block
    assert run("fill", "--check", "--vault", str(root)).exit_code == 0


def test_a_moved_notes_relative_attachments_still_show(make_vault) -> None:
    jane = ("![photo](photo%20one.png) ![[./cv.pdf]] ![[logo.png]] [up](../index.md) "
            "[top](contacts/Bob.md)\n")
    root = make_vault({"contacts/Jane Doe.md": jane, "contacts/Bob.md": "x\n",
                       "contacts/photo one.png": b"\x89PNG", "contacts/cv.pdf": b"%PDF",
                       "assets/logo.png": b"\x89PNG", "index.md": "# Home\n"})
    result = run("rename", "Jane Doe", "people/team/Jane Doe", "--vault", str(root))
    assert result.exit_code == 0, result.output
    assert read(root, "people/team/Jane Doe.md") == (
        "![photo](../../contacts/photo%20one.png) ![[../../contacts/cv.pdf]] ![[logo.png]] "
        "[up](../../index.md) [top](contacts/Bob.md)\n")
    check = run("check", "--vault", str(root))
    assert "missing-attachment" not in check.output and "broken" not in check.output, \
        check.output


# --- found by attacking the rename ---------------------------------------------------------


@pytest.mark.parametrize("value", [
    "with: [Mary Jane Doe, Jane Doe]",
    "referrals:\n  - Mary Jane Doe\n  - Jane Doe",
    "with: ['Mary Jane Doe', \"Jane Doe\"]",
])
def test_a_bare_name_ending_another_name_in_the_same_list_is_not_taken_for_it(value: str
                                                                              ) -> None:
    # "Mary Jane Doe" ends with "Jane Doe": only the item that IS the name is rewritten (the
    # rename used to rewrite Mary's and then refuse, leaving a legitimate rename undoable).
    contact = f"---\ntype: contact\n{value}\n---\n"
    files = {"contacts/Jane Doe.md": JANE, "contacts/Mary Jane Doe.md": "x\n",
             "contacts/Bob.md": contact}
    after = new_texts(files, "Jane Doe", "Jane Roe")
    assert after["contacts/Bob.md"] == contact.replace(
        "Mary Jane Doe", "@").replace("Jane Doe", "Jane Roe").replace("@", "Mary Jane Doe")


@pytest.mark.parametrize("new", ["Jane (Acme)", "Jane (Acme", "Jane Acme)"])
def test_a_new_name_with_parentheses_keeps_markdown_links_links_in_commonmark(new: str
                                                                             ) -> None:
    # Obsidian and the site read Markdown links as CommonMark does: a URL holds parentheses
    # only balanced, so `[x](Jane%20(Acme%29.md)` was no link there (this parser took it).
    bob = "[x](Jane%20Doe.md) [y](Jane%20Doe.md#Background) [z](Jane_Doe.md)\n"
    files = {"contacts/Jane Doe.md": JANE, "contacts/Bob.md": bob,
             "contacts/Jane_Doe.md": "x\n"}
    after = new_texts(files, "Jane Doe", new)["contacts/Bob.md"]
    urls = re.findall(r"\]\(([^ ]*?\.md(?:#\w+)?)\)", after)
    assert len(urls) == 3, after
    assert all("(" not in url and ")" not in url for url in urls), after
    assert urls[0] == new.replace(" ", "%20").replace("(", "%28").replace(")", "%29") + ".md"


def test_a_note_listing_the_name_thousands_of_times_in_front_matter_is_planned_in_linear_time(
) -> None:
    # Each front-matter line used to be matched against every front-matter link: 4,000 items
    # took ~6 s of CPU, 8,000 four times that.
    import time

    def cost(count: int) -> float:
        bob = "---\nwith:\n" + "  - '[[Jane Doe]]'\n" * count + "---\n"
        files = {"contacts/Jane Doe.md": JANE, "contacts/Bob.md": bob}
        started = time.process_time()
        after = new_texts(files, "Jane Doe", "Jane Roe")
        assert after["contacts/Bob.md"].count("[[Jane Roe]]") == count
        return time.process_time() - started

    assert cost(5000) < 4.0


def test_dry_run_previews_a_symlinked_note_as_the_real_run_writes_it(make_vault) -> None:
    # The dry run planned without folding a note's two names into one file: it showed two
    # edits of one file, and promised a rename the real run then refused.
    root = make_vault({"contacts/Jane Doe.md": JANE, "contacts/Bob.md": "[x](Jane%20Doe.md)\n"})
    (notes(root) / "other").mkdir()
    os.symlink("../contacts/Bob.md", notes(root) / "other/Bob2.md")
    before = snapshot(root)
    dry = run("rename", "Jane Doe", "people/Jane Roe", "--dry-run", "--vault", str(root))
    real = run("rename", "Jane Doe", "people/Jane Roe", "--vault", str(root))
    assert dry.exit_code == real.exit_code == 1
    assert "one file (a symlink)" in dry.output and "nothing was changed" in dry.output
    assert dry.output == real.output
    assert snapshot(root) == before

    (notes(root) / "contacts/Bob.md").write_text("[[Jane Doe]]\n", encoding="utf-8")
    dry = run("rename", "Jane Doe", "Jane Roe", "--dry-run", "--vault", str(root))
    assert dry.exit_code == 0, dry.output
    assert dry.output.count("+[[Jane Roe]]") == 1  # one file, shown once
    assert "1 link in 1 note would be rewritten" in dry.output


@pytest.mark.parametrize("empty", ["~", "null", "Null", "NULL", "~  # none yet"])
def test_keep_alias_on_an_aliases_key_written_null_makes_a_list_without_the_null(empty: str
                                                                               ) -> None:
    # `aliases: ~` is YAML's empty value: it became `[~, Jane Doe]`, a list holding a null.
    before = f"---\naliases: {empty}\ntype: contact\n---\n"
    texts = new_texts({"contacts/Jane Doe.md": before}, "Jane Doe", "Jane Roe",
                      keep_alias=True)
    after = texts["contacts/Jane Roe.md"]
    assert after == before.replace(empty.split("#")[0].strip(), "[Jane Doe]", 1)
    import yaml
    assert yaml.safe_load(after.split("---")[1])["aliases"] == ["Jane Doe"]


def test_a_bare_front_matter_name_written_with_md_keeps_it() -> None:
    # Each link keeps its style, `.md` included: `introduced_by: Jane Doe.md` lost its `.md`.
    contact = "---\ntype: contact\nintroduced_by: Jane Doe.md\nwith: [contacts/Jane Doe.md]\n---\n"
    after = new_texts({"contacts/Jane Doe.md": JANE, "contacts/Bob.md": contact},
                      "Jane Doe", "Jane Roe")
    assert after["contacts/Bob.md"] == contact.replace("Jane Doe", "Jane Roe")


def test_a_save_landing_after_its_note_was_replaced_survives_a_rollback(
        make_vault, monkeypatch: pytest.MonkeyPatch) -> None:
    # The user saves Bob (already rewritten) in the instant before a later step fails: the
    # rollback put Bob's original bytes back over that save, which was then nowhere.
    root = linked_vault(make_vault)
    bob = notes(root) / "contacts/Bob.md"
    original = bob.read_bytes()
    saved = b"---\ntype: contact\n---\n[[Jane Roe]] and a line the user just typed\n"

    def fault(step: str) -> None:
        if step == "before-move":
            bob.write_bytes(saved)
            raise InjectedFault("late")

    monkeypatch.setattr(writer, "_fault", fault)
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 1
    copies = [path for path in bob.parent.iterdir() if "sync-conflict" in path.name]
    assert bob.read_bytes() == original  # all or nothing: the vault as it was
    assert [copy.read_bytes() for copy in copies] == [saved]  # and the save kept beside it
    assert copies[0].name in result.output
    assert (notes(root) / "contacts/Jane Doe.md").exists()


def test_a_save_to_the_new_name_before_a_failing_last_step_survives_the_rollback(
        make_vault, monkeypatch: pytest.MonkeyPatch) -> None:
    # The renamed note is already at its new name when its old name's removal fails; the user
    # saved it there meanwhile: the rollback removed the new name, save and all.
    root = linked_vault(make_vault)
    new_name = notes(root) / "contacts/Jane Roe.md"
    saved = b"# Jane Roe\n\nA line the user just typed.\n"

    def fault(step: str) -> None:
        if step == "before-remove":
            new_name.write_bytes(saved)
            raise InjectedFault("late")

    monkeypatch.setattr(writer, "_fault", fault)
    result = run("rename", "Jane Doe", "Jane Roe", "--vault", str(root))
    assert result.exit_code == 1
    assert not new_name.exists()
    copies = [path for path in new_name.parent.iterdir() if "sync-conflict" in path.name]
    assert [copy.read_bytes() for copy in copies] == [saved]
    assert copies[0].name in result.output
    assert read(root, "contacts/Jane Doe.md") == JANE


@pytest.mark.parametrize(("new", "said"), [
    ("CON", "a name Windows keeps for a device"),
    ("people/com1", "a name Windows keeps for a device"),
    ("aux.notes", "a name Windows keeps for a device"),
    ("x" * 250, "too long for a file name"),
])
def test_a_new_name_no_system_could_hold_is_refused_before_anything_is_written(
        make_vault, new: str, said: str) -> None:
    # `new` never makes these names (safe_name); rename made `CON.md`, which a Windows or
    # synced vault cannot hold, and a 250-character name failed only at the write.
    root = linked_vault(make_vault)
    before = snapshot(root)
    result = run("rename", "Jane Doe", new, "--vault", str(root))
    assert result.exit_code == 1
    assert said in result.output and "nothing was changed" in result.output, result.output
    assert snapshot(root) == before


@pytest.mark.parametrize("new", ["cv.pdf", "people/photo.PNG", "Board.canvas"])
def test_a_new_name_read_as_an_attachment_is_refused(make_vault, new: str) -> None:
    # `[[cv.pdf]]` names the file cv.pdf: renaming a note to "cv.pdf" made the vault's
    # `![[cv.pdf]]` embed the note instead of the PDF (and in Obsidian the rewritten links
    # reached the PDF, not the note).
    root = make_vault({"contacts/Jane Doe.md": JANE, "contacts/cv.pdf": "pdf",
                       "contacts/Bob.md": "![[cv.pdf]] [[Jane Doe]]\n"})
    before = snapshot(root)
    result = run("rename", "Jane Doe", new, "--vault", str(root))
    assert result.exit_code == 1
    assert "attachment" in result.output and "nothing was changed" in result.output
    assert snapshot(root) == before


def test_the_plan_refuses_a_rewrite_that_would_turn_a_file_link_into_a_note_link() -> None:
    # The last guard (_verify) knew a file link only by the file it finds, not by whether a
    # note now takes the link over.
    files = {"contacts/Jane Doe.md": JANE, "contacts/Bob.md": "![[cv.pdf]] [[Jane Doe]]\n"}
    index = VaultIndex([parse_note(path, text) for path, text in files.items()],
                       attachments=["contacts/cv.pdf"])
    note = note_to_rename(index, "Jane Doe")
    with pytest.raises(RenameError, match=r"cv\.pdf"):
        plan_rename(index, files, note, "contacts/cv.pdf.md")


@pytest.mark.parametrize(("before", "after"), [
    ("---\r\naliases:\r\n  - Janey\r\n---\r\n",
     "---\r\naliases:\r\n  - Janey\r\n  - Jane Doe\r\n---\r\n"),
    ("---\r\naliases:\r\ntype: contact\r\n---\r\n",
     "---\r\naliases: [Jane Doe]\r\ntype: contact\r\n---\r\n"),
])
def test_keep_alias_finds_an_aliases_key_ending_its_line_in_a_crlf_note(before: str, after: str
                                                                       ) -> None:
    # `aliases:` then CRLF was not seen as the key (its "\r"): a second `aliases` key was
    # planned and the rename refused.
    texts = new_texts({"contacts/Jane Doe.md": before}, "Jane Doe", "Jane Roe",
                      keep_alias=True)
    assert texts["contacts/Jane Roe.md"] == after


def test_the_moved_notes_relative_front_matter_links_still_reach_their_notes() -> None:
    # Only body links were rewritten from the new folder: a relative `company:` link made a
    # move refuse ("would reach no note").
    jane = ('---\ntype: contact\ncompany: "[[../companies/Acme]]"\n'
            "with:\n  - '[[./Bob|B]]'\n---\nx\n")
    files = {"contacts/Jane Doe.md": jane, "companies/Acme.md": "x\n", "contacts/Bob.md": "y\n"}
    after = new_texts(files, "Jane Doe", "people/deep/Jane Roe")
    assert after["people/deep/Jane Roe.md"] == jane.replace(
        "../companies/Acme", "../../companies/Acme").replace("./Bob", "../../contacts/Bob")
    assert plan(files, "Jane Doe", "people/deep/Jane Roe").links == 0  # none reach Jane
