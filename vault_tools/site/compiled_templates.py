"""The theme's templates compiled by a second process while this one loads the vault.

Jinja compiles a template the first time a process renders it: Material's base, its partials
and the sitemap are ~0.14 s of every start of `serve` and every `build`, whatever the vault's
size, done after the vault is loaded, one thing after the other. Here a process forked before
the load (`aside`, so only while this one runs no other thread) compiles the templates the
theme may render while this one loads and fills the vault on the other core, and hands their
code back through a pipe when the first template is loaded; the theme's environment takes a
template's code from it instead of compiling the template (Jinja's own bytecode cache
interface, held in memory only: nothing is written anywhere, and no code is ever read from a
file). A build that renders no template does not wait for that process: it is stopped.

Jinja vouches for each template's code itself (`jinja2.bccache.Bucket`): its own version and
Python's, and a checksum of the template's source, so a template whose source is not the one
the child compiled (a theme override, a file changed since) is compiled here as usual. The
child makes the environment as a build does, before the plugins see it; the code is taken
only while the environment loading a template compiles as the child's did: the same settings
(`code_settings`: syntax, extensions, escaping...) and the same filters and tests, each
passed the same arguments (`pass_args`: Jinja compiles a filter's call by what it takes), as
a plugin may change any of them. `tests/test_compiled_templates.py` holds a site built with
the code handed back equal to one built without.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

from .. import aside

# The templates a page of the site may render, besides the theme's icons (each a few
# characters, compiled when shown) and other languages than the site's.
_SUFFIXES = (".html", ".xml")


class Compiling:
    """The templates of a theme, compiled by a second process since `start`."""

    def __init__(self, compiling: aside.Aside[None, dict[str, Any]]) -> None:
        self._aside: aside.Aside[None, dict[str, Any]] | None = compiling
        self._found: dict[str, Any] | None = None

    @classmethod
    def start(cls, theme: Any) -> Compiling | None:
        """Fork a process compiling `theme`'s templates (a MkDocs `Theme`), when this process
        may (`aside.available`) and can; None otherwise."""
        if not aside.available():
            return None
        languages = {str(theme.locale), str(theme.get("language") or "")}
        compiling: aside.Aside[None, dict[str, Any]] = aside.Aside(
            lambda _: _quietly_compile_all(theme, languages))
        try:
            compiling.put(None)
        except (aside.AsideError, OSError):
            compiling.abandon()
            return None
        return cls(compiling)

    def install(self, env: Environment) -> None:
        """Let `env` take the code of the templates it loads from what the second process
        compiled (`_Given`). An environment that has a bytecode cache of its own keeps it, and
        the second process is stopped."""
        if env.bytecode_cache is not None:
            self.discard()
            return
        env.bytecode_cache = _Given(self)

    def taken(self) -> dict[str, Any]:
        """What the second process compiled (waiting for it to finish, the first time): its
        `code_settings`, `pass_args` and code by bucket key; nothing if it failed or was
        stopped."""
        if self._found is None:
            compiling, self._aside = self._aside, None
            self._found = {}
            if compiling is not None:
                with contextlib.suppress(aside.AsideError):
                    self._found = compiling.close()[0]  # (its one job's, or it raises)
        return self._found

    def discard(self) -> None:
        """Stop the second process now, if nothing was taken from it (its job writes nothing:
        it is cut short)."""
        compiling, self._aside = self._aside, None
        if compiling is not None:
            compiling.kill()


def code_settings(env: Environment) -> tuple[Any, ...] | None:
    """What of `env` the code Jinja compiles for a template depends on, besides the template's
    source and the filters and tests (`pass_args`): equal for two environments, the same source
    compiles to the same code in both. None for an environment whose escaping is decided by a
    function (compared by identity)."""
    if not isinstance(env.autoescape, bool):
        return None
    loader = env.loader
    return (
        type(loader).__module__, type(loader).__qualname__,
        tuple(str(p) for p in getattr(loader, "searchpath", ())),
        tuple(sorted(env.extensions)), env.autoescape, env.is_async, env.optimized,
        env.finalize is not None, getattr(env, "newstyle_gettext", None),
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
        env.newline_sequence, env.keep_trailing_newline,
    )


def pass_args(env: Environment) -> tuple[tuple[str, str], ...]:
    """`env`'s filters and tests by name, each with what Jinja passes it first (the context,
    the evaluation context, the environment, or nothing): what a call of it compiles to."""
    return tuple(sorted(
        (f"{kind}:{name}", str(getattr(function, "jinja_pass_arg", "")))
        for kind, table in (("filter", env.filters), ("test", env.tests))
        for name, function in table.items()))


def wanted(name: str, languages: set[str]) -> bool:
    """Whether the template `name` is compiled ahead: a page or partial of the theme, not one
    of its icons, and of its translations only the site's languages and English (the theme's
    fallback)."""
    if not name.endswith(_SUFFIXES) or name.startswith("."):
        return False
    folder, _, file = name.rpartition("/")
    if folder.endswith("languages"):
        return file[: -len(".html")] in languages | {"en"}
    return True


def _quietly_compile_all(theme: Any, languages: set[str]) -> dict[str, Any]:
    """The second process's job: `_compile_all`, saying nothing (its parent says it all)."""
    logging.disable(logging.CRITICAL)
    return _compile_all(theme, languages)


def _compile_all(theme: Any, languages: set[str]) -> dict[str, Any]:
    """Every template of the theme's environment that `wanted` names, compiled as Jinja's
    loader compiles it, as the bytes of a bytecode-cache bucket, by that bucket's key; with the
    `code_settings` and `pass_args` they were compiled under."""
    env = theme.get_env()
    keys = _Given(None)
    code: dict[str, bytes] = {}
    loader = env.loader
    if loader is not None:
        for name in env.list_templates():
            if not wanted(name, languages):
                continue
            with contextlib.suppress(Exception):  # (one it cannot compile: compiled as used)
                source, filename, _ = loader.get_source(env, name)
                bucket = Bucket(env, keys.get_cache_key(name, filename),
                                keys.get_source_checksum(source))
                bucket.code = env.compile(source, name, filename)
                code[bucket.key] = bucket.bytecode_to_string()
    return {"settings": code_settings(env), "pass": pass_args(env), "code": code}


class _Given(BytecodeCache):
    """Templates' code handed over in memory: read by Jinja as from any bytecode cache (it
    checks the versions and the source's checksum), only while the environment loading a
    template compiles as the one that made the code; nothing new is kept."""

    def __init__(self, compiled: Compiling | None) -> None:
        self._compiled = compiled

    def load_bytecode(self, bucket: Bucket) -> None:
        if self._compiled is None:
            return
        found = self._compiled.taken()
        env = bucket.environment
        if (not found or found["settings"] is None or found["settings"] != code_settings(env)
                or found["pass"] != pass_args(env)):
            return
        data = found["code"].pop(bucket.key, None)  # (the template is cached by Jinja after)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        pass
