"""`dyade collect RETURNED [--out DIR]`: read every returned form under
RETURNED into spreadsheets, a JSON file, a progress report and a list of
what needs a look, in DIR (collected/ in the project by default)."""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from .. import reports, sources
from ..collect import collect
from ..errors import UsageError

TAKES_FOLDER = True  # the folder of returned forms (cli.py defines it: `new` takes one too)
HELP = "read the returned forms in a folder into spreadsheets and a progress report"

# Folders the build publishes or reads: answers are personal data and must
# never land where the next `dyade build` or `git push` would publish them.
PUBLISHED = ("site", "dist", "content", "forms", "templates", ".dyade")


def add_arguments(parser) -> None:
    parser.add_argument("--out", type=Path, default=None,
                        help="collect: where to write the reports (default: collected/ in the project); translate "
                             "export: the XLIFF file to write (default: translations/LANG.xlf)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="collect: the date the progress report counts overdue forms from (default: today)")


def run(args, root: Path, log) -> int:
    if args.folder is None:
        raise UsageError("say which folder holds the returned forms, for example: dyade collect returned/")
    folder = Path(args.folder).resolve()
    if not folder.is_dir():
        raise UsageError(f"{args.folder} is not a folder: give the folder where you saved the returned forms "
                         "(they may be in sub-folders)")
    out = (args.out or root / "collected").resolve()
    refuse_output(out, root, folder)
    model = sources.load(root)
    collection = collect(model, folder, today=args.today or dt.date.today(), shown=str(args.folder))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in reports.REPORTS:
        written += reports.load(name).write(collection, out)
    problems = collection.problems()
    # Problems and the summary are what --quiet keeps: print them whatever the log does.
    for line in problems:
        print(line, flush=True)
    read, unread = len(collection.records), len(collection.unread)
    flagged = len(problems) - unread
    print(f"Read {read} returned form{'s' if read != 1 else ''}"
        + (f"; {unread} file{'s' if unread != 1 else ''} could not be read" if unread else "")
        + (f"; {flagged} point{'s' if flagged != 1 else ''} to check" if flagged else "")
        + f". Written to {_shown(out, root)}: {', '.join(sorted(written))}.", flush=True)
    warning = git_warning(out, root)
    if warning:
        log(warning)
    return 1 if problems else 0


def refuse_output(out: Path, root: Path, folder: Path) -> None:
    for name in PUBLISHED:
        place = (root / name).resolve()
        if out == place or place in out.parents:
            raise UsageError(f"will not write the answers into {_shown(out, root)}: {name}/ is published or read by "
                             "the build, and answers are personal data; choose another folder with --out "
                             "(the default is collected/)")
    if out == folder or folder in out.parents:
        raise UsageError(f"will not write the reports inside {_shown(folder, root)}, the folder of returned forms: "
                         "choose another folder with --out")


def git_warning(out: Path, root: Path) -> str | None:
    """A warning when git would take the reports into the repository."""
    try:
        inside = subprocess.run(["git", "-C", str(out), "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True, timeout=10)
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        tracked = subprocess.run(["git", "-C", str(out), "ls-files", "--", "."], capture_output=True, text=True,
                                 timeout=10).stdout.strip()
        ignored = subprocess.run(["git", "-C", str(out), "check-ignore", "-q", "answers.json"],
                                 capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return None
    if tracked:
        return (f"warning: files in {_shown(out, root)} are tracked by git; they hold participants' answers and would "
                "be published with the repository: remove them from git (git rm --cached) and add the folder to "
                ".gitignore")
    if not ignored:
        return (f"warning: {_shown(out, root)} is not in .gitignore; it holds participants' answers, which "
                "'git add' would take into the repository: add the folder to .gitignore")
    return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix() + "/"
    except ValueError:
        return str(path)
