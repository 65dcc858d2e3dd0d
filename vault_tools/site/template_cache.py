"""The theme's templates as compiled once, kept between runs.

Jinja compiles each template a page needs to Python the first time a process renders one:
Material's `main.html` and its partials, ~0.13 s of every `build` or `serve` start that renders
a page (a cached build after a few edits renders a few). Jinja's own bytecode cache keeps the
compiled code between runs, by the template's name and the digest of its source: a template
that changed (another Material) is compiled again, and what a template renders does not
depend on whether it was compiled now or read back.

Where: Jinja's own default for it, a folder of this user's in the system's temporary folder
(`_jinja2-cache-<uid>`), which Jinja makes readable and writable by its owner only and uses
only when it is so (owned by this user, not a link, mode 0700): what is read back there is
loaded as code (Jinja's files are `pickle` and `marshal` data), so it is never the vault's
cache folder, which a sync may carry from elsewhere. When no such folder can be had,
templates are compiled as before; a file there that cannot be read back whole is compiled
again, and one that cannot be written is not kept (Jinja's own cache stops the build then).
"""

from __future__ import annotations

import contextlib
from typing import Any

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket


class _Forgiving(FileSystemBytecodeCache):
    """Jinja's cache in a folder of files, for which a file it cannot read back whole (cut
    short, damaged) is a template to compile, and a file it cannot write (a full disk) is one
    compiled again next time: Jinja's own lets either stop the build."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # (pickle and marshal raise more than one kind for a damaged file)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates() -> Any:
    """Jinja's bytecode cache in this user's private temporary folder, or None when there is
    none to be had safely (then every run compiles its templates)."""
    try:
        return _Forgiving()
    except (OSError, RuntimeError):  # RuntimeError: no folder of this user's alone
        return None
