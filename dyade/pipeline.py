"""Build orchestration: check, run the writers into a staging folder, and
move the results into place only when everything succeeded."""
from __future__ import annotations

import importlib
import os
import shutil
import time
from pathlib import Path
from typing import Callable

from . import sources
from .errors import BuildError
from .model import Model

# Writers in the order they run; the site comes last because it publishes
# the documents the others made.  A writer is `write(model, staging, log)`
# where staging holds `dist/` and `site/`.
WRITERS = [
    ("DOCX forms", "dyade.writers.docx"),
    ("PDF handouts", "dyade.writers.pdf"),
    ("website", "dyade.writers.site"),
]
OUTPUT_DIRS = ("dist", "site")
STAGING = ".dyade-staging"


def available_writers() -> list[tuple[str, Callable]]:
    found = []
    for label, module_name in WRITERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # this writer does not exist yet
            raise
        found.append((label, module.write))
    return found


def build(root: Path, log: Callable[[str], None]) -> Model:
    """Check and build everything; raise SourceErrors or BuildError."""
    root = Path(root).resolve()
    started = time.monotonic()
    log("Checking the sources…")
    model = sources.load(root)
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    for name in OUTPUT_DIRS:
        (staging / name).mkdir(parents=True)
    try:
        for label, write in available_writers():
            log(f"Writing the {label}…")
            write(model, staging, log)
        _swap_into_place(root, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"Done in {time.monotonic() - started:.1f} s.")
    return model


def _swap_into_place(root: Path, staging: Path) -> None:
    """Replace site/ and dist/ by the staged ones.

    Each folder is swapped with two renames, so at any moment either the old
    or the new complete folder is in place (a leftover `.old` from a killed
    build is cleaned up by the next one).
    """
    for name in OUTPUT_DIRS:
        target, new, old = root / name, staging / name, root / f".{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)
