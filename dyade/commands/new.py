"""`dyade new DIR`: write a small complete project that checks and builds
at once (`--example`: a copy of the bundled programme instead).  The
organisation's name, short name and languages come from --name,
--short-name and --languages, or are asked for on a terminal."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
from pathlib import Path

from .. import safety, schema, sources, starter
from ..errors import UsageError

HELP = "write a new project in a folder (--name, --short-name, --languages; --example copies the bundled one)"
NEEDS_PROJECT = False  # it makes one
TAKES_FOLDER = True
MAX_NAME = 200


def add_arguments(parser) -> None:
    parser.add_argument("--name", default=None, help="new: the organisation's full name")
    parser.add_argument("--short-name", default=None, help="new: its short name or acronym")
    parser.add_argument("--languages", default=None, metavar="en,fr,es",
                        help="new: the languages, separated by commas, the first being the site's default")
    parser.add_argument("--example", action="store_true", help="new: copy the bundled programme instead")


def _clean_name(value: str, what: str, option: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise UsageError(f"the {what} is empty: give it with {option} \"…\"")
    if len(value) > MAX_NAME:
        raise UsageError(f"the {what} has {len(value)} characters: give at most {MAX_NAME} with {option}")
    if sources.INVISIBLE_RE.search(value) or safety.bidi_control(value):
        raise UsageError(f"the {what} holds an invisible control character: type it again with {option}")
    if "{" in value or "}" in value:
        raise UsageError(f"the {what} holds a brace, which the texts would read as a placeholder: "
                         f"give it without {{ or }} with {option}")
    return value


def _languages(value: str) -> list[str]:
    langs = [v.strip() for v in value.split(",") if v.strip()]
    if not langs:
        raise UsageError("no language given: write them separated by commas, e.g. --languages en,fr,es")
    for lang in langs:
        if not sources.LANG_RE.fullmatch(lang):
            raise UsageError(f"'{lang}' is not a language code: write two or three lower-case letters, "
                             "e.g. --languages en,fr,es")
    if len(set(langs)) != len(langs):
        raise UsageError(f"a language is given twice in '{value}': give each once, e.g. --languages en,fr,es")
    return langs


def _ask(question: str) -> str:
    print(question, end=" ", flush=True)
    line = sys.stdin.readline()
    if not line:
        raise UsageError("no answer (end of input): give the values with --name, --short-name and --languages")
    return line.strip()


def run(args, root, log) -> int:
    if args.folder is None:
        raise UsageError("say which folder to create, for example: dyade new mentoring/")
    folder = Path(args.folder).expanduser().resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not empty: give a new folder (or an empty one), "
                         "so that nothing of yours is overwritten")
    source = starter.dyade_source()
    if args.example:
        given = [o for o, v in (("--name", args.name), ("--short-name", args.short_name),
                                ("--languages", args.languages)) if v is not None]
        if given:
            raise UsageError(f"--example copies the bundled programme as it is: leave out {', '.join(given)}")
        with _aside(folder) as staging:
            starter.copy_example(staging, source)
            schema.write_schemas(staging, lambda msg: None)
        _done(folder, source, log)
        return 0

    name, short, langs = args.name, args.short_name, args.languages
    missing = [o for o, v in (("--name", name), ("--short-name", short), ("--languages", langs)) if v is None]
    if missing and not sys.stdin.isatty():
        raise UsageError(f"missing {', '.join(missing)} (nothing can be asked: the input is not a terminal); "
                         'for example: dyade new mentoring --name "Northside Hospital" --short-name NSH '
                         "--languages en,fr,es")
    if name is None:
        name = _ask("The organisation's full name:")
    name = _clean_name(name, "organisation's name", "--name")
    if short is None:
        short = _ask("Its short name or acronym:")
    short = _clean_name(short, "short name", "--short-name")
    if langs is None:
        langs = _ask("Languages, separated by commas, the first being the site's default (e.g. en,fr,es):")
    langs = _languages(langs)

    bundled = sources.shipped_strings()
    with _aside(folder) as staging:
        told = starter.write(staging, name, short, langs, bundled, dt.date.today(), source)
        schema.write_schemas(staging, lambda msg: None)
    for lang in told["lacking"]:
        print(f"Note: Dyade has no interface text in '{lang}' yet: templates/strings.yml holds the English text "
              f"for it, each line marked '{starter.TO_TRANSLATE}'; translate those lines.", flush=True)
    others = [lang for lang in langs if lang not in starter.WRITTEN_IN]
    if others:
        print(f"Note: the starter's texts are written in {', '.join(starter.WRITTEN_IN)} only: in "
              f"{', '.join(others)} they are the English text, each marked '{starter.TO_TRANSLATE}'; "
              "translate them (or replace them with your own).", flush=True)
    _done(folder, source, log)
    return 0


@contextlib.contextmanager
def _aside(folder: Path):
    """A folder beside `folder` to write the project into, renamed to
    `folder` once complete: a failed or interrupted `new` leaves no half
    project (and the empty folder, if it was there, as it was)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.dyade-new-{os.getpid()}")
    staging.mkdir()
    try:
        yield staging
        if folder.exists():
            folder.rmdir()  # empty, checked above
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _done(folder: Path, source: str, log) -> None:
    if source == starter.UNKNOWN_SOURCE:
        print("Note: before publishing on GitHub Pages, set DYADE at the top of .github/workflows/pages.yml to the "
              "address of the Dyade repository your organisation uses.", flush=True)
    print(f"New project written to {folder}. Next: cd {folder}, then dyade check, dyade serve, dyade build "
          "(README.md says what each file is).", flush=True)
