"""`dyade check`: read and check every source, list the problems; build
nothing.  It also writes the JSON Schemas the sources' `$schema=` lines
point to when schema/ lacks them, and says what it would warn about."""
from __future__ import annotations

import sys
from pathlib import Path

from .. import schema, sources

HELP = "only validate the sources"


def add_arguments(parser) -> None:
    pass


def summary(model) -> str:
    """"0 problems: 1 chapter, 2 forms (14 fields)…" in the programme's first language."""
    lang = model.languages[0]

    def count(key: str, n: int) -> str:
        return model.count(key, n, lang)

    fields = sum(len(f.input_fields()) for f in model.forms)
    items = [count("count_chapters", len(model.chapters)),
             f"{count('count_forms', len(model.forms))} ({count('count_fields', fields)})",
             count("count_annexes", len(model.annexes)),
             count("count_workshops", len(model.workshops)),
             count("count_flashcards", len(model.flashcards.cards) if model.flashcards else 0),
             count("count_terms", len(model.glossary.terms) if model.glossary else 0),
             count("count_milestones", len(model.programme.calendar))]
    return model.ui("check_summary", lang).format(items=", ".join(items),
                                                   languages=count("count_languages", len(model.languages)),
                                                   codes=", ".join(model.languages))


def write_missing_schemas(root: Path, log) -> list[Path]:
    """The schemas of schema/ that are missing, written (existing ones are left as they are)."""
    written = schema.write_schemas(root, lambda msg: None, only_missing=True)
    if written:
        names = ("schema/" if len(written) == len(schema.kinds()) else
                 ", ".join(p.relative_to(root).as_posix() for p in written))
        log(f"Wrote the missing JSON Schemas into {names} (the $schema= line at the top of each source points "
            "to them: your editor then completes and checks as you type).")
    return written


def run(args, root: Path, log) -> int:
    write_missing_schemas(root, log)
    model = sources.load(root)
    for warning in model.warnings:
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    print(summary(model))
    return 0
