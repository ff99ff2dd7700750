"""Benchmark: our numpy Gi* against esda.G_Local(transform='B', star=True) on ~100k cells.

Run with ``.venv/bin/python bench/bench_gistar.py``. It prints the grid size, the median of
several timings for each implementation, the speed ratio and the largest z-score difference.
esda and libpysal are dev-only dependencies.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.analytics.estimation.hotspots import gi_star, lattice_neighbors  # noqa: E402

ROWS, COLUMNS = 316, 317  # 100 172 cells, rook contiguity
REPETITIONS = 7
SEED = 20240301


def _median_seconds(function: Callable[[], object], repetitions: int = REPETITIONS) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repetitions):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def main() -> None:
    from esda import G_Local
    from libpysal.weights import fill_diagonal, lat2W

    values = np.random.default_rng(SEED).poisson(2.0, ROWS * COLUMNS).astype(np.float64)

    start = time.perf_counter()
    adjacency = lattice_neighbors(ROWS, COLUMNS)
    ours_build = time.perf_counter() - start
    start = time.perf_counter()
    weights = lat2W(ROWS, COLUMNS, rook=True)
    esda_build = time.perf_counter() - start

    ours_seconds, ours = _median_seconds(lambda: gi_star(values, adjacency))

    def run_esda(w: object) -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return G_Local(values, w, transform="B", star=True, permutations=0)

    # As a caller would: esda adds the self-weights to the plain contiguity W on each call.
    esda_seconds, reference = _median_seconds(lambda: run_esda(weights))
    # esda's core alone: self-weights already on the diagonal, so G_Local skips fill_diagonal.
    weights_with_self = fill_diagonal(weights, 1)
    esda_core_seconds, _ = _median_seconds(lambda: run_esda(weights_with_self))
    difference = float(np.max(np.abs(ours.z - reference.Zs)))

    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()} {platform.system()}")
    print(f"grid: {ROWS}x{COLUMNS} rook lattice = {ROWS * COLUMNS} cells, {adjacency.indices.size} weights incl. self")
    print(f"weights build: ours {ours_build * 1000:.1f} ms, libpysal lat2W {esda_build * 1000:.1f} ms")
    print(f"gi_star (z, two-sided p, BH FDR, bins), median of {REPETITIONS}: {ours_seconds * 1000:.1f} ms")
    print(f"esda.G_Local(transform='B', star=True, permutations=0), median: {esda_seconds * 1000:.1f} ms")
    print(f"  same, W already holding self-weights: {esda_core_seconds * 1000:.1f} ms")
    print(f"speed ratio esda/ours: {esda_seconds / ours_seconds:.1f}x", end="")
    print(f" ({esda_core_seconds / ours_seconds:.1f}x against the core)")
    print(f"max |z_ours - z_esda|: {difference:.2e}")


if __name__ == "__main__":
    main()
