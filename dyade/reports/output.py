"""Writing a report file so that a failure never leaves half of it: each
file is written beside its place and moved in when complete."""
from __future__ import annotations

import os
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.part")
    try:
        with open(temporary, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
