"""`dyade build --timings`: the CPU time of a build by stage.  What is
checked is where the seconds are put, never how many there are (the
benchmark measures speed)."""
from __future__ import annotations

import re

import pytest

from conftest import run_dyade
from dyade import cputime


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_each_second_counts_for_the_innermost_stage(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(cputime, "now", clock)
    meter = cputime.Meter()
    clock.t = 1.0                       # before any stage: the rest
    with meter.stage("typst"):
        clock.t = 3.0                   # 2 s of typst planning
        with meter.stage("markdown"):
            clock.t = 7.0               # 4 s of pandoc inside it
        clock.t = 8.0                   # 1 s more of typst
    meter.add("docx", 0.5)              # a worker's task
    with meter.ignored():
        clock.t = 20.0                  # reaping workers: already counted
    clock.t = 20.25
    assert meter.result() == {"sources": 0.0, "markdown": 4.0, "typst": 3.0, "docx": 0.5, "website": 0.0,
                              "rest": 1.25}


def test_an_unknown_stage_is_a_programming_error():
    with pytest.raises(ValueError):
        with cputime.Meter().stage("coffee"):
            pass


def figures(stdout: str) -> dict[str, float]:
    line = next(text for text in stdout.splitlines() if text.startswith("CPU time by stage"))
    return {name: float(re.search(re.escape(words) + r" ([\d.]+) s", line).group(1))
            for name, words in cputime.STAGES.items()}


def test_a_build_prints_its_cpu_time_by_stage_and_a_noop_costs_none(project):
    result = run_dyade(project, "--quiet", "--timings")
    assert result.returncode == 0, result.stderr
    clean = figures(result.stdout)
    # a clean build reads, converts and renders every kind of output
    assert all(clean[name] > 0 for name in ("sources", "markdown", "typst", "docx", "website")), clean
    again = run_dyade(project, "--quiet", "--timings")
    assert sum(figures(again.stdout).values()) < 0.1 * sum(clean.values())
    plain = run_dyade(project, "--quiet")
    assert "CPU time by stage" not in plain.stdout


def test_a_worker_hands_back_the_memory_its_task_freed():
    """After a task, its worker returns freed heap to the system (glibc's
    malloc_trim): without it, a worker that laid out a guide keeps a few
    hundred megabytes it no longer uses until it ends."""
    import subprocess
    import sys
    script = r'''
import sys
from dyade import cputime

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

def task():
    # 1 KB blocks come from malloc (not Python's small-object arenas); the
    # last one stays alive above the others, so the heap cannot just shrink.
    blocks = [bytes(1000) + bytes([i % 256]) for i in range(150_000)]
    keep = blocks[-1]
    del blocks
    return keep, rss()

(keep, before), _ = cputime.measured(task)
print(before - rss())
'''
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    given_back = int(done.stdout)
    assert given_back > 100e6, f"only {given_back / 1e6:.0f} MB of the 150 MB freed went back to the system"
