"""The Tasks plugin's emoji signs shown as words on the site: `📅 2026-12-05` reads
"due 2026-12-05", so a system without an emoji font shows no box where a date should be.

Obsidian with the Tasks plugin draws these signs as emoji; the site shows what each means in
words, the date as written (the page says exactly what the note says). In the note's file
nothing changes. Which signs there are is `parse.py`'s knowledge (`TASK_DATE_SIGNS`,
`TASK_PRIORITY_SIGNS`); what each is called on the page is this module's.

A date sign is labelled wherever it is followed by a date (a task line, a generated block
quoting one, an embed), never inside code, where a sign is the syntax being shown. A priority
or recurrence sign is labelled only inside a task item: elsewhere it is an emoji like another.
"""

from __future__ import annotations

import re

from ..parse import TASK_DATE_SIGNS, TASK_PRIORITY_SIGNS, TASK_RECURRENCE_SIGN

# What each date is called before its date.
DATE_LABELS = {
    "due": "due", "scheduled": "scheduled", "start": "starts", "created": "created",
    "done": "done", "cancelled": "cancelled",
}
PRIORITY_LABELS = {sign: word for sign, word in zip(
    TASK_PRIORITY_SIGNS, ("highest", "high", "medium", "low", "lowest"), strict=True)}

_EMOJI_DATE_SIGNS = "".join(sign for sign in TASK_DATE_SIGNS if len(sign) == 1)
_DATE_RE = re.compile(rf"([{_EMOJI_DATE_SIGNS}])[\ufe0e\ufe0f]?[ \t]*"
                      r"(\d{4}-\d{2}-\d{2})(?![\w-])")
_OTHER_RE = re.compile(rf"([{TASK_PRIORITY_SIGNS}]|{TASK_RECURRENCE_SIGN})[\ufe0e\ufe0f]?[ \t]?")
# Every sign, looked for with `in`: one search per sign costs a page far less than a pattern
# testing each of its characters against the set.
_SIGNS = (*_EMOJI_DATE_SIGNS, *TASK_PRIORITY_SIGNS, TASK_RECURRENCE_SIGN)
_TASK_ITEM_SIGNS = (*TASK_PRIORITY_SIGNS, TASK_RECURRENCE_SIGN)  # labelled only in a task item
# A tag, a comment, or the text between them.
_TAG_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
# Elements whose text is shown as written: a sign there is the syntax, not a date.
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})


# A tag that may open (or close) text shown as written.
_VERBATIM_TAG = re.compile(r"</?(?i:code|pre|kbd|samp|script|style|textarea)")


def dates_only(html: str) -> bool:
    """Whether `html` may take the short way of `label_signs`: no priority or recurrence sign
    (labelled only in a task item, which takes the walk to know), no comment, and no tag that
    may open verbatim text."""
    return (not any(sign in html for sign in _TASK_ITEM_SIGNS) and "<!--" not in html
            and _VERBATIM_TAG.search(html) is None)


def label_signs(html: str) -> str:
    """`html` with each Tasks date sign and its date as a labelled span ("due 2026-12-05"),
    and in a task item (`li.task-list-item`) each priority and recurrence sign as words; text
    inside code, scripts and attribute values unchanged. Linear in the length of `html`."""
    if html.isascii() or not any(sign in html for sign in _SIGNS):
        return html
    if dates_only(html):
        return _label_dates_outside_tags(html)
    return _label_by_walk(html)


def _label_dates_outside_tags(html: str) -> str:
    """`label_signs` of `html` that holds no comment, no verbatim element and no sign but date
    signs: then only being inside a tag keeps a date sign as written, and the page's every tag
    need not be walked, only the stretch before each date (`tests/test_task_signs.py` holds
    it equal to the walk)."""
    out: list[str] = []
    at = 0
    last_open = last_close = next_close = -1
    for match in _DATE_RE.finditer(html):
        start = match.start()
        # A tag runs from the first "<" after a ">" to the next ">" (`_TAG_RE`): the sign is
        # in one when a "<" came after the last ">" before it and a ">" comes after it. (No
        # match holds a "<" or ">", so looking between matches finds them all.)
        last_open = max(last_open, html.rfind("<", at, start))
        last_close = max(last_close, html.rfind(">", at, start))
        if next_close < start:
            next_close = html.find(">", start)
            if next_close < 0:
                next_close = len(html)
        inside = last_open > last_close and next_close < len(html)
        out += (html[at:start], match.group() if inside else _date_span(match))
        at = match.end()
    out.append(html[at:])
    return "".join(out)


def _label_by_walk(html: str) -> str:
    """`label_signs` by walking every tag, keeping track of code and of task items."""
    out: list[str] = []
    verbatim = 0
    items: list[bool] = []  # the open list items, each True for a task item
    at = 0
    for tag in _TAG_RE.finditer(html):
        out.append(_label_text(html[at:tag.start()], verbatim > 0, any(items)))
        text = tag.group()
        out.append(text)
        at = tag.end()
        name = _TAG_NAME.match(text)
        if name is None or text.endswith("/>"):
            continue
        element, closing = name.group(1).lower(), text.startswith("</")
        if element in _VERBATIM:
            verbatim = max(0, verbatim + (-1 if closing else 1))
        elif element == "li":
            if closing:
                if items:
                    items.pop()
            else:
                items.append("task-list-item" in text)
    out.append(_label_text(html[at:], verbatim > 0, any(items)))
    return "".join(out)


def _label_text(text: str, verbatim: bool, in_task: bool) -> str:
    if verbatim or not text or text.isascii():
        return text
    text = _DATE_RE.sub(_date_span, text)
    if in_task:
        text = _OTHER_RE.sub(_other_span, text)
    return text


def _date_span(match: re.Match[str]) -> str:
    kind = TASK_DATE_SIGNS[match.group(1)]
    return (f'<span class="vault-task-sign vault-task-sign--{kind}">'
            f"{DATE_LABELS[kind]} {match.group(2)}</span>")


def _other_span(match: re.Match[str]) -> str:
    sign = match.group(1)
    if sign == TASK_RECURRENCE_SIGN:
        return '<span class="vault-task-sign vault-task-sign--repeats">repeats</span> '
    return (f'<span class="vault-task-sign vault-task-sign--priority">'
            f"priority {PRIORITY_LABELS[sign]}</span> ")
