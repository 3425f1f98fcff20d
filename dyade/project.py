"""Which project a command works on: the nearest folder, the current one or
above it, that holds content/programme.yml (`--root` names another).  The
programme bundled with Dyade is never taken by default."""
from __future__ import annotations

from pathlib import Path

PROGRAMME_FILE = Path("content") / "programme.yml"


def find_project(start: Path) -> Path | None:
    """The nearest folder, `start` or above it, that holds
    content/programme.yml; None when there is none."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / PROGRAMME_FILE).is_file():
            return folder
    return None


def no_project(start: Path) -> str:
    """What to say when there is none."""
    return (f"No Dyade project here: neither {start} nor any folder above it holds content/programme.yml. "
            "Run the command inside a project folder, name one with --root DIR, or start one with "
            "'dyade new DIR'.")
