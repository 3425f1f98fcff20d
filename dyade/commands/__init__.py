"""The commands of `dyade` (and `build.py`), one module each, as mkdocs
does.  Each module gives `HELP` (one line for --help), `add_arguments(parser)`
for its own options and `run(args, root, log) -> exit status`; `dyade.cli`
parses the command line, picks the module and turns the errors every
command may meet into plain messages."""
from __future__ import annotations

import importlib

# The first is the default command.
NAMES = ("build", "check", "collect", "new", "schema", "serve", "translate")


def load(name: str):
    return importlib.import_module(f"{__name__}.{name}")
