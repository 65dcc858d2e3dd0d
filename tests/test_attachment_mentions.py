"""What notes mention of the attachments, remembered between builds
(`site/attachment_mentions.py`): always what reading every text again finds, whatever the
record left by earlier builds (of other texts, other attachments, or damaged) says, and the
record holds no path or word."""

from __future__ import annotations

import json
import posixpath
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.privacy import Secret
from vault_tools.site.attachment_mentions import AttachmentMentions, names_digest
from vault_tools.site.leaks import LeakScanner
from vault_tools.site.site_cache import MentionsRecord, text_digest

FILES = ["files/card 1.png", "files/Renée CV.pdf", "media/team photo.jpg", "card 1.png",
         "scans/李明 名片.png"]
# Ways a note shows a file: an embed, a Markdown link, a percent-encoded one, an HTML
# image, its name in capitals, decomposed accents.
FORMS = ["![[{name}]]", "[see]({quoted})", "<img src=\"{quoted}\">", "{upper}", "{nfd}",
         "{name}"]
WORDS = ["met", "card", "photo", "team", "cv", "the", "png", "Renee", "1"]


def shown(uri: str, form: str) -> str:
    import unicodedata
    name = posixpath.basename(uri)
    return form.format(name=name, quoted=name.replace(" ", "%20"), upper=name.upper(),
                       nfd=unicodedata.normalize("NFD", name))


@st.composite
def texts(draw: st.DrawFn) -> dict[str, str]:
    notes = {}
    for i in range(draw(st.integers(0, 6))):
        parts = draw(st.lists(st.one_of(
            st.sampled_from(WORDS),
            st.builds(shown, st.sampled_from(FILES), st.sampled_from(FORMS))), max_size=8))
        notes[f"contacts/n{i}.md"] = " ".join(parts)
    return notes


def plainly(uris: list[str], paths: list[str], notes: dict[str, str]) -> set[str]:
    """What a fresh scan of every text finds: the rule the memo must keep."""
    scanner = LeakScanner(Secret(posixpath.basename(u), "attachment", u) for u in sorted(uris))
    return {s.source for path in paths if path in notes for s in scanner.find(notes[path])}


def through_json(record: MentionsRecord | None) -> MentionsRecord | None:
    """The record as the site cache writes it and reads it back."""
    if record is None:
        return None
    return MentionsRecord(**json.loads(json.dumps(vars(record)))).check()


@settings(max_examples=150, deadline=None)
@given(rounds=st.lists(st.tuples(st.lists(st.sampled_from(FILES), unique=True), texts(),
                                 st.booleans()), min_size=1, max_size=5))
def test_what_is_remembered_is_what_reading_every_text_again_finds(rounds) -> None:
    record = None
    kept = AttachmentMentions()  # one process throughout (`serve`)
    for uris, notes, new_process in rounds:
        memo = AttachmentMentions()
        memo.restore(through_json(record))
        for each in (memo, kept):
            each.look_for(uris)
            paths = sorted(notes)
            hidden, public = paths[::2], paths[1::2]
            assert each.mentioned(hidden, notes) == plainly(uris, hidden, notes)
            assert each.mentioned(public, notes) == plainly(uris, public, notes)
        record = memo.record() if new_process else kept.record()


def test_a_record_of_other_attachments_or_positions_past_the_list_is_not_trusted() -> None:
    notes = {"a.md": "Her card: ![[card 1.png]]", "b.md": "nothing"}
    uris = ["files/card 1.png"]
    lying = {text_digest(notes["a.md"]): [], text_digest(notes["b.md"]): [7]}
    for names in (names_digest(uris), names_digest(["files/other.png"])):
        memo = AttachmentMentions()
        memo.restore(MentionsRecord(names, dict(lying)).check())
        memo.look_for(uris)
        found = memo.mentioned(["b.md"], notes)
        assert found == set()  # (position 7 is past the list: read again, not an error)
        if names != names_digest(uris):  # another list: "a mentions none" is not believed
            assert memo.mentioned(["a.md"], notes) == {"files/card 1.png"}


def test_a_damaged_record_is_refused() -> None:
    for bad in ({"names": 3, "found": {}}, {"names": "x", "found": []},
                {"names": "x", "found": {"d": [-1]}}, {"names": "x", "found": {"d": ["1"]}},
                {"names": "x", "found": {"d": [True]}}):
        try:
            MentionsRecord(**bad).check()  # type: ignore[arg-type]
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")


def test_the_record_holds_digests_and_positions_only() -> None:
    notes = {"contacts/Renée Laurent.md": "Her CV: ![[Renée CV.pdf]]"}
    memo = AttachmentMentions()
    memo.look_for(["files/Renée CV.pdf"])
    assert memo.mentioned(notes, notes) == {"files/Renée CV.pdf"}
    record = memo.record()
    assert record is not None
    written = json.dumps(vars(record))
    assert re.fullmatch(r'[{}\[\]":, 0-9a-f]*(names|found)[{}\[\]":, 0-9a-f]*'
                        r'(names|found)[{}\[\]":, 0-9a-f]*', written), written
