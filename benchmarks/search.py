#!/usr/bin/env python3
"""What a reader downloads to search the website: `python benchmarks/search.py`.

Builds the bundled programme and a synthetic one ten times its size
(benchmarks/synthetic.py; `--scale N` for another size) in a temporary
folder, serves each built site/ on localhost with no compression (what a
plain static host sends, the most a reader downloads), and in headless
Chromium (Debian's /usr/bin/chromium, through Playwright) loads each
language's home page, then types a first query and a second one.  It
prints, per programme and language, the bytes of the responses each search
caused (response bodies, as Chromium counts them): the first search brings
Pagefind's runtime, the language's word list, the index chunks of its words
and the excerpts of the results it shows; the next one only what it lacks.

Goal (issue 17): at most 300 KB for the first search at 10×, and less for
the next.  Exit status 1 with a one-line message when a build fails.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PROJECT_PARTS = ("content", "forms", "templates", "schema", "mkdocs.yml")  # as tests/conftest.py copies them
CHROMIUM = "/usr/bin/chromium"
QUERIES = {"fr": ("plan d'apprentissage", "rétroaction du mentor"),
           "en": ("learning plan", "feedback from the mentor")}
GOAL_FIRST_BYTES = 300_000


class BenchError(Exception):
    """A build or a step failed: reported as one line."""


def build(root: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--quiet", "--root", str(root)],
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise BenchError(f"the build of {root.name} failed: {lines[-1] if lines else done.returncode}")


def project(tmp: Path, name: str) -> Path:
    root = tmp / name
    root.mkdir()
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, root / part)
        elif src.exists():
            shutil.copy2(src, root / part)
    return root


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def measure(browser, site: Path, lang: str) -> tuple[int, int, int]:
    """(pages in the language's index, bytes of the first search, of the next)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    sizes: list[int] = []
    tab.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    try:
        tab.goto(f"{base}{lang}/", wait_until="networkidle")
        costs = []
        for query in QUERIES[lang]:
            sizes.clear()
            box = tab.locator("input.md-search__input")
            box.click()
            box.fill("")
            box.press_sequentially(query, delay=20)
            box.press("End")  # the theme reads the box on keyup
            tab.wait_for_selector(".md-search-result__item", timeout=30_000)
            tab.wait_for_load_state("networkidle")
            tab.wait_for_timeout(300)
            costs.append(sum(sizes))
        entry = (site / lang / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
        pages = int(re.search(r'"page_count":(\d+)', entry).group(1))
        return pages, costs[0], costs[1]
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Bytes a reader downloads to search the site (see the docstring).")
    p.add_argument("--scale", type=int, default=10, help="size of the synthetic programme (default 10)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = p.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"search benchmark failed: {CHROMIUM} is missing — apt-get install chromium", file=sys.stderr)
        return 1
    sys.path.insert(0, str(HERE))
    import synthetic
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="dyade-search-bench-"))
    try:
        roots = {1: project(tmp, "x1"), args.scale: project(tmp, f"x{args.scale}")}
        synthetic.replicate(roots[args.scale], args.scale)
        for factor, root in roots.items():
            print(f"building the {factor}× programme…", flush=True)
            build(root)
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for factor, root in roots.items():
                for lang in QUERIES:
                    if (root / "site" / lang).is_dir():
                        rows.append((factor, lang, *measure(browser, root / "site", lang)))
            browser.close()
        print()
        print("| programme | language | pages | first search | next search | goal (first, 10×) |")
        print("|---|---|---|---|---|---|")
        for factor, lang, pages, first, following in rows:
            goal = (("met" if first <= GOAL_FIRST_BYTES and following < first else "NOT met")
                    if factor == args.scale else "—")
            print(f"| {factor}× | {lang} | {pages} | {first / 1000:.0f} KB | {following / 1000:.0f} KB | {goal} |")
        print(f"\nqueries: {'; '.join(f'{lang}: ' + ' then '.join(qs) for lang, qs in QUERIES.items())}")
        return 0
    except BenchError as exc:
        print(f"search benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
