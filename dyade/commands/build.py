"""`dyade build` (the default): check the sources, then render into site/
and dist/ whatever changed since the last build."""
from __future__ import annotations

from pathlib import Path

from .. import cputime, pipeline

HELP = "check then write site/ and dist/ (the default)"


def add_arguments(parser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="build: render every output again, even those whose sources did not change")
    parser.add_argument("--timings", action="store_true",
                        help="build: also print the CPU time of each stage (sources, pandoc, typst, DOCX, website)")


def run(args, root: Path, log) -> int:
    report = pipeline.build(root, log, force=args.force)
    what = ("nothing changed" if report.nothing_changed
            else f"{len(report.rendered)} outputs rendered, {len(report.reused)} unchanged")
    print(f"Built {len(report.languages)} languages ({what}): website in {root / 'site'}, "
          f"documents in {root / 'dist'}")
    if args.timings and report.cpu:
        print(cputime.summary(report.cpu))
    return 0
