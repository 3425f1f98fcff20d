"""`dyade schema`: write the JSON Schemas of the sources into schema/."""
from __future__ import annotations

from pathlib import Path

from .. import schema

HELP = "write the JSON Schema of the sources into schema/"


def add_arguments(parser) -> None:
    pass


def run(args, root: Path, log) -> int:
    schema.write_schemas(root, log)
    print(f"JSON Schemas written to {root / 'schema'}")
    return 0
