"""The theme's templates as compiled by one run, read back by the next (`site/template_cache`):
only from a folder of this user's alone, and never changing a byte of the site."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .test_site_cache import append, assert_like_clean_build, built_line, run_build, vault

pytestmark = pytest.mark.slow  # real builds, in subprocesses

__all__ = ["vault"]  # (the fixture, used by name)


def compiled(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file in `folder` by name: its inode and modification time."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def built_once(vault: Path, tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A first build with its own temporary folder: the environment that gives it, and the
    folder of compiled templates in it."""
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {"TMPDIR": str(temp)}
    run_build(vault, env=env)
    return env, temp / f"_jinja2-cache-{os.getuid()}"


def test_the_templates_one_build_compiled_serve_the_next(vault: Path, tmp_path: Path) -> None:
    env, folder = built_once(vault, tmp_path)
    # Readable and writable by its owner only: what is read back from it is run as code.
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700
    first = compiled(folder)
    assert len(first) >= 5  # Material's main.html and its partials
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    assert "from the site cache" in built_line(run_build(vault, env=env))
    assert compiled(folder) == first  # (nothing compiled, nor written again)
    assert_like_clean_build(vault)  # (a plain MkDocs build: it compiles its templates)


def test_a_template_folder_that_is_not_the_users_own_is_never_used(
        vault: Path, tmp_path: Path) -> None:
    # A link planted at the folder's name (the system's temporary folder is everyone's): the
    # build compiles its templates as it did before, and reads and writes nothing there.
    temp, elsewhere = tmp_path / "temp", tmp_path / "elsewhere"
    temp.mkdir()
    elsewhere.mkdir(mode=0o700)
    (temp / f"_jinja2-cache-{os.getuid()}").symlink_to(elsewhere)
    run_build(vault, env={"TMPDIR": str(temp)})
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    run_build(vault, env={"TMPDIR": str(temp)})
    assert list(elsewhere.iterdir()) == []
    assert_like_clean_build(vault)
    # And a folder open to others is made its owner's alone before it is used.
    shutil.rmtree(vault / "site")
    (temp / f"_jinja2-cache-{os.getuid()}").unlink()
    (temp / f"_jinja2-cache-{os.getuid()}").mkdir(mode=0o777)
    os.chmod(temp / f"_jinja2-cache-{os.getuid()}", 0o777)
    run_build(vault, env={"TMPDIR": str(temp)})
    assert (os.stat(temp / f"_jinja2-cache-{os.getuid()}").st_mode & 0o777) == 0o700
    assert_like_clean_build(vault)


def test_a_compiled_template_cut_short_is_compiled_again(vault: Path, tmp_path: Path) -> None:
    env, folder = built_once(vault, tmp_path)
    for path in folder.iterdir():  # (a machine that stopped mid-write, a damaged disk)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    shutil.rmtree(vault / "site")
    run_build(vault, env=env)
    assert_like_clean_build(vault)
    assert all(len(p.read_bytes()) > 100 for p in folder.iterdir())  # (written whole again)
