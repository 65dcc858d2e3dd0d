"""What a browser would run in a built site, found by parsing its pages (html.parser), not by
looking for substrings: the test helpers of "no script but the site's own" (DESIGN §7)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

# Attributes whose value a browser loads or follows as a URL.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data",
                            "poster", "srcdoc", "background"})
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


# Every hostile input of these tests calls this: an inline script holding it is not the theme's.
PAYLOAD = "alert("


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None
        self._script_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            compact = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and compact.startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")
        if tag == "script":
            self._script, self._script_attrs = [], dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            text = "".join(self._script)
            kind = (self._script_attrs.get("type") or "").lower()
            if "src" not in self._script_attrs and kind in ("", "text/javascript", "module"):
                self.scripts.append(text)
                if PAYLOAD in text:
                    self.problems.append(f"<script>{text[:80]}</script>")
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        else:
            self.text.append(data)


def scan(page_html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(page_html)
    scanner.close()
    return scanner


def page_problems(page_html: str) -> list[str]:
    """Each element or attribute of the page that would run script or load a script URL, and
    each inline script carrying a test's payload."""
    return scan(page_html).problems


def page_text(page_html: str) -> str:
    """The text a reader sees (outside scripts), entities decoded."""
    return "".join(scan(page_html).text)


def site_problems(site: Path) -> dict[str, list[str]]:
    """{page: problems} for every HTML page of a built site with something that would run."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        problems = page_problems(page.read_text(encoding="utf-8"))
        if problems:
            found[page.relative_to(site).as_posix()] = problems
    return found
