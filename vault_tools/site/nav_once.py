"""Material's navigation rendered once for every page that shows the same one.

Material renders its navigation (`partials/nav.html`) into every page. The site's is a dozen
entries (the dashboards), and rendering it was ~7% of a cold build's own process at 1,000
notes (py-spy, 2026-12-06; plain Material's two-entry navigation costs a third of that): the
same HTML, made again for each note. For a page the navigation does not list, and while no
entry of it is active, what it renders depends on the page only through the relative URLs it
links to (`url`, MkDocs's filter, relative to the page). So it is rendered once for each set
of those relative URLs and language and features, and the same HTML is given to every other
page with the same ones: the notes of one folder depth, as a rule.

The values a render makes URLs of are recorded as it runs (the `url` filter, wrapped for that
render): the first render of a build gives them, and a page is given a kept render only when
those same values, made relative to it, give the same URLs as for the page it was made for.
That rests on Material's templates, which make URLs of the navigation's and the
configuration's values only, never of the page's: only Material's own are trusted so. A theme
that overrides the navigation's templates (`custom_dir`) is rendered page by page, as are the
pages the navigation lists and any page rendered outside `rendering`. (Should a render made
here ask for other values than the first, the keeping ends for the build.)
`tests/test_nav_once.py` holds every page of sites built this way equal to the pages built
without it.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError, pass_context
from jinja2.runtime import Context

NAV = "partials/nav.html"
# The templates the navigation renders: one a theme overrides may show anything of the page.
# (`partials/language.html` too: base.html imports it with the page's context, and the
# navigation shows its `t("nav")`.)
_TEMPLATES = (NAV, "partials/nav-item.html", "partials/logo.html", "partials/source.html",
              "partials/language.html")
# Renders kept for one build at most (one per folder depth, as a rule: a few).
_KEPT_AT_MOST = 64

Render = Callable[[Context], Iterator[str]]
# How Jinja marks a filter that takes the context, as MkDocs's `url` does.
_TAKES_CONTEXT = pass_context(lambda context: context).jinja_pass_arg  # type: ignore[attr-defined]


class NavOnce:
    """The navigation's renders kept for the pages of one build (`rendering`)."""

    def __init__(self) -> None:
        self._env: Environment | None = None
        self._listed: set[int] = set()  # the pages the navigation lists, by identity
        self._asked: tuple[str, ...] | None = None  # the values the first render made URLs of
        self._kept: dict[tuple[Any, ...], str] = {}
        # The navigation's renders made to be kept, in this build (the others were given a
        # kept one, or rendered as without this).
        self.renders = 0

    @contextlib.contextmanager
    def rendering(self, env: Environment, nav: Any) -> Iterator[None]:
        """While the pages showing `nav` are rendered with `env`: the navigation is rendered
        once for the pages that show it alike (when the theme's navigation templates are
        Material's own). Nothing is kept afterwards."""
        # (An entry that holds pages of its own, as a blog's index does, shows a page it
        # holds as the page: not through its URLs only.)
        self._env = (env if nav is not None and not _holds_pages(getattr(nav, "items", ()))
                     and _wrapped(env) else None)
        self._listed = {id(page) for page in getattr(nav, "pages", ())}
        self._asked, self._kept, self.renders = None, {}, 0
        try:
            yield
        finally:
            self._env, self._listed, self._asked, self._kept = None, set(), None, {}

    def render(self, context: Context, render: Render) -> Iterator[str]:
        """What the navigation's template (`render`, its own) renders in `context`: a render
        kept, or one made now."""
        env = self._env
        page, nav = context.get("page"), context.get("nav")
        if (env is None or page is None or id(page) in self._listed
                or _any_active(getattr(nav, "items", ()))):
            yield from render(context)
            return
        shown = self._key(env, context)
        html = self._kept.get(shown) if shown is not None else None
        if html is None:
            html, asked = self._recorded(env, context, render)
            if self._asked is None:
                self._asked = asked
                shown = self._key(env, context)
            if asked != self._asked:
                self._env = None  # (the page shows through more than its URLs: no keeping)
            elif shown is not None and len(self._kept) < _KEPT_AT_MOST:
                self._kept[shown] = html
        yield html

    def _key(self, env: Environment, context: Context) -> tuple[Any, ...] | None:
        """What the navigation shows of this page: the URLs of the values the first render
        asked for, made relative to it, its language and features (None: not known yet)."""
        if self._asked is None:
            return None
        url = env.filters["url"]
        config = context.get("config")
        theme = getattr(config, "theme", None)
        language = theme.get("language") if theme is not None else None
        features = context.get("features")
        return (context.get("base_url"), str(language),
                tuple(features) if isinstance(features, (list, tuple)) else repr(features),
                tuple(url(context, value) for value in self._asked))

    def _recorded(self, env: Environment, context: Context,
                  render: Render) -> tuple[str, tuple[str, ...]]:
        """The navigation rendered in `context`, and the values it made URLs of, in order."""
        real = env.filters["url"]
        asked: list[str] = []

        def recording(ctx: Context, value: Any) -> Any:
            asked.append(str(value))
            return real(ctx, value)

        recording.jinja_pass_arg = real.jinja_pass_arg  # type: ignore[attr-defined]
        env.filters["url"] = recording
        try:
            html = "".join(render(context))
        finally:
            env.filters["url"] = real
        self.renders += 1
        return html, tuple(asked)


def _wrapped(env: Environment) -> bool:
    """Whether `env` renders the navigation through `NAV_ONCE` (wrapping its template if not
    yet): only when the navigation's templates are Material's own and its `url` filter takes
    the context, as MkDocs's does."""
    url = env.filters.get("url")
    if url is None or getattr(url, "jinja_pass_arg", None) is not _TAKES_CONTEXT:
        return False
    if not _materials_own(env):
        return False
    try:
        template = env.get_template(NAV)
    except TemplateError:
        return False
    render = template.root_render_func
    if getattr(render, "nav_once", False):
        return True

    def once(context: Context) -> Iterator[str]:
        yield from NAV_ONCE.render(context, render)

    once.nav_once = True  # type: ignore[attr-defined]
    template.root_render_func = once
    return True


def _materials_own(env: Environment) -> bool:
    """Whether each template the navigation renders is the file Material ships."""
    spec = importlib.util.find_spec("material")
    if spec is None or spec.origin is None:
        return False
    own = Path(spec.origin).resolve().parent / "templates"
    loader = env.loader
    if loader is None:
        return False
    for name in _TEMPLATES:
        try:
            _source, filename, _uptodate = loader.get_source(env, name)
        except TemplateError:
            return False
        if filename is None or Path(filename).resolve() != own / name:
            return False
    return True


def _entries(items: Any) -> Iterator[Any]:
    """Every entry of the navigation, at any depth."""
    for item in items:
        yield item
        yield from _entries(getattr(item, "children", None) or ())


def _holds_pages(items: Any) -> bool:
    """Whether an entry of the navigation has pages of its own (`pages`, which Material's
    template looks the page up in)."""
    return any(getattr(entry, "pages", None) is not None for entry in _entries(items))


def _any_active(items: Any) -> bool:
    """Whether an entry of the navigation is active."""
    return any(getattr(entry, "active", False) for entry in _entries(items))


# The one keeper: the template's wrapper finds it here (a build renders one site at a time).
NAV_ONCE = NavOnce()
