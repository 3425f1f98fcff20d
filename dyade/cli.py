"""Command line: `dyade [build|check|collect|schema|serve] [--root DIR] [--quiet]`; each
command is a module of `dyade.commands`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import commands
from .errors import BuildError, SourceErrors, UsageError


def _default_root() -> Path:
    # The project folder is where the sources are: the current folder if it
    # has content/, else the folder of this checkout.
    cwd = Path.cwd()
    if (cwd / "content").is_dir():
        return cwd
    return Path(__file__).resolve().parent.parent


def _parser(modules: dict) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dyade", description="Build the mentoring programme's site, DOCX forms and PDF handouts.")
    p.add_argument("command", nargs="?", default=commands.NAMES[0], choices=list(modules),
                   help="; ".join(f"{name}: {module.HELP}" for name, module in modules.items()))
    p.add_argument("--root", type=Path, default=None, help="project folder (default: the current one)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems and the final line")
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


def main(argv: list[str] | None = None) -> int:
    modules = {name: commands.load(name) for name in commands.NAMES}
    parser = _parser(modules)
    args = parser.parse_args(argv)
    if getattr(args, "returned", None) is not None and args.command != "collect":
        parser.error(f"'{args.returned}': only 'dyade collect' takes a folder")
    root = (args.root or _default_root()).resolve()
    log = _quiet_log if args.quiet else (lambda msg: print(msg, flush=True))
    try:
        return modules[args.command].run(args, root, log)
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


def _save_details(root: Path) -> str:
    """Write the traceback of the exception being handled to
    .dyade/last-error.txt; that path (or "the message above")."""
    import traceback

    try:
        path = root / ".dyade" / "last-error.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(traceback.format_exc(), encoding="utf-8")
        return str(path)
    except OSError:
        return "this message"
