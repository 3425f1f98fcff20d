"""Command line: `dyade [build|check|collect|new|schema|serve|translate] [FOLDER] [FILE] [--root DIR] [--quiet]`;
each command is a module of `dyade.commands`.  Every command but `new` works on a project: the
folder --root names, or the nearest one holding content/programme.yml from the current folder up."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import commands
from .project import find_project, no_project
from .errors import BuildError, SourceErrors, UsageError


def _parser(modules: dict) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dyade", description="Build the mentoring programme's site, DOCX forms and PDF handouts.")
    p.add_argument("command", nargs="?", default=commands.NAMES[0], choices=list(modules),
                   help="; ".join(f"{name}: {module.HELP}" for name, module in modules.items()))
    p.add_argument("--root", type=Path, default=None,
                   help="project folder (default: the nearest folder, the current one or above it, that holds "
                        "content/programme.yml)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the project folder, problems, warnings and the final line")
    p.add_argument("folder", nargs="?", default=None, metavar="FOLDER",
                   help="collect: the folder holding the returned forms (sub-folders too); new: the folder to create; "
                        "translate: export or import")
    p.add_argument("file", nargs="?", default=None, metavar="FILE", help="translate import: the XLIFF file to import")
    for module in modules.values():
        module.add_arguments(p)
    return p


def _report(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    n = len(problems)
    print(f"{n} problem{'s' if n != 1 else ''} found; nothing was built.", file=sys.stderr)


def _quiet_log(msg: str) -> None:
    # --quiet silences progress, not what the user should act on.
    if msg.lstrip().startswith(("warning:", "Note:")):
        print(msg.strip(), file=sys.stderr, flush=True)


def _tolerant_output() -> None:
    """A console that cannot show a character (Windows' legacy code pages
    have no « » or …) prints a "?" for it rather than stopping the command."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: list[str] | None = None) -> int:
    _tolerant_output()
    modules = {name: commands.load(name) for name in commands.NAMES}
    parser = _parser(modules)
    args = parser.parse_args(argv)
    module = modules[args.command]
    if args.folder is not None and not getattr(module, "TAKES_FOLDER", False):
        parser.error(f"'{args.folder}': only 'dyade collect', 'dyade new' and 'dyade translate' take a folder")
    if args.file is not None and not getattr(module, "TAKES_FILE", False):
        parser.error(f"'{args.file}': only 'dyade translate import' takes a file")
    if not getattr(module, "NEEDS_PROJECT", True):
        root = None
    elif args.root is not None:
        root = args.root.resolve()
    else:
        try:
            here = Path.cwd()
        except OSError:  # the current folder was deleted
            print("The current folder no longer exists: go to the project folder, or name it with --root DIR.",
                  file=sys.stderr)
            return 1
        root = find_project(here)
        if root is None:
            print(no_project(here), file=sys.stderr)
            return 1
    if root is not None:
        # Always said, --quiet too: which project a command used is never a guess.
        print(f"Project folder: {root}", flush=True)
    log = _quiet_log if args.quiet else (lambda msg: print(msg, flush=True))
    try:
        return module.run(args, root, log)
    except SourceErrors as exc:
        _report(exc.problems)
        return 1
    except UsageError as exc:
        print(f"dyade {args.command}: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"Build failed: {exc}", file=sys.stderr)
        print("The previous site/ and dist/ were left as they were.", file=sys.stderr)
        return 1
    except OSError as exc:
        # Disk full, permission denied, a folder locked by another program…
        where = f" ({exc.filename})" if exc.filename else ""
        if args.command == "new":
            print(f"Could not write the new project: {exc.strerror or exc}{where} — check the disk space and that "
                  "you may write there; nothing was written.", file=sys.stderr)
            return 1
        if args.command == "translate":
            print(f"Translate failed: {exc.strerror or exc}{where} — check the disk space and that you may write "
                  "there.", file=sys.stderr)
            return 1
        if args.command == "collect":
            print(f"Collect failed: {exc.strerror or exc}{where} — check the disk space and that you may write "
                  "there; the returned files were not touched.", file=sys.stderr)
            return 1
        print(f"Build failed: {exc.strerror or exc}{where} — check the disk space and that no other "
              "program holds these files; the previous site/ and dist/ were left as they were.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the previous site/ and dist/ were left as they were.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in Dyade: say so plainly, keep the details for whoever fixes it
        report = _save_details(root)
        print(f"Build failed: Dyade met an unexpected problem ({type(exc).__name__}: {exc}) — this is a fault in "
              f"Dyade, not in your sources; please send {report} to whoever maintains your Dyade. The previous "
              "site/ and dist/ were left as they were.", file=sys.stderr)
        return 1


def _save_details(root: Path | None) -> str:
    """Write the traceback of the exception being handled to
    .dyade/last-error.txt; that path (or "the message above")."""
    import traceback

    if root is None:
        return "this message"
    try:
        path = root / ".dyade" / "last-error.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(traceback.format_exc(), encoding="utf-8")
        return str(path)
    except OSError:
        return "this message"
