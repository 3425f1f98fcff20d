#!/usr/bin/env python3
"""Benchmark of `dyade collect`: `python benchmarks/collect.py [--files N]`.

Builds the bundled programme's forms in a temporary copy, makes N returned
files (default 1,000) from them: a mix of the five forms in both languages,
every one filled as Word writes it (tests/docx_helpers.fill), with names
shared by pairs.  Then, in fresh processes:

1. `dyade collect` of the folder (wall time, and peak resident memory of
   the process as getrusage reports it);
2. the baseline, in the same run: opening each file's zip and parsing its
   document.xml with lxml and nothing else, the least any reader must do.

Prints both, their ratio, and the time per file.  The target (issue 14) is
15 s for 1,000 files with bounded memory on a 2-core machine.
"""
from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

BASELINE = """
import sys, zipfile
from pathlib import Path
from lxml import etree
for path in sorted(Path(sys.argv[1]).rglob("*.docx")):
    with zipfile.ZipFile(path) as z:
        etree.fromstring(z.read("word/document.xml"))
"""


# Runs the command line in this process, then prints its own peak memory.
MEASURED = """
import resource, sys
sys.path.insert(0, sys.argv[1])
from dyade.cli import main
status = main(sys.argv[2:])
print("peak-kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(status)
"""


def run(cmd: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB, or 0 if the command does not say) of a child process."""
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"benchmark: {' '.join(cmd[:3])} failed: {result.stderr.strip()[-500:]}")
    peak = [int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("peak-kb ")]
    return elapsed, (peak[-1] // 1024 if peak else 0)


def make_returns(root: Path, folder: Path, count: int) -> None:
    from docx_helpers import fill  # noqa: E402 (tests/ is on the path above)
    rng = random.Random(14)
    names = [f"{first} {last}" for first in ("Alex", "Marie", "Sam", "Jo", "Léa", "Karim", "Zoé", "Noah")
             for last in ("Tremblay", "Roy", "Côté", "Gagnon", "Bouchard", "Lavoie", "Morin", "Fortin")]
    values = {
        "self-assessment": lambda who: {"name": who[0], "position": "Direction adjointe", "comments": "Ligne un\nLigne deux"},
        "learning-plan": lambda who: {"mentee-name": who[0], "mentor-name": who[1], "objectives.1.objective": "Déléguer",
                                      "objectives.1.target-date": "2027-03-01", "meetings.1.hours": "1,5"},
        "feedback": lambda who: {"mentee-name": who[0], "mentor-name": who[1], "meeting-date": "2026-11-20",
                                 "meeting-number": str(rng.randint(1, 12)), "observations": "Observé\nSuggéré"},
        "checklist": lambda who: {"mentee-name": who[0], "mentor-name": who[1], "form1-done": True},
        "confidentiality": lambda who: {"mentee-signature-name": who[0], "mentor-signature-name": who[1]},
    }
    forms = sorted(values)
    for i in range(count):
        form, lang = forms[i % len(forms)], ("fr", "en")[(i // len(forms)) % 2]
        pair = rng.randrange(len(names) // 2)
        who = (names[2 * pair], names[2 * pair + 1])
        dest = folder / f"pair-{pair:02d}" / f"{i:04d}-{form}-{lang}.docx"
        dest.parent.mkdir(parents=True, exist_ok=True)
        fill(root / "dist" / lang / "forms" / f"{form}.docx", dest, values[form](who))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dyade-collect-bench-") as tmp:
        root = Path(tmp) / "project"
        for part in ("content", "forms", "templates", "mkdocs.yml"):
            src = ROOT / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / part)
        built = subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet", "--root", str(root)],
                               capture_output=True, text=True)
        if built.returncode:
            sys.exit(f"benchmark: the build failed: {built.stderr.strip()[-500:]}")
        folder = Path(tmp) / "returned"
        make_returns(root, folder, args.files)
        base, _ = run([sys.executable, "-c", BASELINE, str(folder)])
        wall, peak = run([sys.executable, "-c", MEASURED, str(ROOT), "collect", str(folder), "--root", str(root),
                          "--out", str(Path(tmp) / "collected"), "--quiet"])
        print(f"collect of {args.files} returned files: {wall:.2f} s ({1000 * wall / args.files:.1f} ms a file), "
              f"peak memory {peak} MB")
        print(f"baseline (unzip + parse document.xml only): {base:.2f} s; collect / baseline = {wall / base:.1f}x")


if __name__ == "__main__":
    main()
