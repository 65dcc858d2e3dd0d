"""A message draft made from a template and the facts (pure): its subject and body, and the
`mailto:` link that opens it in a mail program (RFC 6068).

A message template is plain text, after its front matter when it has one (properties such as
`tags: [template]` are left out). Its first lines, up to the first blank line, may be
`Subject:` lines: the first whose facts are all known is the subject (so a template can offer
a fallback). The rest is the body. A line naming a fact the notes do not have is left out
whole (`capture.templates.fill_plain_line`), and the blank lines around it close up: a
template reads well with a fact missing when each fact's sentence stands on its own line.
"""

from __future__ import annotations

import encodings.idna as idna_codec
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from ..capture.templates import Value, fill_plain_line
from ..wikilinks import closes_front_matter, opens_front_matter

SUBJECT = "subject:"

# An address the link may carry: one mailbox, `local@domain`, nothing a URL or a header reads
# as more (no `?`, `&`, `%`, `,`, `;`, blank, angle bracket or line break), a dotted domain.
_ADDRESS_RE = re.compile(
    r"[A-Za-z0-9!#$'*+/=^_`{|}~-]+(?:\.[A-Za-z0-9!#$'*+/=^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)+")
MAX_ADDRESS = 254  # RFC 5321's limit on a path (in bytes)
# Many mail programs and browsers cut a `mailto:` link longer than this (Windows hands a link
# of about 2,048 characters to the mail program, older browsers 2,083): the draft says so.
MAILTO_SAFE_LENGTH = 2000


@dataclass(frozen=True)
class Message:
    """A filled template: `subject` (None when no `Subject:` line could be filled) and `body`
    (lines joined by "\\n", no blank line at either end)."""

    subject: str | None
    body: str

    def text(self) -> str:
        """The draft as printed: `Subject: …`, a blank line, the body (the body alone when
        there is no subject)."""
        if self.subject is None:
            return self.body
        return f"Subject: {self.subject}\n\n{self.body}"


def compose(template: str, values: Mapping[str, Value]) -> Message:
    """The message `template` says with `values` (see the module for the rules)."""
    lines = template.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    subject: str | None = None
    at = _front_matter_end(lines)
    while at < len(lines) and not lines[at].strip():
        at += 1
    while at < len(lines) and lines[at].strip().casefold().startswith(SUBJECT):
        if subject is None:
            filled = fill_plain_line(lines[at].strip()[len(SUBJECT):].strip(), values)
            subject = " ".join(filled.split()) if filled is not None and filled.strip() else None
        at += 1
    body: list[str] = []
    for line in lines[at:]:
        filled = fill_plain_line(line.rstrip(), values)
        if filled is None:
            continue
        if filled.strip() or (body and body[-1].strip()):
            body.append(filled)
    while body and not body[-1].strip():
        body.pop()
    return Message(subject, "\n".join(body))


def _front_matter_end(lines: list[str]) -> int:
    """The index of the first line after the template's front matter (0 without one): the
    properties Obsidian keeps on a template file (`tags: [template]`) are no words of the
    message. A `---` line never closed is text."""
    if lines and opens_front_matter(lines[0]):
        for at in range(1, len(lines)):
            if closes_front_matter(lines[at]):
                return at + 1
    return 0


def address(value: object) -> str | None:
    """`value` as one e-mail address a link may carry, or None when it is none: not text,
    several, or holding anything a URL or a header would read as more (`?`, `&`, `,`, a line
    break, even at its end...). A leading `mailto:` and surrounding blanks are dropped.

    An address in another script (RFC 6530) is kept: its domain in its ASCII form
    (`bücher.de` is `xn--bcher-kva.de`), its name as letters, marks and digits of any script
    (`mailto` percent-encodes them). A domain the encoding would change (`straße.de` would
    be `strasse.de`, someone else's) or holding anything but letters, marks and digits
    beyond ASCII (an invisible joiner, a full-width dot, a direction mark) is none."""
    if not isinstance(value, str) or any(ch in value for ch in "\r\n\x00"):
        return None  # a line break is where a header would be smuggled in
    text = value.strip(" \t")
    if text.casefold().startswith("mailto:"):
        text = text[len("mailto:"):]
    if not text.isascii():
        text = _ascii_domain(unicodedata.normalize("NFC", text)) or ""
    # The name's own letters stand in as "a" for the check: the pattern is ASCII's.
    plain = "".join(ch if ch.isascii() else "a" for ch in text)
    if len(text.encode("utf-8")) > MAX_ADDRESS or _ADDRESS_RE.fullmatch(plain) is None:
        return None
    return text


def _ascii_domain(text: str) -> str | None:
    """`name@domain` with its domain in IDNA's ASCII form; None when a character beyond ASCII
    is no letter, mark or digit, or when a label's encoding would change it (beyond case)."""
    if any(not ch.isascii() and unicodedata.category(ch)[0] not in "LMN" for ch in text):
        return None
    name, at, domain = text.rpartition("@")
    labels = []
    for label in domain.split("."):
        try:
            if idna_codec.nameprep(label) != label.lower():
                return None
            labels.append(idna_codec.ToASCII(label).decode("ascii"))
        except UnicodeError:
            return None
    return f"{name}{at}{'.'.join(labels)}"


def mailto(message: Message, to: str | None) -> str:
    """The `mailto:` URL of `message` (RFC 6068): `to` as its one recipient (None: no
    recipient, the mail program asks), then `subject` and `body`, each percent-encoded as
    UTF-8, line breaks as %0D%0A. `to` must be an `address` (checked again here)."""
    recipient = address(to) if to is not None else None
    if to is not None and recipient is None:
        raise ValueError(f"not an address: {to!r}")
    fields = []
    if message.subject is not None:
        fields.append("subject=" + _encoded(message.subject))
    fields.append("body=" + _encoded(message.body.replace("\n", "\r\n")))
    # In the address only the `@` stays as it is: every other character is encoded, so
    # nothing in it can end the address or start a field.
    return f"mailto:{quote(recipient or '', safe='@')}?{'&'.join(fields)}"


def _encoded(text: str) -> str:
    return quote(text, safe="")
