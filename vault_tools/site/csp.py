"""What every page of the site gets in its head: a Content-Security-Policy that lets only the
site's own scripts and the theme's inline ones (by hash) run (§7), and a request to search
engines not to index it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape as html_escape

ROBOTS = '<meta name="robots" content="noindex, nofollow">'


def theme_html(output: str, content: str | None) -> str:
    """The page `output` without its `content` (a note's): the theme's own inline scripts are
    those outside it. A <script> in a note's body is never among them, even should another
    plugin have changed the content so that it is not found as written: by their text."""
    theme = output.replace(content, "", 1) if content else output
    return _without_scripts_of(theme, content or "")


def secure(output: str, theme: str) -> str:
    """`output` with the robots tag and the policy allowing the inline scripts of `theme`."""
    return add_csp(add_robots(output), theme)


def add_robots(output: str) -> str:
    """Ask search engines not to index any page: the site is private even if exposed."""
    if ROBOTS in output:
        return output
    head = output.find("<head>")
    if head < 0:
        return output
    head += len("<head>")
    return output[:head] + "\n" + ROBOTS + output[head:]



_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
_SCRIPT_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})


def _inline_scripts(page_html: str) -> list[str]:
    """The text of each inline script a browser would run in `page_html` (not JSON data, not a
    script loaded by `src`)."""
    found = []
    for match in _SCRIPT.finditer(page_html):
        attributes, text = match.groups()
        kind = _SCRIPT_TYPE.search(attributes)
        if _SCRIPT_SRC.search(attributes) or (kind and kind.group(1).lower() not in _JS_TYPES):
            continue
        found.append(text)
    return found


def _without_scripts_of(output: str, content: str) -> str:
    for text in _inline_scripts(content):
        output = output.replace(text, "")
    return output


def script_hash(text: str) -> str:
    """The CSP source that allows an inline script with this text (as the browser hashes it:
    line breaks normalised, UTF-8)."""
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return "'sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii") + "'"


def content_security_policy(theme_html: str) -> str:
    """The page's policy: scripts from the site's own files and the theme's inline scripts
    (by hash, from `theme_html`, the page without its content), nothing else (§7); audio,
    video and frames (a PDF) from the site's own files only; no plugins."""
    hashes = sorted({script_hash(text) for text in _inline_scripts(theme_html)})
    # Embedded audio, video and PDFs (`![[talk.mp4]]`) play from the site itself, never
    # from another host (§7: nothing loads from elsewhere).
    return "; ".join([" ".join(["script-src 'self'", *hashes]), "object-src 'none'",
                      "media-src 'self'", "frame-src 'self'", "base-uri 'self'"])


def add_csp(output: str, theme_html: str) -> str:
    """Put the page's Content-Security-Policy first in its head, before any script."""
    head = output.find("<head>")
    if head < 0:
        return output
    head += len("<head>")
    # Already there (looked for where it goes: a note may quote the tag in a code block).
    if output[head:head + 200].lstrip().startswith(_CSP_START):
        return output
    tag = f'{_CSP_START}content="{html_escape(content_security_policy(theme_html))}">'
    return output[:head] + "\n" + tag + output[head:]


_CSP_START = '<meta http-equiv="Content-Security-Policy" '
