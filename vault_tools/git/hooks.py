"""Git plumbing for syncing a vault: the merge driver's registration and the hooks that run fill.

`install_git` registers the merge driver (`.gitattributes` + the repository's git config) and
writes `post-merge` / `post-rewrite` (and optionally `pre-commit`) hooks; `uninstall_git` removes
exactly what it added. A hook that was already there is moved aside to `<hook>.pre-vault-tools`
and our hook runs it first, so hook managers and the user's own hooks keep working.

The driver and the hooks call the Python that installed them (`sys.executable -m vault_tools`), so
they work when the virtualenv is not on PATH.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..vault import Vault

DRIVER = "vault-tools"
DRIVER_NAME = "vault-tools: notes merge; generated blocks never conflict"
HOOKS = ("post-merge", "post-rewrite")
PRE_COMMIT = "pre-commit"
PREVIOUS_SUFFIX = ".pre-vault-tools"
HOOK_MARK = "# vault-tools hook:"

# The .gitattributes section. Its opening line records what install did besides adding the
# section (created the file, or added a missing final newline), so uninstall can undo exactly.
SECTION_OPEN_RE = re.compile(r"^# >>> vault-tools(?: \((created the file|added a newline)\))? >>>$")
SECTION_CLOSE = "# <<< vault-tools <<<"
SECTION_TEXT = (
    "# Merge notes with `vault-tools git merge-driver`: generated blocks never conflict.",
    "# Added by `vault-tools git install`; `vault-tools git uninstall` removes this section.",
)
CREATED, NEWLINE_ADDED = "created the file", "added a newline"


class GitSetupError(Exception):
    """The vault is not in a git repository, or git refused a change."""


@dataclass(frozen=True)
class Repo:
    """Where the vault's repository keeps what install touches."""

    top: Path
    git_dir: Path
    hooks_dir: Path
    attributes: Path
    vault_arg: str  # the vault for `--vault`, relative to `top` (hooks run there)
    pattern: str  # the .gitattributes pattern matching the vault's notes


def find_repo(vault: Vault) -> Repo:
    """Locate the repository holding the vault (`git rev-parse` from the vault root)."""
    try:
        top = Path(_git(vault.root, "rev-parse", "--show-toplevel")).resolve()
    except GitSetupError:
        raise GitSetupError(
            f"{vault.root}: not inside a git repository (run `git init` there first)"
        ) from None
    hooks_dir, git_dir = (
        (top / path).resolve()
        for path in _git(top, "rev-parse", "--git-path", "hooks", "--git-common-dir").splitlines()
    )
    return Repo(top, git_dir, hooks_dir, top / ".gitattributes",
                _relative(vault.root.resolve(), top),
                notes_pattern(_relative(vault.notes_dir.resolve(), top)))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _relative(path: Path, top: Path) -> str:
    try:
        rel = path.relative_to(top).as_posix()
    except ValueError:
        return str(path)
    return rel or "."


def notes_pattern(notes_rel: str) -> str:
    """The .gitattributes pattern for every note under the notes folder (relative to the top)."""
    if notes_rel in ("", "."):
        return "*.md"
    pattern = f"{notes_rel}/**/*.md"
    if re.search(r'[\s"\\#!]', pattern):
        # gitattributes reads a pattern that begins with a double quote as a C-style string.
        escaped = pattern.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
        pattern = f'"{escaped}"'
    return pattern


def python_command() -> str:
    """This Python, quoted for the shell, running vault-tools."""
    return f"{shlex.quote(sys.executable)} -m vault_tools"


def driver_command() -> str:
    """The `merge.vault-tools.driver` value: git fills in %O %A %B %L and a quoted %P."""
    return f"{python_command()} git merge-driver --marker-size %L %O %A %B %P"


# --- install / uninstall ------------------------------------------------------------------------


@dataclass
class InstallResult:
    """What `install_git` changed (one line each; empty: nothing) and what the user should know."""

    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def install_git(vault: Vault, pre_commit: bool = False) -> InstallResult:
    """Register the merge driver and the hooks. Idempotent: a second run changes nothing."""
    repo = find_repo(vault)
    result = InstallResult()
    changes = result.changes
    if not _inside(repo.hooks_dir, repo.top) and not _inside(repo.hooks_dir, repo.git_dir):
        result.warnings.append(
            f"core.hooksPath points outside this repository ({repo.hooks_dir}): the hooks run "
            f"for every repository that shares it, and look for the vault at '{repo.vault_arg}'"
        )

    for key, value in (("name", DRIVER_NAME), ("driver", driver_command())):
        if _config_get(repo.top, f"merge.{DRIVER}.{key}") != value:
            _git(repo.top, "config", "--local", f"merge.{DRIVER}.{key}", value)
            changes.append(f"git config: set merge.{DRIVER}.{key}")

    old = _read_text(repo.attributes)
    new = add_attributes_section(old, repo.pattern)
    if new != old:
        _write_text(repo.attributes, new)
        changes.append(f"{_shown(repo.attributes, repo.top)}: "
                       f"`{repo.pattern} merge={DRIVER}` (commit this file)")

    for hook in (*HOOKS, PRE_COMMIT) if pre_commit else HOOKS:
        change = _install_hook(repo, hook)
        if change:
            changes.append(change)
    return result


def uninstall_git(vault: Vault) -> list[str]:
    """Remove exactly what `install_git` added, putting back any hook it moved aside."""
    repo = find_repo(vault)
    changes: list[str] = []

    for hook in (*HOOKS, PRE_COMMIT):
        path = repo.hooks_dir / hook
        previous = path.with_name(hook + PREVIOUS_SUFFIX)
        if not _is_our_hook(path):
            continue
        path.unlink()
        if previous.exists() or previous.is_symlink():
            os.replace(previous, path)
            changes.append(f"{_shown(path, repo.top)}: removed; the previous hook is back")
        else:
            changes.append(f"{_shown(path, repo.top)}: removed")

    old = _read_text(repo.attributes)
    if old is not None:
        new = remove_attributes_section(old)
        if new is None:
            repo.attributes.unlink()
            changes.append(f"{_shown(repo.attributes, repo.top)}: removed (install created it)")
        elif new != old:
            _write_text(repo.attributes, new)
            changes.append(f"{_shown(repo.attributes, repo.top)}: removed the vault-tools lines")

    keys = _config_keys(repo.top, f"merge.{DRIVER}.")
    if keys:
        if keys <= {"name", "driver"}:
            _git(repo.top, "config", "--local", "--remove-section", f"merge.{DRIVER}")
        else:  # the user added settings of their own to the section: keep those
            for key in sorted(keys & {"name", "driver"}):
                _git(repo.top, "config", "--local", "--unset", f"merge.{DRIVER}.{key}")
        changes.append(f"git config: removed merge.{DRIVER}")
    return changes


# --- hooks --------------------------------------------------------------------------------------


def hook_script(hook: str, vault_arg: str, python: str | None = None) -> str:
    """The shell script for one hook. It runs the hook it replaced first, with the same input."""
    run = f"{python or python_command()}"
    vault = shlex.quote(vault_arg)
    fill = f"{run} fill --vault {vault}"
    head = [
        "#!/bin/sh",
        f"{HOOK_MARK} {hook}. Written by `vault-tools git install`;",
        "# `vault-tools git uninstall` removes it and puts back the hook it replaced.",
        f'previous="$0{PREVIOUS_SUFFIX}"',
    ]
    if hook == PRE_COMMIT:
        body = [
            "# Refuse a commit whose generated blocks are stale or whose notes have errors.",
            'if [ -x "$previous" ]; then',
            '    "$previous" "$@" || exit $?',
            "fi",
            f"{run} fill --check --vault {vault} || {{",
            "    echo \"vault-tools: generated blocks are out of date: run 'vault-tools fill',"
            " then commit again\" >&2",
            "    exit 1",
            "}",
            f"{run} check --vault {vault} || exit 1",
        ]
    else:
        if hook == "post-merge":
            comment = "# After a merge, regenerate the blocks from the merged notes"
            fill_lines = [f"{fill} || status=$?"]
        else:  # post-rewrite: "amend" changes no file, "rebase" may have merged notes
            comment = "# After a rebase, regenerate the blocks from the merged notes"
            fill_lines = ['if [ "$1" = rebase ]; then', f"    {fill} || status=$?", "fi"]
        body = [
            comment,
            "# (the merge driver left one side's blocks in them).",
            "status=0",
            'if [ -x "$previous" ]; then',
            '    "$previous" "$@" || status=$?',
            "fi",
            *fill_lines,
            "exit $status",
        ]
    return "\n".join(head + body) + "\n"


def _install_hook(repo: Repo, hook: str) -> str | None:
    path = repo.hooks_dir / hook
    previous = path.with_name(hook + PREVIOUS_SUFFIX)
    script = hook_script(hook, repo.vault_arg)
    shown = _shown(path, repo.top)
    if _is_our_hook(path):
        if _read_text(path) == script:
            return None
        _write_hook(path, script)
        return f"{shown}: updated"
    moved = path.exists() or path.is_symlink()
    if moved:
        if previous.exists() or previous.is_symlink():
            raise GitSetupError(
                f"{path}: cannot chain this hook: {previous.name} already exists; "
                "move one of them away and run install again"
            )
        os.replace(path, previous)
    repo.hooks_dir.mkdir(parents=True, exist_ok=True)
    _write_hook(path, script)
    if moved:
        return f"{shown}: written; the hook that was there is now {previous.name} and runs first"
    return f"{shown}: written"


def _is_our_hook(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    try:
        head = path.read_bytes()[:400].decode("utf-8", "replace")
    except OSError:
        return False
    return HOOK_MARK in head


def _write_hook(path: Path, script: str) -> None:
    path.write_text(script, encoding="utf-8", newline="\n")
    path.chmod(0o755)


# --- .gitattributes -----------------------------------------------------------------------------


def add_attributes_section(text: str | None, pattern: str) -> str:
    """The .gitattributes text with our section in it (replacing an earlier one). Pure."""
    newline = "\r\n" if text and "\r\n" in text else "\n"
    if text is not None:
        found = _find_section(text)
        if found is not None:
            start, end, flag = found
            return text[:start] + _section(pattern, flag, newline) + text[end:]
    if text is None:
        return _section(pattern, CREATED, newline)
    if text and not text.endswith("\n"):
        return text + newline + _section(pattern, NEWLINE_ADDED, newline)
    return text + _section(pattern, None, newline)


def remove_attributes_section(text: str) -> str | None:
    """The text without our section, as it was before install; None: delete the file. Pure."""
    found = _find_section(text)
    if found is None:
        return text
    start, end, flag = found
    before, after = text[:start], text[end:]
    if flag == NEWLINE_ADDED and not after:
        before = before[:-2] if before.endswith("\r\n") else before[:-1]
    rest = before + after
    if flag == CREATED and not rest:
        return None
    return rest


def _section(pattern: str, flag: str | None, newline: str) -> str:
    opening = f"# >>> vault-tools ({flag}) >>>" if flag else "# >>> vault-tools >>>"
    lines = (opening, *SECTION_TEXT, f"{pattern} merge={DRIVER}", SECTION_CLOSE)
    return newline.join(lines) + newline


def _find_section(text: str) -> tuple[int, int, str | None] | None:
    """(start, end, flag) of our section in the text, or None."""
    offset = 0
    start: int | None = None
    flag: str | None = None
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        match = SECTION_OPEN_RE.match(bare)
        if match and start is None:
            start, flag = offset, match.group(1)
        elif bare == SECTION_CLOSE and start is not None:
            return start, offset + len(line), flag
        offset += len(line)
    return None


# --- git and files ------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False)
    except OSError as exc:
        raise GitSetupError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise GitSetupError(f"git {' '.join(args)}: {done.stderr.strip() or done.returncode}")
    return done.stdout.strip()


def _config_get(top: Path, key: str) -> str | None:
    done = subprocess.run(["git", "config", "--local", "--get", key], cwd=top,
                          capture_output=True, text=True, check=False)
    return done.stdout.rstrip("\n") if done.returncode == 0 else None


def _config_keys(top: Path, prefix: str) -> set[str]:
    pattern = "^" + prefix.replace(".", "\\.")
    done = subprocess.run(["git", "config", "--local", "--name-only", "--get-regexp", pattern],
                          cwd=top, capture_output=True, text=True, check=False)
    return {line[len(prefix):] for line in done.stdout.splitlines() if line.startswith(prefix)}


def _read_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        return None


def _write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def _shown(path: Path, top: Path) -> str:
    return _relative(path, top)
