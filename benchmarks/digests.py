#!/usr/bin/env python3
"""Did a change alter what users get?  `python benchmarks/digests.py
[record|compare] [--list FILE]`.

Builds the bundled programme in a temporary copy (code and sources are
snapshotted first, so edits to the checkout during the run do not disturb
it), with a fixed SOURCE_DATE_EPOCH so two builds of the same sources give
the same bytes, and lists the sha256 of every file under `site/` and
`dist/`.

- `record` writes that list to benchmarks/output-digests.txt (or --list);
- `compare` (the default) builds again and prints every file added,
  removed or changed against the saved list; exit status 1 if any.

A refactoring must compare clean; a commit that changes outputs on purpose
says which files and why, and records the new list.  The list depends on
the tools' versions (pandoc, typst, mkdocs): record it again after
upgrading them, before the change being judged.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARTS = ("build.py", "dyade", "content", "forms", "templates", "schema", "mkdocs.yml")
DEFAULT_LIST = REPO / "benchmarks" / "output-digests.txt"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


def build_digests() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="dyade-digests-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        for part in PARTS:
            src = REPO / part
            if src.is_dir():
                shutil.copytree(src, root / part, ignore=shutil.ignore_patterns("__pycache__"))
            elif src.exists():
                shutil.copy2(src, root / part)
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(root)}
        result = subprocess.run([sys.executable, str(root / "build.py"), "--quiet", "--root", str(root)],
                                capture_output=True, text=True, env=env, cwd=root)
        if result.returncode != 0:
            sys.exit(f"the build failed:\n{result.stdout}{result.stderr}")
        out = {}
        for top in ("site", "dist"):
            for path in sorted((root / top).rglob("*")):
                if path.is_file():
                    out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        return out


def read_list(path: Path) -> dict[str, str]:
    pairs = (line.split("  ", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("action", nargs="?", default="compare", choices=["record", "compare"])
    p.add_argument("--list", type=Path, default=DEFAULT_LIST)
    args = p.parse_args(argv)
    now = build_digests()
    if args.action == "record":
        args.list.write_text("".join(f"{d}  {name}\n" for name, d in sorted(now.items())), encoding="utf-8")
        print(f"{len(now)} files recorded in {args.list}")
        return 0
    before = read_list(args.list)
    added = sorted(set(now) - set(before))
    removed = sorted(set(before) - set(now))
    changed = sorted(n for n in set(now) & set(before) if now[n] != before[n])
    for label, names in (("added", added), ("removed", removed), ("changed", changed)):
        for name in names:
            print(f"{label}: {name}")
    print(f"{len(now)} files: {len(added)} added, {len(removed)} removed, {len(changed)} changed")
    return 1 if added or removed or changed else 0


if __name__ == "__main__":
    sys.exit(main())
