"""Documentation that cannot rot: the README names every command and links only to pages
that exist, and the quick start is exactly the two commands that work on a fresh clone."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
import pytest

from vault_tools.cli import main

from .browsers import SKIP_REASON, find_browser
from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if getattr(command, "hidden", False):
            continue
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_command_is_in_the_readme() -> None:
    missing = []
    for name in _commands(main):
        words = name.split()
        # `new contact|interview|...` and `import vcard FILE` rows name sub-commands together.
        if not all(word in README for word in words):
            missing.append(name)
    assert missing == []


def test_every_command_and_option_has_help_text() -> None:
    def walk(group: click.Group) -> None:
        for name, command in group.commands.items():
            if command.hidden:
                continue  # called by git, not by people (the merge driver)
            assert (command.help or "").strip(), f"{name} has no help text"
            for param in command.params:
                if isinstance(param, click.Option):
                    assert (param.help or "").strip() or param.hidden, \
                        f"{name} {param.opts[0]} has no help text"
            if isinstance(command, click.Group):
                walk(command)

    walk(main)


def test_readme_links_point_to_pages_that_exist() -> None:
    links = re.findall(r"\]\((docs/[^)#]+)", README)
    assert links, "the README links no documentation page"
    assert [link for link in links if not (REPO / link).is_file()] == []


def test_quick_start_is_exactly_the_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    assert block.group(1).split("\n")[:-1] == ["make demo", "make test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)


def test_make_test_fast_runs_the_tests_not_marked_slow(pytestconfig) -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
    assert '$(BIN)/pytest -q -m "not slow"' in recipe
    assert [m for m in pytestconfig.getini("markers") if m.startswith("slow:")]
    assert "--strict-markers" in pytestconfig.getini("addopts")  # a misspelt mark fails
    assert "`make test-fast`" in README.split("## Development", 1)[1]


def test_every_docs_page_is_linked_from_the_readme() -> None:
    pages = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "docs").glob("*.md"))
    assert [page for page in pages if page not in README] == []


# --- every claim true: the table of commands, --vault, --json, --today -------------------------


def _command(words: list[str]) -> click.Command:
    command: click.Command = main
    for word in words:
        assert isinstance(command, click.Group), words
        command = command.commands[word]
    return command


def _options(command: click.Command) -> set[str]:
    return {opt for param in command.params if isinstance(param, click.Option)
            for opt in param.opts}


def _leaf_commands(group: click.Group = main, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if command.hidden:
            continue
        if isinstance(command, click.Group):
            yield from _leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def _table_rows() -> list[str]:
    section = README.split("## Using it", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines()
            if line.startswith("| `") and not line.startswith("| command")]


def test_every_option_in_the_readmes_table_is_one_the_command_has() -> None:
    rows = _table_rows()
    assert len(rows) >= 10
    wrong = []
    for row in rows:
        cell = row.split(" | ", 1)[0].removeprefix("| ")
        for code in re.findall(r"`([^`]+)`", cell):
            tokens = code.replace("\\|", "|").replace("[", " ").replace("]", " ").split()
            words = [t for t in tokens if t[:1].islower()]
            options = [t for t in tokens if t.startswith("-")]
            *parents, last = words
            for word in last.split("|"):
                command = _command([*parents, word])
                wrong += [f"{code}: {opt}" for opt in options if opt not in _options(command)]
    assert wrong == []


def test_the_readme_says_truly_which_commands_take_vault_json_and_today() -> None:
    takes = {flag: sorted({" ".join(words[:1]) for words, command in _leaf_commands()
                           if flag in _options(command)})
             for flag in ("--vault", "--json", "--today")}
    for flag in ("--json", "--today"):
        line = re.search(rf"^- `{flag}[^`]*` \([^)]*\): (.*)\.$", README, re.MULTILINE)
        assert line is not None, flag
        assert sorted(re.findall(r"`([^`]+)`", line.group(1))) == takes[flag], flag
    everything = sorted({words[0] for words, _ in _leaf_commands()})
    assert "Every command but `init` takes `--vault PATH`" in README
    assert [name for name in everything if name not in takes["--vault"]] == ["init"]
    # options go after the command: the group itself takes no --vault
    assert "--vault" not in _options(main)
    assert "Options go after the command's name." in README


# --- the README's "Using it" walkthrough, command by command ----------------------------------


def _walkthrough() -> list[list[str]]:
    section = README.split("## Using it", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the Using it section has no sh block"
    return [shlex.split(line, comments=True) for line in block.group(1).splitlines()
            if line.strip()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200 and b"<html" in response.read(4096).lower()
    except OSError:
        return False


def _until_ready_then_stop(argv: list[str], cwd: Path, env: dict[str, str], ready,
                           log: Path) -> tuple[int, str]:
    """Start a long-running command, wait (generously) until `ready(output)` holds, then stop
    it as a user does with Ctrl-C; return its exit code and output. A command still running
    long after Ctrl-C fails the test with every thread's stack (`faulthandler`, on SIGABRT)."""
    env = {**env, "PYTHONFAULTHANDLER": "1"}
    with log.open("w+", encoding="utf-8") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                text=True)
        try:
            came = _wait_for(lambda: ready(log.read_text(encoding="utf-8")) or
                             proc.poll() is not None, timeout=180)
            assert came and proc.poll() is None, log.read_text(encoding="utf-8")
            proc.send_signal(signal.SIGINT)
            try:
                code = proc.wait(120)  # (a loaded machine: seconds; a hang: never)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGABRT)  # (its threads' stacks, into the log)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(10)
                raise AssertionError(f"`{shlex.join(argv)}` did not stop on Ctrl-C:\n"
                                     + log.read_text(encoding="utf-8")) from None
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return code, log.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_readmes_using_it_block_runs_command_by_command(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "vault-tools").is_file(), "run the tests with the virtualenv's python"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("VAULT_TOOLS_PASSWORD", None)
    commands = _walkthrough()
    assert [argv[:2] for argv in commands][:1] == [["vault-tools", "init"]]
    assert ["vault-tools", "serve"] in [argv[:2] for argv in commands]
    cwd = tmp_path
    for number, argv in enumerate(commands):
        if argv[0] == "cd":
            cwd = cwd / argv[1]
            assert cwd.is_dir(), argv
            continue
        assert argv[0] == "vault-tools", f"not a vault-tools command: {argv}"
        log = tmp_path / f"{number}.log"
        if argv[1] == "serve":
            port = _free_port()  # not 8000: the machine may be serving something there
            url = f"http://127.0.0.1:{port}/"
            code, output = _until_ready_then_stop(
                [*argv, "--port", str(port)], cwd, env, lambda _, url=url: _answers(url), log)
        elif argv[1] == "watch":
            code, output = _until_ready_then_stop(
                argv, cwd, env, lambda text: "watching " in text, log)
            assert "Stopped after " in output
        else:
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                                  timeout=300, check=False)
            code, output = done.returncode, done.stdout + done.stderr
        assert code == 0, f"`{shlex.join(argv)}` failed ({code}):\n{output}"
    notes = tmp_path / "my-vault" / "notes"
    assert (notes / "contacts" / "Jane Doe.md").is_file()
    assert (notes / "interviews" / "2026-12-03 Jane Doe.md").is_file()


# --- make test for anyone: the browser is found by name, or the browser tests are skipped ----


def _executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_the_browser_is_found_by_name_on_path(tmp_path: Path) -> None:
    assert find_browser(path=str(tmp_path)) is None
    chrome = _executable(tmp_path, "google-chrome-stable")
    assert find_browser(path=str(tmp_path)) == str(chrome)
    chromium = _executable(tmp_path, "chromium")
    assert find_browser(path=str(tmp_path)) == str(chromium)  # the OS's Chromium first


def test_make_tests_browser_step_never_fails_without_a_browser(tmp_path: Path) -> None:
    # No browser and no apt-get on PATH: nothing to install, one line says why, exit 0.
    done = subprocess.run([sys.executable, "-m", "tests.browsers"], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, "PATH": str(tmp_path)}, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"browser tests will be skipped: {SKIP_REASON}\n"
    recipe = (REPO / "Makefile").read_text(encoding="utf-8").split("\ntest:", 1)[1]
    recipe = recipe.split("\n\n", 1)[0]
    assert "$(BIN)/python -m tests.browsers" in recipe
    # the only install happens inside that step (as root, with apt-get), never as a bare line
    assert "apt-get" not in recipe and "/usr/bin/chromium" not in recipe


@pytest.mark.slow
def test_without_a_browser_the_browser_tests_are_skipped_with_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-ra", "-p", "no:cacheprovider",
         "tests/test_browser.py"],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "PATH": str(tmp_path)},
    )
    assert done.returncode in (0, 5), done.stdout + done.stderr  # 5: no test ran
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, done.stdout
    assert skipped[0].endswith(SKIP_REASON)
