"""Tiny benchmark harness: medians of repeated runs, reported as a ratio to a baseline.

Every figure is measured against a baseline taken in the same run, so a slow or busy machine
moves both sides and the ratio stays meaningful. Nothing here asserts; it reports.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    ours: float
    baseline: float
    unit: str
    target_ratio: float | None = None
    limit: float | None = None  # an absolute ceiling on ours, in the same unit

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("inf")

    @property
    def ok(self) -> bool:
        within_ratio = self.target_ratio is None or self.ratio <= self.target_ratio
        within_limit = self.limit is None or self.ours <= self.limit
        return within_ratio and within_limit

    def line(self) -> str:
        target = f"target <= {self.target_ratio}x" if self.target_ratio else "no target"
        if self.limit is not None:
            target += f", <= {self.limit:g} {self.unit}"
        verdict = "ok" if self.ok else "MISSED"
        return (
            f"{self.name:<48} ours {self.ours:10.3f} {self.unit:<3} "
            f"baseline {self.baseline:10.3f} {self.unit:<3} ratio {self.ratio:5.2f}x "
            f"({target}) {verdict}"
        )


def median_seconds(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of fn() in seconds, after warm-up runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
