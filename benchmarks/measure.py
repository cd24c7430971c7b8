"""Timing and summarising: percentiles per run, medians across runs (DESIGN.md §9)."""

import statistics
import time
from collections.abc import Callable, Iterable


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    if len(samples_ms) < 2:
        raise ValueError("percentiles need at least two samples")
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 2),
        "p95": round(cuts[94], 2),
        "p99": round(cuts[98], 2),
        "mean": round(statistics.fmean(samples_ms), 2),
        "n": len(samples_ms),
    }


def timed(call: Callable, items: Iterable) -> list[float]:
    """Milliseconds each call(item) took, in order."""
    samples = []
    for item in items:
        started = time.perf_counter()
        call(item)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def median_of_runs(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each percentile's median over the runs: one noisy run does not decide the figure."""
    keys = ("p50", "p95", "p99", "mean")
    summary = {key: round(statistics.median(run[key] for run in runs), 2) for key in keys}
    summary["runs"] = len(runs)
    return summary


def measure_runs(call: Callable, items: list, *, runs: int, warmup: int) -> dict:
    """Warm up on the first `warmup` items, then time every item `runs` times over."""
    for item in items[:warmup]:
        call(item)
    per_run = [percentiles(timed(call, items)) for _ in range(runs)]
    return {**median_of_runs(per_run), "per_run": per_run}
