"""Which attachments each note mentions, remembered between builds by the digest of the note's
text, so that a build after a few edits reads only the edited notes for them.

`files.private_attachments` keeps off the site each attachment a private note mentions and no
public note does. Finding the mentions folds and reads every note's whole text (~0.7 s of a
build at 5,000 notes, a fifth of a build after a few edits); what a text mentions depends only
on the text and on the attachments looked for, so it is kept per text digest, under a digest
of the attachments' paths: one memo for the private notes, one for the public notes
(`PrivateAttachmentMemos`). A record holds digests and positions in that list only: never a
path or a word (an attachment's path can hold a private name), and a record of another list
of attachments, or of the wrong shape, is not used.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Mapping

from ..note_texts import as_text, held_text
from ..privacy import Secret
from ..writer import content_hash
from .leaks import LeakScanner
from .site_cache import MentionsRecord, text_digest

# The digest of a note's text in `texts` (None: no text): `text_digest` of what it holds, or
# a caller's own (`incremental.LiveSite`, which works it out once a run).
TextDigest = Callable[[Mapping[str, str], str], "str | None"]


def _digest_held(texts: Mapping[str, str], path: str) -> str | None:
    return text_digest(held_text(texts, path))


def names_digest(uris: list[str]) -> str:
    """The digest of a sorted list of attachment paths, as a record names it."""
    return content_hash(json.dumps(uris).encode("utf-8"))


class AttachmentMentions:
    """The attachments notes mention, each text read once for a given list of attachments
    (and not again while the record of the run that read it is kept: `record`, `restore`).
    A build looks for one list (`look_for`), then asks about every note it needs to know of
    at once (`mentioned`): what it found replaces what the build before found, so that a
    long `serve` neither keeps nor records a text for every save."""

    def __init__(self) -> None:
        self._names = ""
        self._before: dict[str, list[int]] = {}
        self._now: dict[str, list[int]] = {}
        self._uris: list[str] = []
        self._scanner = LeakScanner(())
        self.digest_of: TextDigest = _digest_held

    def look_for(self, uris: Iterable[str]) -> None:
        """Start a build that looks for these attachments (their paths in the notes folder).
        What the last build of the same attachments found stays known."""
        self._uris = sorted(set(uris))
        names = names_digest(self._uris)
        if names != self._names:
            self._names, self._before, self._now = names, {}, {}
        else:
            self._before, self._now = self._now or self._before, {}
        # Each attachment by its file name, as a page would name it (`Li Na CV.pdf`).
        self._scanner = LeakScanner(Secret(posixpath.basename(uri), "attachment", uri)
                                    for uri in self._uris)

    def mentioned(self, paths: Iterable[str], texts: Mapping[str, str]) -> set[str]:
        """The attachments looked for that the texts of the notes at `paths` mention, as
        `LeakScanner.find` finds them (a note with no text mentions none)."""
        found: set[str] = set()
        count = len(self._uris)
        position = {uri: i for i, uri in enumerate(self._uris)}
        for path in paths:
            key = self.digest_of(texts, path)
            if key is None:
                continue
            known = self._now.get(key)
            if known is None:
                known = self._before.get(key)
                if known is None or not all(i < count for i in known):
                    text = as_text(held_text(texts, path)) or ""
                    known = sorted({position[s.source]
                                    for s in self._scanner.find(text)})
                self._now[key] = known
            found.update(self._uris[i] for i in known)
        return found

    def mentioned_in(self, text: str) -> set[str]:
        """The attachments looked for that `text` mentions, read now and not remembered (the
        text of a note that is no UTF-8 text, read leniently: it has no digest here)."""
        return {s.source for s in self._scanner.find(text)}

    def record(self) -> MentionsRecord | None:
        """What the last build that looked for attachments found, for each text it looked at
        (None: none did)."""
        if not self._names:
            return None
        return MentionsRecord(self._names, dict(self._now or self._before))

    def restore(self, record: MentionsRecord | None) -> None:
        """Know what an earlier run found (`record`), for the attachments it looked for."""
        if record is not None:
            self._names, self._before, self._now = record.names, dict(record.found), {}


class PrivateAttachmentMemos:
    """What `files.private_attachments` remembers: what the private notes mention of the
    attachments not private by their names (`of_private`), and what the public notes mention
    of those the private notes mention (`of_public`, asked only when they mention any). Two
    lists, each looked for in one build: the public notes are searched only for the few files
    the private ones show, as reading them for every attachment took twice as long (1.6 s
    against 0.7-0.9 s for 5,000 notes and 1,000 attachments)."""

    def __init__(self) -> None:
        self.of_private = AttachmentMentions()
        self.of_public = AttachmentMentions()

    def digest_with(self, digest_of: TextDigest) -> None:
        """Take the digests of the notes' texts from `digest_of` (`incremental.LiveSite`'s,
        worked out once a run)."""
        self.of_private.digest_of = self.of_public.digest_of = digest_of

    def records(self) -> tuple[MentionsRecord | None, MentionsRecord | None]:
        return self.of_private.record(), self.of_public.record()

    def restore(self, of_private: MentionsRecord | None,
                of_public: MentionsRecord | None) -> None:
        self.of_private.restore(of_private)
        self.of_public.restore(of_public)
