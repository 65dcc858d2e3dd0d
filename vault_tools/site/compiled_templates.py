"""The theme's templates compiled by a second process while this one loads the vault.

Jinja compiles a template the first time a process renders it: Material's base, its partials
and the sitemap are ~0.14 s of every start of `serve` and every `build`, whatever the vault's
size, done after the vault is loaded, one thing after the other. Here a process forked before
the load (`aside`, so only while this one runs no other thread) compiles the templates the
theme may render while this one loads and fills the vault on the other core, and hands their
code back through a pipe; the theme's environment then takes a template's code from it instead
of compiling the template (Jinja's own bytecode cache interface, held in memory only: nothing
is written anywhere, and no code is ever read from a file).

Jinja vouches for each template's code itself (`jinja2.bccache.Bucket`): its own version and
Python's, and a checksum of the template's source, so a template whose source is not the one
the child compiled (a theme override, a file changed since) is compiled here as usual. The
child makes the environment as a build does; when the build's environment differs in anything
that changes the code Jinja compiles (its syntax, extensions, escaping), none of it is taken.
`tests/test_compiled_templates.py` holds pages rendered with the code handed back equal to
pages rendered with code compiled here.
"""

from __future__ import annotations

import contextlib
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

from .. import aside

# The templates a page of the site may render, besides the theme's icons (each a few
# characters, compiled when shown) and other languages than the site's.
_SUFFIXES = (".html", ".xml")


class Compiling:
    """The templates of a theme, compiled by a second process since `start`."""

    def __init__(self, writer: aside.Aside[None, dict[str, Any]]) -> None:
        self._aside: aside.Aside[None, dict[str, Any]] | None = writer

    @classmethod
    def start(cls, theme: Any) -> Compiling | None:
        """Fork a process compiling `theme`'s templates (a MkDocs `Theme`), when this process
        may (`aside.available`); None otherwise."""
        if not aside.available():
            return None
        compiling: aside.Aside[None, dict[str, Any]] = aside.Aside(
            lambda _: _compile_all(theme.get_env(), theme.locale))
        try:
            compiling.put(None)
        except aside.AsideError:
            return None
        return cls(compiling)

    def install(self, env: Environment) -> int:
        """Give `env` the code of the templates compiled (waiting for the second process to
        finish, if it has not), when `env` compiles a template as that process did; how many
        it was given. Once: later calls give none."""
        compiling, self._aside = self._aside, None
        if compiling is None or env.bytecode_cache is not None:
            return 0
        try:
            found = compiling.close()
        except aside.AsideError:
            return 0
        if len(found) != 1 or found[0].get("settings") != code_settings(env):
            return 0
        env.bytecode_cache = _Given(found[0]["code"])
        return len(found[0]["code"])

    def discard(self) -> None:
        """Stop the second process, if its code was not taken."""
        compiling, self._aside = self._aside, None
        if compiling is not None:
            compiling.abandon()


def code_settings(env: Environment) -> tuple[Any, ...] | None:
    """What of `env` the code Jinja compiles for a template depends on, besides the template's
    source: equal for two environments, the same source compiles to the same code in both.
    None for an environment whose escaping is decided by a function (compared by identity)."""
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


def wanted(name: str, locale: str) -> bool:
    """Whether the template `name` is compiled ahead: a page or partial of the theme, not one
    of its icons, and of its translations only the site's language and English (the theme's
    fallback)."""
    if not name.endswith(_SUFFIXES) or name.startswith("."):
        return False
    folder, _, file = name.rpartition("/")
    if folder.endswith("languages"):
        return file[: -len(".html")] in {locale, "en"}
    return True


def _compile_all(env: Environment, locale: Any) -> dict[str, Any]:
    """The second process's job: every template of `env` that `wanted` names, compiled as
    Jinja's loader compiles it, as the bytes of a bytecode-cache bucket, by that bucket's key;
    with the `code_settings` they were compiled under."""
    keys = _Given({})
    code: dict[str, bytes] = {}
    loader = env.loader
    if loader is not None:
        for name in env.list_templates():
            if not wanted(name, str(locale)):
                continue
            with contextlib.suppress(Exception):  # (one it cannot compile: compiled as used)
                source, filename, _ = loader.get_source(env, name)
                bucket = Bucket(env, keys.get_cache_key(name, filename),
                                keys.get_source_checksum(source))
                bucket.code = env.compile(source, name, filename)
                code[bucket.key] = bucket.bytecode_to_string()
    return {"settings": code_settings(env), "code": code}


class _Given(BytecodeCache):
    """Templates' code handed over in memory: read by Jinja as from any bytecode cache (it
    checks the versions and the source's checksum); nothing new is kept."""

    def __init__(self, code: dict[str, bytes]) -> None:
        self._code = code

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._code.pop(bucket.key, None)  # (the template is cached by Jinja after)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        pass
