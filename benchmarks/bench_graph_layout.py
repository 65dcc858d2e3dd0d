"""The Network page's layout on a generated vault: CPU time of `graph_layout.layout`.

    python benchmarks/bench_graph_layout.py [--notes 5000] [--seed 1] [--runs 5]

The layout runs in every `build` (and in `serve` when the graph changed), so it has to stay a
small part of the build budget (DESIGN §11: a build of 5,000 notes within 1.15x plain
`mkdocs build`, about 13 s). It prints the graph's size and the best and median CPU time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_check import DEFAULT_CACHE, ensure_vault  # noqa: E402

from vault_tools.site.graph_layout import layout  # noqa: E402
from vault_tools.vault import find_vault, load_index  # noqa: E402
from vault_tools.views.common import SiteView  # noqa: E402
from vault_tools.views.network import network_graph  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root, _ = ensure_vault(DEFAULT_CACHE, args.notes, args.seed)
    view = SiteView(load_index(find_vault(root)))
    nodes, edges = network_graph(view)
    ids = [n.id for n in nodes]
    pairs = [(e.source, e.target) for e in edges]
    times = []
    for _ in range(args.runs):
        started = time.process_time()
        positions = layout(ids, pairs)
        times.append(time.process_time() - started)
    assert len(positions) == len(ids)
    print(f"{args.notes} notes: {len(ids)} nodes, {len(edges)} edges; layout CPU time "
          f"best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
