#!/usr/bin/env python3
"""Edit to screen with `dyade serve`: `python benchmarks/serve.py [--repeat 5] [--scale 10]`.

In a temporary copy of the bundled programme (and, with --scale N, of a
synthetic programme N times its size, benchmarks/synthetic.py), built once,
`build.py serve` runs and Chromium (Playwright, /usr/bin/chromium) opens a
chapter page and a form page.  Each trial appends a marker to a French text
of that chapter (its summary) or form (its purpose), saves the file, and
measures the wall time from the save to the marker being on the open page,
which reloads by itself.  The next trial starts once the documents that
follow in the background are rebuilt, so that trials do not overlap.
Printed: every trial, and the median per page and scale, against the goal
of 1 s (issue 20, item 1).
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PROJECT_PARTS = ("content", "forms", "templates", "schema", "mkdocs.yml")
# The edited sources, found by the stable part of their names: the synthetic
# programme renumbers the files (01-context.yml becomes 001-context.yml).
CHAPTER = ("content/guide", "-context.yml")
FORM = ("forms", "-feedback.yml")
GOAL_SECONDS = 1.0


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for part in PROJECT_PARTS:
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / part)
    return dest


class Serve:
    """`build.py serve` on `root`, its output in a log file that is read for markers."""

    def __init__(self, root: Path):
        self.log_path = root.parent / f"{root.name}-serve.log"
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
                                      "--port", "0"], stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO)
        self.url = self.wait(r"Serving the site on (http://\S+/)", 1800).group(1)

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def wait(self, pattern: str, timeout: float, count: int = 1) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = list(re.finditer(pattern, self.text()))
            if len(found) >= count:
                return found[count - 1]
            if self.proc.poll() is not None:
                raise SystemExit(f"serve stopped:\n{self.text()[-3000:]}")
            time.sleep(0.05)
        raise SystemExit(f"no {pattern!r} within {timeout} s:\n{self.text()[-3000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


def page_of(site: Path, marker: str) -> str:
    """The site path of the page whose article holds `marker`."""
    for path in sorted(site.rglob("index.html")):
        text = path.read_text(encoding="utf-8")
        if "<article" in text and marker in text[text.index("<article"):]:
            return path.parent.relative_to(site).as_posix() + "/"
    raise SystemExit(f"no page holds {marker!r}")


def french_line(path: Path, key: str) -> tuple[int, str]:
    """(index, text) of the `fr:` line under the top-level `key:` of a YAML source."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"{key}:")
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("  fr: "):
            value = lines[i][len("  fr: "):]
            if value in ("|", ">"):  # a block: its first line
                return i + 1, lines[i + 1]
            return i, value
    raise SystemExit(f"{path}: no French {key}")


def source(root: Path, where: tuple[str, str]) -> str:
    folder, ending = where
    return min(p for p in (root / folder).glob(f"*{ending}")).relative_to(root).as_posix()


def trials(serve: Serve, browser, root: Path, rel: str, key: str, repeat: int, rebuilds: list[int]) -> list[float]:
    path = root / rel
    index, text = french_line(path, key)
    # Four words in a row that the page shows as written: the longest run
    # between placeholders and Markdown marks.
    runs = re.split(r"\{[^}]*\}|[*_`'\"’]", text)
    words = " ".join(max(runs, key=len).split()[:4])
    page_path = page_of(root / "site", words)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(serve.url + page_path)
    seconds = []
    for n in range(repeat):
        marker = f"mesure{n}x{int(time.time() * 1000) % 100000}"
        lines = path.read_text(encoding="utf-8").split("\n")
        line = lines[index]
        # Appended inside the text, in the YAML's own quoting.
        if line.rstrip()[-1:] in "'\"" and line.lstrip().startswith(("fr: '", 'fr: "')):
            lines[index] = f"{line.rstrip()[:-1]} {marker}{line.rstrip()[-1]}"
        else:
            lines[index] = f"{line.rstrip()} {marker}"
        started = time.monotonic()
        path.write_text("\n".join(lines), encoding="utf-8")
        page.wait_for_function(f"document.body && document.body.innerText.includes({marker!r})", timeout=120_000)
        seconds.append(time.monotonic() - started)
        rebuilds[0] += 1
        serve.wait(r"Rebuilt the documents too", 1800, count=rebuilds[0])
        print(f"    {rel} trial {n + 1}: {seconds[-1]:.2f} s", flush=True)
    page.close()
    return seconds


def measure(root: Path, label: str, browser, repeat: int) -> dict[str, float]:
    print(f"  {label}: first build…", flush=True)
    built = subprocess.run([sys.executable, str(REPO / "build.py"), "--quiet", "--root", str(root)],
                           capture_output=True, text=True)
    if built.returncode:
        raise SystemExit(f"build failed:\n{built.stderr[-3000:]}")
    serve = Serve(root)
    rebuilds = [0]
    try:
        return {what: statistics.median(trials(serve, browser, root, source(root, where), key, repeat, rebuilds))
                for what, where, key in (("chapter", CHAPTER, "summary"), ("form", FORM, "purpose"))}
    finally:
        serve.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=10, help="also measure a programme N times the size (0: not)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="dyade-bench-serve-"))
    results = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
            results["1x"] = measure(copy_project(tmp / "x1"), "bundled programme", browser, args.repeat)
            if args.scale > 1:
                sys.path.insert(0, str(HERE))
                import synthetic

                root = copy_project(tmp / f"x{args.scale}")
                synthetic.replicate(root, args.scale)
                results[f"{args.scale}x"] = measure(root, f"{args.scale}x programme", browser, args.repeat)
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nEdit to screen (median of {args.repeat}; goal ≤ {GOAL_SECONDS:.0f} s):")
    for scale, found in results.items():
        for what, seconds in found.items():
            print(f"  {scale} {what:8} {seconds:.2f} s  {'met' if seconds <= GOAL_SECONDS else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
