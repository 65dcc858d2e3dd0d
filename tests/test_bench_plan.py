"""What the default benchmark run measures (benchmarks/run.py: `Plan.make`). Issue #22: every
budget against its peer within the default run's 15 minutes; the tools a user could use
instead, which no budget is measured against, only when asked (`--all-peers`): they took a
minute and a half of it at 1,000 notes alone."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import run  # noqa: E402


def test_the_default_run_leaves_the_reference_peers_to_all_peers() -> None:
    plan = run.Plan.make(smoke=False, runs=None)
    assert not plan.reference_peers
    assert plan.obsidian_sizes == ()
    assert all(not sizes for sizes in plan.plugin_runs.values()), plan.plugin_runs


def test_the_default_run_still_measures_every_budget_row() -> None:
    plan = run.Plan.make(smoke=False, runs=None)
    # Every shape's cold build at 1,000 notes and the generator's at 5,000, against plain
    # Material in the same run; fill, first fill, serve and memory at their sizes.
    assert set(plan.build_cases) == {(shape, 1000) for shape in run.SHAPES} | {
        ("generator", 5000)}
    assert 5000 in plan.fill_sizes and 5000 in plan.first_fill_sizes
    assert plan.serve_sizes == (5000,) and max(plan.memory_sizes) == 10000
    assert plan.scale is None  # the 20,000-note rows: --large


def test_all_peers_adds_every_reference_peer() -> None:
    plan = run.Plan.make(smoke=False, runs=None, all_peers=True)
    assert plan.reference_peers
    assert plan.obsidian_sizes == (1000, 5000)
    assert plan.plugin_runs == {"roamlinks": {1000: 1}, "ezlinks": {1000: 2, 5000: 1}}


def test_the_site_markdown_reference_renders_what_the_site_renders(tmp_path: Path) -> None:
    """The reference beside the cold build's peer renders the notes with the very Markdown
    extensions, and options, a vault's site is built with: MkDocs' defaults and the ones
    `mkdocs_setup.adjust` adds. It builds the prepared vault's notes from a configuration of
    its own, writing nothing into that vault."""
    import yaml
    from mkdocs.config import defaults

    from vault_tools.site.mkdocs_setup import OBSIDIAN_MARKDOWN

    root = tmp_path / "vault"
    (root / "notes").mkdir(parents=True)
    (root / "mkdocs-small-nav.yml").write_text(
        "site_name: Plain build, small nav\ndocs_dir: notes\nsite_dir: site-plain\n"
        "theme:\n  name: material\nnav:\n  - Home: index.md\nplugins:\n  - search\n",
        encoding="utf-8")
    before = sorted(p.name for p in root.iterdir())
    config = yaml.safe_load(run.site_markdown_config(root, tmp_path).read_text("utf-8"))
    assert sorted(p.name for p in root.iterdir()) == before

    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        names.append(name)
        if isinstance(entry, dict):
            options[name] = entry[name]
    default = list(defaults.MkDocsConfig.markdown_extensions.builtins)  # toc, tables, fenced_code
    assert names == default + [name for name, _ in OBSIDIAN_MARKDOWN]
    assert options == {name: opts for name, opts in OBSIDIAN_MARKDOWN if opts}
    assert config["docs_dir"] == str(root / "notes")
    assert Path(config["site_dir"]).parent == tmp_path
    assert config["nav"] == [{"Home": "index.md"}] and config["theme"] == {"name": "material"}
