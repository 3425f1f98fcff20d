"""problems.txt: one plain line per file that could not be read and per
answer or name that needs a person's eye."""
from __future__ import annotations

from pathlib import Path

from .output import write_bytes


def write(collection, out: Path) -> list[str]:
    lines = collection.problems()
    write_bytes(out / "problems.txt", "".join(f"{line}\n" for line in lines).encode("utf-8"))
    return ["problems.txt"]
