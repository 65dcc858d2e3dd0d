"""`NoteTexts` answers as a dict of the same texts would, holding each as its UTF-8 bytes."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from vault_tools.note_texts import NoteTexts
from vault_tools.vault import find_vault, load_index_and_texts

from .conftest import write_vault

paths = st.text(min_size=1, max_size=12)
# Any text a note can hold, a lone surrogate included (it comes back as it went in).
texts = st.text(st.characters(), max_size=60)
steps = st.lists(st.tuples(st.sampled_from(["put", "pop", "del"]), paths, texts), max_size=40)


@given(steps)
def test_any_sequence_of_puts_and_removals_reads_as_a_dict(actions) -> None:
    held, plain = NoteTexts(), {}
    for action, path, text in actions:
        if action == "put":
            held[path] = plain[path] = text
        elif action == "pop":
            assert held.pop(path, None) == plain.pop(path, None)
        elif path in plain:
            del held[path], plain[path]
        assert dict(held) == plain and len(held) == len(plain)
        assert (path in held) == (path in plain) and held.get(path) == plain.get(path)
    assert list(held) == list(plain) and NoteTexts(plain) == plain


def test_a_text_is_held_by_the_same_bytes_until_it_is_put_again() -> None:
    held = NoteTexts({"a.md": "Tasks 📅 2026-05-01", "b.md": "plain"})
    first = held.held("a.md")
    assert held.held("a.md") is first and held["a.md"] == "Tasks 📅 2026-05-01"
    held["a.md"] = "Tasks 📅 2026-05-01"  # the same text, saved again
    assert held.held("a.md") is not first and held.held("gone.md") is None


def test_a_loaded_vault_keeps_its_texts_as_small_as_on_disk(tmp_path) -> None:
    """One emoji makes a Python string 4 bytes a character: the load keeps the UTF-8 bytes."""
    body = "Call back 📅 2026-05-01.\n" + "Talked about the harbour project at length.\n" * 200
    write_vault(tmp_path, {f"contacts/Person {i}.md": f"---\ntype: contact\n---\n{body}"
                           for i in range(20)})
    _, loaded = load_index_and_texts(find_vault(tmp_path))
    assert isinstance(loaded, NoteTexts) and len(loaded) == 20
    on_disk = sum(len(p.read_bytes()) for p in (tmp_path / "notes" / "contacts").iterdir())
    kept = sum(len(loaded.held(path) or b"") for path in loaded)
    as_strings = sum(sys.getsizeof(loaded[path]) for path in loaded)
    assert kept == on_disk and as_strings > 3 * kept


@given(texts)
def test_a_text_and_its_held_bytes_have_one_digest(text) -> None:
    """The site cache digests a note's text from the bytes held for it, undecoded: the digest
    is the one of the text itself (a record written either way stays valid)."""
    from vault_tools.site.site_cache import text_digest

    held = NoteTexts({"a.md": text})
    assert text_digest(held.held("a.md")) == text_digest(text) == text_digest(held["a.md"])


def test_a_site_build_keeps_no_decoded_copy_of_the_texts(tmp_path) -> None:
    """What the site remembers of each text to tell it unchanged is the bytes held for it,
    not a decoded string (at 20,000 notes those were 350 MB alive at the build's peak)."""
    from vault_tools.site.build import load_site_config
    from vault_tools.site.incremental import LiveSite

    write_vault(tmp_path, {f"contacts/Person {i}.md": "---\ntype: contact\n---\n"
                           f"# Person {i}\n\nCall back 📅 2026-05-01.\n" for i in range(5)})
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Texts\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n  - search\n"
        "  - vault\n", encoding="utf-8")
    vault = find_vault(tmp_path)
    live = LiveSite(vault, load_site_config(vault, site_dir=str(tmp_path / "site")))
    live.build()
    for path in live._texts:  # as the next run asks, up to three times a note
        assert live._text_digest(path) == live._text_digest(path) is not None
    remembered = live._text_digests
    assert remembered and all(isinstance(held, bytes) for held, _ in remembered.values())
    assert all(held is live._texts.held(path) for path, (held, _) in remembered.items())
