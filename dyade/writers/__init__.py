"""The writers: one module per kind of output, each exposing `WRITER`
(a `dyade.writers.base.Writer`).

The build engine plans them in this order and knows nothing else about
them; adding an output is one new module and one line here.  Modules are
imported only when a build needs them, so `check` and a no-op build stay
quick.
"""
from __future__ import annotations

import importlib

from .base import Writer

REGISTRY = (
    "docx",        # dist/<lang>/forms/*.docx
    "pdf",         # dist/<lang>/*.pdf
    "calendar",    # dist/<lang>/calendar.ics
    "site_index",  # site/index.html, the language chooser
    "site",        # site/<lang>/, once that language's documents are ready
)


def load() -> list[Writer]:
    writers = [importlib.import_module(f"{__name__}.{name}").WRITER for name in REGISTRY]
    names = {w.name for w in writers}
    for writer in writers:
        unknown = set(writer.needs) - names
        if unknown:
            raise RuntimeError(f"writer {writer.name!r} needs unknown writers {sorted(unknown)}")
    return writers
