"""`dyade check`: read and check every source, list the problems; build nothing."""
from __future__ import annotations

from pathlib import Path

from .. import sources

HELP = "only validate the sources"


def add_arguments(parser) -> None:
    pass


def summary(model) -> str:
    fields = sum(len(f.input_fields()) for f in model.forms)
    langs = ", ".join(model.languages)
    return (f"0 problems: {len(model.chapters)} chapters, {len(model.forms)} forms ({fields} fields), "
            f"{len(model.annexes)} annexes, {len(model.workshops)} workshops, in each of {len(model.languages)} "
            f"languages ({langs}).")


def run(args, root: Path, log) -> int:
    print(summary(sources.load(root)))
    return 0
