"""Every private MkDocs API vault-tools uses, and nowhere else: checked against MkDocs 1.6.1.

MkDocs 1.6 is the last of its line (pyproject pins `mkdocs>=1.6,<1.7`), so these names will not
move under us; still, each is named here once, and `tests/test_mkdocs_private.py` fails, naming
the missing one, should an installed MkDocs lack any of them (`missing()`).

Why each is needed:
- the steps of `mkdocs.commands.build.build` (`_populate_page`, `_build_page`,
  `_build_theme_template`, `_build_extra_template`): `LiveSite` runs the same build, phase by
  phase, keeping the pages whose inputs did not change;
- the four processors `Page.render` registers for each page (`_RawHTMLPreprocessor`,
  `_ExtractAnchorsTreeprocessor`, `_RelativePathTreeprocessor`, `_ExtractTitleTreeprocessor`):
  `page_render` renders the pages of a build as it does, with one converter;
- the attributes `_populate_page` gives a Page (`PAGE_STATE`, with `_title_from_render`): a kept
  page hands them to the new Page of its file;
- the live-reload server's script (`_SCRIPT_TEMPLATE`, `_timestamp`, `_serve_url`) and its
  hooks (`_inject_js_into_html`, `_serve_request`, the rebuild condition, the watch
  bookkeeping, `_build_loop`, which the server enters once it answers): `serve` loads the
  script as a file, which the pages' Content-Security-Policy allows, rebuilds when the vault's
  watcher says so, and records its first build once it answers.

The live-reload module is imported only by `serve` (`live_reload_server()`): it costs a build
tens of milliseconds of imports it does not need.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from typing import Any

from mkdocs.commands import build as _build
from mkdocs.structure import pages as _pages

MKDOCS_CHECKED = "1.6.1"

populate_page = _build._populate_page
build_page = _build._build_page
build_theme_template = _build._build_theme_template
build_extra_template = _build._build_extra_template
RawHTMLAnchors = _pages._RawHTMLPreprocessor
ExtractAnchors = _pages._ExtractAnchorsTreeprocessor
RelativeLinks = _pages._RelativePathTreeprocessor
ExtractTitle = _pages._ExtractTitleTreeprocessor

# What `_populate_page` gives a Page: carried over to the new Page of a kept file.
PAGE_STATE = ("markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids",
              "links_to_anchors")

# (module, attribute path) of every private name above and below, for `missing()`.
PRIVATE_NAMES = (
    ("mkdocs.commands.build", "_populate_page"),
    ("mkdocs.commands.build", "_build_page"),
    ("mkdocs.commands.build", "_build_theme_template"),
    ("mkdocs.commands.build", "_build_extra_template"),
    ("mkdocs.structure.pages", "_RawHTMLPreprocessor"),
    ("mkdocs.structure.pages", "_ExtractAnchorsTreeprocessor"),
    ("mkdocs.structure.pages", "_RelativePathTreeprocessor"),
    ("mkdocs.structure.pages", "_ExtractTitleTreeprocessor"),
    ("mkdocs.livereload", "_SCRIPT_TEMPLATE"),
    ("mkdocs.livereload", "_serve_url"),
    ("mkdocs.livereload", "_timestamp"),
    ("mkdocs.livereload", "LiveReloadServer._inject_js_into_html"),
    ("mkdocs.livereload", "LiveReloadServer._serve_request"),
    ("mkdocs.livereload", "LiveReloadServer._build_loop"),
)
# Set by constructors, so only a Page or a server made for the purpose has them.
PRIVATE_INSTANCE_ATTRIBUTES = (
    ("mkdocs.structure.pages.Page", "_title_from_render"),
    ("mkdocs.livereload.LiveReloadServer", "_rebuild_cond"),
    ("mkdocs.livereload.LiveReloadServer", "_want_rebuild"),
    ("mkdocs.livereload.LiveReloadServer", "_watched_paths"),
    ("mkdocs.livereload.LiveReloadServer", "_watch_refs"),
)


def missing(names: Iterable[tuple[str, str]] = PRIVATE_NAMES) -> list[str]:
    """The private names (`module:attribute`) the installed MkDocs lacks: [] when all are there."""
    absent = []
    for module_name, path in names:
        found: Any = importlib.import_module(module_name)
        for part in path.split("."):
            found = getattr(found, part, None)
            if found is None:
                absent.append(f"{module_name}:{path}")
                break
    return absent


def title_from_render(page: Any) -> str | None:
    """The title MkDocs took from the page's first heading when it rendered it (None if none)."""
    return getattr(page, "_title_from_render", None)


def serve_url(host: str, port: int, path: str) -> str:
    """The URL `mkdocs serve` gives the site served at `host:port` under `path`."""
    from mkdocs import livereload

    return livereload._serve_url(host, port, path)


@functools.cache
def live_reload_server() -> type:
    """MkDocs' live-reload server, with its private hooks turned into plain methods for a
    subclass: `script_tag(epoch)` (what goes before `</body>` of a served page), `serve_extra`
    (a request it answers itself, or None), `serving()` (once it answers, before it rebuilds)
    and `request_rebuild()`; `watched(path, ref)` records a watch scheduled by the subclass, as
    `watch()` would."""
    from mkdocs import livereload

    class Server(livereload.LiveReloadServer):
        def script_tag(self, epoch: int, request_id: int) -> bytes:
            raise NotImplementedError

        def serve_extra(self, environ: dict[str, Any],
                        start_response: Callable[..., Any]) -> Iterable[bytes] | None:
            return None

        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            try:
                body_end = content.rindex(b"</body>")
            except ValueError:
                body_end = len(content)
            tag = self.script_tag(int(epoch), livereload._timestamp())
            return content[:body_end] + tag + content[body_end:]

        def _serve_request(self, environ: dict[str, Any],
                           start_response: Callable[..., Any]) -> Iterable[bytes] | None:
            answer = self.serve_extra(environ, start_response)
            return answer if answer is not None else super()._serve_request(environ,
                                                                            start_response)

        def serving(self) -> None:
            """Called once as the server begins to answer (its "Serving on" line said), on the
            thread that rebuilds, before its first rebuild."""

        def _build_loop(self) -> None:
            self.serving()
            super()._build_loop()

        def request_rebuild(self) -> None:
            with self._rebuild_cond:
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        def watched(self, path: str, ref: Any) -> None:
            self._watched_paths[path] = 1  # (`serve` starts the observer only if there are any)
            self._watch_refs[path] = ref

    return Server


def live_reload_script(epoch: int, request_id: int) -> bytes:
    """The script MkDocs' live reload writes inline into a served page, as bytes."""
    from mkdocs import livereload

    return livereload._SCRIPT_TEMPLATE.substitute(epoch=epoch, request_id=request_id).encode()


def generated_content(file: Any) -> str | bytes | None:
    """The content a generated file is written from (`File.generated`; None: a copy of a file
    on disk), as it was given, without `content_bytes`' encoding of a text."""
    content = getattr(file, "_content", None)
    return content if isinstance(content, (str, bytes)) else None
