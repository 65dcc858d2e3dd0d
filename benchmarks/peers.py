"""The peers `run.py` measures vault-tools against: the tools people would otherwise use.

They live in their own virtualenv, ``benchmarks/.peers/venv`` (git-ignored), never in the
project's dependencies. ``ensure_peers()`` creates it on first use and installs:

- ``mkdocs`` and ``mkdocs-material`` at exactly the versions the project's own environment
  has, so "plain MkDocs" differs from ``vault-tools build`` only by the ``vault`` plugin;
- the wikilink plugins ``mkdocs-roamlinks-plugin`` and ``mkdocs-ezlinks-plugin``;
- ``obsidiantools``, which indexes a vault (backlinks and a graph) in Python.

Each group is installed on its own, so a peer that cannot be installed here is reported as
missing (with pip's reason) while the others are still measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS_DIR = HERE / ".peers"
PEER_VENV = PEERS_DIR / "venv"

# Pinned to what was measured for docs/performance.md; a newer release is a new measurement.
OBSIDIANTOOLS = "obsidiantools==0.11.0"
ROAMLINKS = "mkdocs-roamlinks-plugin==0.3.2"
EZLINKS = "mkdocs-ezlinks-plugin==0.1.14"

# Peer name -> the distribution whose presence means the peer can run.
PEER_DISTRIBUTIONS = {
    "mkdocs": "mkdocs-material",
    "roamlinks": "mkdocs-roamlinks-plugin",
    "ezlinks": "mkdocs-ezlinks-plugin",
    "obsidiantools": "obsidiantools",
}

# Runs inside the peer venv: index the vault the way obsidiantools' README does.
OBSIDIANTOOLS_SCRIPT = """\
import pathlib, sys
import obsidiantools.api as otools
vault = otools.Vault(pathlib.Path(sys.argv[1])).connect().gather()
print(len(vault.md_file_index), vault.graph.number_of_edges())
"""

# The "small nav" of §11: a couple of entries, so the page count, not the nav, sets the cost.
SMALL_NAV = """\
nav:
  - Home: index.md
  - Follow-ups: Follow-ups.md
"""


@dataclass
class Peers:
    """What the peer virtualenv can run: ``versions`` of the installed peers and, for each peer
    that is missing, ``missing[name]`` = why."""

    python: Path | None
    versions: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """True when peer ``name`` (a key of ``PEER_DISTRIBUTIONS``) is installed."""
        return self.python is not None and name in self.versions

    def why_missing(self, name: str) -> str:
        """A short reason for the table when peer ``name`` cannot be run."""
        return self.missing.get(name, "not installed")

    @property
    def bin(self) -> Path:
        """The peer virtualenv's ``bin`` folder."""
        assert self.python is not None
        return self.python.parent


def _venv_python(path: Path) -> Path:
    return path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def project_pins() -> list[str]:
    """``mkdocs`` and ``mkdocs-material`` pinned to this interpreter's installed versions (the
    project's own environment), so both sides of the build comparison use the same MkDocs."""
    pins = []
    for dist in ("mkdocs", "mkdocs-material"):
        try:
            pins.append(f"{dist}=={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pins.append(dist)
    return pins


def _installed(python: Path) -> dict[str, str]:
    """Versions of the peer distributions installed in the venv of ``python``."""
    probe = (
        "import json, importlib.metadata as m\n"
        "out = {}\n"
        f"for d in {sorted(set(PEER_DISTRIBUTIONS.values()) | {'mkdocs'})!r}:\n"
        "    try: out[d] = m.version(d)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    proc = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {}
    return json.loads(proc.stdout)


def _pip_install(python: Path, specs: list[str]) -> str | None:
    """Install ``specs`` into the venv; None on success, else the last line pip printed."""
    proc = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *specs],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode == 0:
        return None
    lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
    errors = [ln for ln in lines if "ERROR" in ln]
    return (errors or lines or [f"pip exited with {proc.returncode}"])[-1].strip()


def ensure_peers(progress: Callable[[str], None], venv_dir: Path = PEER_VENV) -> Peers:
    """Create the peer virtualenv if needed, install whatever peer is missing, and say what can
    run. Never raises for a peer that cannot be installed: it is listed in ``missing``."""
    python = _venv_python(venv_dir)
    if not python.exists():
        progress(f"creating the peer virtualenv {venv_dir}")
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
        except (OSError, subprocess.CalledProcessError) as exc:
            reason = f"cannot create {venv_dir}: {exc}"
            return Peers(None, missing=dict.fromkeys(PEER_DISTRIBUTIONS, reason))
    wanted = {
        "mkdocs": project_pins(),
        "roamlinks": [ROAMLINKS],
        "ezlinks": [EZLINKS],
        "obsidiantools": [OBSIDIANTOOLS],
    }
    have = _installed(python)
    missing: dict[str, str] = {}
    for name, specs in wanted.items():
        satisfied = all(
            have.get(spec.split("==")[0]) == spec.split("==")[1] if "==" in spec else spec in have
            for spec in specs
        )
        if satisfied:
            continue
        progress(f"installing {' '.join(specs)} into the peer virtualenv")
        # The plugins need MkDocs and Material too; naming them keeps pip from upgrading them.
        extra = wanted["mkdocs"] if name in ("roamlinks", "ezlinks") else []
        error = _pip_install(python, specs + extra)
        if error:
            missing[name] = f"cannot be installed here: {error}"
    have = _installed(python)
    versions = {}
    for name, dist in PEER_DISTRIBUTIONS.items():
        if dist in have:
            versions[name] = have[dist]
        else:
            missing.setdefault(name, "not installed")
    return Peers(python, versions, missing)


def mkdocs_yml(site_dir: Path, *, small_nav: bool, plugin: str | None = None) -> str:
    """An ``mkdocs.yml`` for a plain Material build of ``notes/`` into ``site_dir``: with the
    small nav or MkDocs' default nav (one entry per page), plus an optional wikilink plugin."""
    plugins = ["search"] + ([plugin] if plugin else [])
    text = (
        "site_name: Peer build\n"
        "docs_dir: notes\n"
        f"site_dir: {json.dumps(str(site_dir))}\n"
        "theme:\n"
        "  name: material\n"
        "plugins:\n" + "".join(f"  - {p}\n" for p in plugins)
    )
    return text + (SMALL_NAV if small_nav else "")


def obsidiantools_command(peers: Peers, notes_dir: Path) -> list[str]:
    """The command that indexes ``notes_dir`` with obsidiantools (backlinks and graph)."""
    assert peers.python is not None
    return [str(peers.python), "-c", OBSIDIANTOOLS_SCRIPT, str(notes_dir)]


if __name__ == "__main__":  # `python benchmarks/peers.py`: install the peers and list them
    found = ensure_peers(lambda line: print(line, file=sys.stderr))
    for peer in PEER_DISTRIBUTIONS:
        status = found.versions.get(peer) or found.why_missing(peer)
        print(f"{peer:<14} {status}")
