"""Where a build's CPU time goes, by stage (`dyade build --timings`, and the
benchmark's breakdown).

CPU time, not wall time: the workers run side by side, so their wall times
overlap and say nothing of the cost of each part.  A stage's time is that of
this process and of the programs it ran and waited for (pandoc, Pagefind):
`stage()` blocks nest, and each second counts for the innermost one.  The
engine adds what each task cost in its worker (`measured`) to its writer's
stage; whatever this process did outside any stage is "rest".
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
try:
    import resource
except ImportError:  # Windows: no getrusage
    resource = None
import time
from collections import defaultdict
from typing import Callable

# Stages in the order they are printed, with the words that print them.
STAGES = {
    "sources": "reading the sources",
    "markdown": "Markdown conversion (pandoc)",
    "typst": "PDF (typst)",
    "docx": "DOCX",
    "website": "website (mkdocs, Pagefind)",
    "rest": "the rest",
}


def now() -> float:
    """CPU seconds of this process and of its children it has waited for
    (on Windows, of this process only: the programs it runs go uncounted)."""
    if resource is None:
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Meter:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._stack: list[str] = []
        self._since = now()

    def _settle(self) -> None:
        t = now()
        self.seconds[self._stack[-1] if self._stack else "rest"] += t - self._since
        self._since = t

    @contextlib.contextmanager
    def stage(self, name: str):
        if name not in STAGES:
            raise ValueError(f"unknown stage {name!r}")
        self._settle()
        self._stack.append(name)
        try:
            yield
        finally:
            self._settle()
            self._stack.pop()

    @contextlib.contextmanager
    def ignored(self):
        self._settle()
        try:
            yield
        finally:
            self._since = now()

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name if name in STAGES else "rest"] += seconds

    def result(self) -> dict[str, float]:
        self._settle()
        return {name: round(self.seconds.get(name, 0.0), 3) for name in STAGES}


# The meter of the build in progress in this process; a new one per build.
_METER = Meter()


def start() -> Meter:
    global _METER
    _METER = Meter()
    return _METER


def stage(name: str):
    """`with cputime.stage("markdown"): …`: what follows counts for that stage."""
    return _METER.stage(name)


def ignored():
    """What follows counts for no stage (reaping workers already counted)."""
    return _METER.ignored()


def add(name: str, seconds: float) -> None:
    _METER.add(name, seconds)


def measured(run: Callable, *args) -> tuple[object, float]:
    """`run(*args)` and the CPU seconds it took (in a worker: the task's cost).
    The worker then hands back the memory the task freed: a guide's typst
    layout leaves some hundred megabytes in glibc's free lists otherwise,
    held until the worker ends, while the next task needs far less."""
    before = now()
    try:
        return run(*args), now() - before
    finally:
        _give_back_memory()


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (macOS,
    Windows, musl): then nothing is given back early, which is only slower
    to shrink, never wrong."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def _give_back_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def summary(seconds: dict[str, float]) -> str:
    total = sum(seconds.values())
    parts = [f"{STAGES[name]} {value:.1f} s" for name, value in seconds.items() if name in STAGES]
    return f"CPU time by stage ({total:.1f} s in all): " + ", ".join(parts)
