"""Is git at work in the vault's repository? The watcher waits while it is (a checkout or a
merge rewrites notes in bursts that must not be filled half-way). `find_git_dir` asks git once;
`git_busy` only looks for git's lock and state files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def find_git_dir(root: Path) -> Path | None:
    """The git dir of the repository holding `root` (it may be above the notes folder)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True, text=True,
            timeout=5, check=False,
        )
        if out.returncode == 0 and out.stdout.strip():
            return (root / out.stdout.strip()).resolve()
    except (OSError, subprocess.SubprocessError):
        pass  # no git installed: walk up for .git ourselves
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (folder / text.partition(":")[2].strip()).resolve()
    return None


_GIT_BUSY = (
    ("index.lock", "git holds index.lock"),
    ("MERGE_HEAD", "a merge is in progress"),
    ("rebase-merge", "a rebase is in progress"),
    ("rebase-apply", "a rebase is in progress"),
    ("CHERRY_PICK_HEAD", "a cherry-pick is in progress"),
)


def git_busy(git_dir: Path | None) -> str | None:
    """Why git is working on the repository now (None when it is not)."""
    if git_dir is None:
        return None
    for name, reason in _GIT_BUSY:
        if os.path.lexists(git_dir / name):
            return reason
    return None
