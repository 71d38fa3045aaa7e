"""A command's wall time and its own peak memory.

``resource.getrusage(RUSAGE_CHILDREN)`` in the benchmark itself would report the benchmark's
size: a child forked from a process holding gigabytes of test data counts those pages as its
own until it execs. So the command is started from a small launcher process, which reports its
child's peak on the last line of its standard error.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'peak-kib={peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Seconds, peak resident memory (GiB) and standard output of one run of ``argv``."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *argv], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    *errors, last = done.stderr.rstrip("\n").split("\n")
    if done.returncode or not last.startswith("peak-kib="):
        raise RuntimeError(f"{argv[:3]} failed ({done.returncode}): {''.join(errors)[-2000:]}")
    return seconds, int(last.removeprefix("peak-kib=")) / 1024 / 1024, done.stdout


def median_run(
    argv: list[str], repeat: int, env: dict[str, str] | None = None
) -> tuple[float, float, str]:
    """The median time of ``repeat`` runs, the largest peak, the last run's output."""
    samples, peak, out = [], 0.0, ""
    for _ in range(repeat):
        seconds, gib, out = run(argv, env)
        samples.append(seconds)
        peak = max(peak, gib)
    return statistics.median(samples), peak, out
