"""What a writer is, for the build engine (`dyade.pipeline`), which loops
over the registry in `dyade.writers` and names no writer itself.

A writer turns the model into outputs.  It declares:
- `plan`: the tasks it would run, one per output file or folder, each keyed
  by what that output is made from (see `dyade.tasks`);
- `needs`: the writers whose outputs, in the same language, it reads.  Such
  a writer is planned once per language, when every task of those writers
  in that language has finished (the website offers the documents for
  download, so it is planned when they exist);
- a few optional hooks: the stage its CPU time counts for, notes for the log, the scratch folders it leaves
  in the staging folder, and whether worker processes may be forked after
  it ran in this process.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .. import model as m
from ..tasks import Context, Task

Log = Callable[[str], None]


def _no_notes(model: m.Model) -> list[str]:
    return []


def _fork_safe() -> bool:
    return True


@dataclass(frozen=True)
class Writer:
    name: str
    # plan(model, ctx, log, lang) -> tasks.  `lang` is None for a writer
    # with no `needs` (it plans every language at once), else the language
    # whose needed outputs are ready.
    plan: Callable[[m.Model, Context, Log, Optional[str]], list[Task]]
    needs: tuple[str, ...] = ()
    # Planning takes a while in this process (the PDF writer converts the
    # texts with pandoc): the engine hands the tasks already planned to the
    # workers first, so they are not left idle meanwhile.
    slow_to_plan: bool = False
    notes: Callable[[m.Model], list[str]] = _no_notes
    work_dirs: tuple[str, ...] = ()   # scratch folders in the staging folder, removed after the build
    # False once this writer has done something in this process that a
    # forked child would inherit broken (typst's thread pool).
    fork_safe: Callable[[], bool] = _fork_safe
    # Modules its tasks use, imported once before the workers are forked
    # rather than in every worker.
    preload: tuple[str, ...] = ()
    # The stage its CPU time counts for in `build --timings` (dyade.cputime.STAGES).
    stage: str = "rest"


def write_file(out: str, data: bytes, staging: Path) -> list[str]:
    """A task's `run` for an output whose bytes are known when planned."""
    target = Path(staging) / out
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return []
