#!/usr/bin/env python3
"""Dyade's benchmark: `python benchmarks/run.py [--repeat N] [--quick]`.

Builds in temporary copies and prints, as ratios measured in the same run
(each timing the median of --repeat runs, except the 10x build, run once):

1. clean build / mkdocs alone: `build.py --quiet --timings` of a fresh copy of the
   bundled programme (no .dyade/, no outputs; wall time of the process, as
   a user waits for it) over `mkdocs build -f <config>` of the very pages
   that build generated, one process per language, in parallel as the
   engine runs them (pages and configs written by the site writer's
   `prepare` into a staging folder holding a copy of the built dist/).
   The clean build's CPU time by stage (`--timings`: reading the sources,
   pandoc, typst, DOCX, website, the rest) is printed in a second table,
   beside the CPU time of mkdocs alone.
2. no-op rebuild: the same command again, nothing changed (at least 3
   runs, they are cheap); seconds, and over the clean build.
3. one-form edit: one English label of forms/4-feedback.yml changed, then
   the same command; over the clean build.
4. guide PDF / soffice: Dyade's path for one language's guide PDF alone
   (see benchmarks/guide_pdf.py: pandoc conversion of its Markdown + typst
   compile, in a fresh process, start-up and YAML reading not counted) over
   `soffice --headless --convert-to pdf` of a DOCX holding the text of all
   guide chapters in that language (made with pypandoc from the same
   Markdown; a warm-up conversion creates LibreOffice's profile first and
   is not counted).  Dyade's guide PDF also holds the glossary, the forms
   and the annexes, so Dyade does more work than soffice here.
5. a synthetic programme ten times the bundled one (benchmarks/synthetic.py;
   `build.py check` must pass on it): its clean build over the 1x one, and
   the peak memory of each clean build: the sum of the resident set sizes
   (RSS) of the build process and all its descendants, sampled from /proc
   every 50 ms.  Pages shared by forked workers count once per process, so
   this overstates the real use; the proportional set size (PSS, shared
   pages divided among their users, read less often as it costs more) is
   shown alongside.  The sampler's own CPU time is printed with each build.
6. edit to screen (benchmarks/serve.py): with `build.py serve` running and
   Chromium showing the page, the time from saving a French text of a
   chapter and of a form to the reloaded page showing it (median of at
   least 5), at 1x and, unless --quick, at --scale.

The code and sources are snapshotted into the temporary folder first, so
edits made to the checkout during the run do not disturb it.  Exit status 1
with a one-line message if a build fails.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CODE_PARTS = ("build.py", "dyade")
PROJECT_PARTS = ("content", "forms", "templates", "schema", "mkdocs.yml")  # as tests/conftest.py copies them
EDITED_FORM = "forms/4-feedback.yml"
SOFFICE = "/usr/bin/soffice"
BUILD_TIMEOUT = 1800

GOAL_CLEAN_OVER_MKDOCS = 1.25
GOAL_NOOP_SECONDS = 0.5
GOAL_GUIDE_OVER_SOFFICE = 0.2
GOAL_SCALE_RATIO = 10.0
GOAL_PEAK_MB = 400.0
GOAL_SCREEN_SECONDS = 1.0


class BenchError(Exception):
    """A build or a step failed: reported as one line."""


# -- helpers ------------------------------------------------------------------------

def say(msg: str = "") -> None:
    print(msg, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


def first_line(*texts: str) -> str:
    for text in texts:
        for line in (text or "").splitlines():
            if line.strip():
                return line.strip()[:400]
    return "no message"


def copy_parts(src: Path, dest: Path, parts) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        path = src / part
        if path.is_dir():
            shutil.copytree(path, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.exists():
            shutil.copy2(path, dest / part)
    return dest


def goal_text(value: float | None, goal: float, unit: str = "") -> tuple[str, str]:
    """("≤ goal", "met"/"NOT met"/"n/a")."""
    if value is None:
        return f"≤ {goal:g}{unit}", "n/a"
    return f"≤ {goal:g}{unit}", "met" if value <= goal else "NOT met"


class TreeMemory(threading.Thread):
    """Peak of the summed RSS (and PSS) of a process and all its descendants,
    sampled from /proc every `interval` seconds."""

    PAGE = os.sysconf("SC_PAGE_SIZE")

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.samples = 0
        self.busy = 0.0  # CPU seconds spent sampling (it shares the CPU with the build it measures)
        self._halt = threading.Event()

    def run(self) -> None:
        pss_due = 0.0
        while not self._halt.is_set():
            began = time.thread_time()
            pids = self._tree()
            rss = 0
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/statm", "rb") as fh:
                        rss += int(fh.read().split()[1]) * self.PAGE
                except (OSError, IndexError, ValueError):
                    pass
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_processes = max(self.peak_processes, len(pids))
            now = time.monotonic()
            if now >= pss_due:
                # PSS costs much more to read (the kernel walks the page tables
                # of big processes): every 200 ms at most, and never more than
                # ~1 % of one core, so its peak may come out a little low.
                cost = time.thread_time()
                self.peak_pss = max(self.peak_pss, self._pss(pids))
                pss_due = now + max(0.2, 100 * (time.thread_time() - cost))
            self.samples += 1
            self.busy += time.thread_time() - began
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def _tree(self) -> list[int]:
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tasks:
                try:
                    with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                        todo.extend(int(c) for c in fh.read().split())
                except OSError:
                    pass
        return found

    @staticmethod
    def _pss(pids: list[int]) -> int:
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                    for line in fh:
                        if line.startswith(b"Pss:"):
                            total += int(line.split()[1]) * 1024
                            break
            except (OSError, ValueError):
                pass
        return total


class Run:
    """One finished command: wall seconds, CPU seconds of it and its
    descendants, peak memory, output."""

    def __init__(self, seconds, cpu, stdout, memory: TreeMemory | None):
        self.seconds, self.cpu, self.stdout = seconds, cpu, stdout
        self.rss = memory.peak_rss if memory else 0
        self.pss = memory.peak_pss if memory else 0
        self.sampling = memory.busy if memory else 0.0


def run_command(cmd: list[str], what: str, env: dict | None = None, memory: bool = False,
                timeout: float = BUILD_TIMEOUT) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    except OSError as exc:
        raise BenchError(f"{what}: could not start {cmd[0]}: {exc}") from None
    sampler = TreeMemory(proc.pid) if memory else None
    if sampler:
        sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise BenchError(f"{what} did not finish within {timeout:.0f} s") from None
    finally:
        if sampler:
            sampler.stop()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise BenchError(f"{what} failed (exit {proc.returncode}): {first_line(err, out)}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, out, sampler)


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="dyade-bench-"))
        self.code = copy_parts(REPO, self.tmp / "code", CODE_PARTS + PROJECT_PARTS)
        sys.path.insert(0, str(self.code))  # this process uses the snapshot's dyade too
        self.python = sys.executable
        self.env = dict(os.environ)
        self.env.pop("SOURCE_DATE_EPOCH", None)  # the default date, from the sources, as a user builds
        self.results: dict = {}
        self.copies = 0

    # projects and builds
    def project(self, name: str) -> Path:
        self.copies += 1
        return copy_parts(self.code, self.tmp / f"{name}-{self.copies}", PROJECT_PARTS)

    def dyade(self, root: Path, *args: str, what: str, memory: bool = False) -> Run:
        return run_command([self.python, str(self.code / "build.py"), *args, "--root", str(root)],
                           what, env=self.env, memory=memory)

    # 1. clean build / mkdocs alone ----------------------------------------------------
    def clean_builds(self) -> Path:
        runs = []
        for i in range(self.args.repeat):
            root = self.project("clean")
            runs.append(self.dyade(root, "--quiet", "--timings", what="clean build of the bundled programme",
                                   memory=True))
            say(f"  clean build {i + 1}/{self.args.repeat}: {runs[-1].seconds:.2f} s "
                f"(CPU {runs[-1].cpu:.1f} s, peak RSS {runs[-1].rss / 1e6:.0f} MB, "
                f"PSS {runs[-1].pss / 1e6:.0f} MB; memory sampling took {runs[-1].sampling:.2f} s of CPU)")
            if i < self.args.repeat - 1:
                shutil.rmtree(root)
        self.results["clean"] = median([r.seconds for r in runs])
        self.results["clean_cpu"] = median([r.cpu for r in runs])
        stages = [cpu_stages(r.stdout) for r in runs]
        self.results["stages"] = {name: median([s[name] for s in stages]) for name in stages[0]}
        self.results["rss_1x"] = max(r.rss for r in runs)
        self.results["pss_1x"] = max(r.pss for r in runs)
        return root

    def mkdocs_alone(self, built: Path) -> None:
        from dyade import sources
        from dyade.state import source_epoch
        from dyade.tasks import Context
        from dyade.writers import site

        model = sources.load(built)
        staging = self.tmp / "mkdocs-staging"
        shutil.copytree(built / "dist", staging / "dist")
        (staging / "site").mkdir()
        ctx = Context(root=built, staging=staging, epoch=source_epoch(built), salt="")
        configs = [str(site.prepare(model, ctx, lang).run.args[0]) for lang in model.languages]
        env = dict(self.env, SOURCE_DATE_EPOCH=str(ctx.epoch))  # as the engine sets it for its workers
        workers = max(1, min(len(configs), os.cpu_count() or 1))
        times, cpus = [], []
        for i in range(self.args.repeat):
            for lang in model.languages:
                shutil.rmtree(staging / "site" / lang, ignore_errors=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(lambda cfg: run_command([self.python, "-m", "mkdocs", "build", "-q", "-f", cfg],
                                                      "mkdocs build of the generated pages", env=env), configs))
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            say(f"  mkdocs alone {i + 1}/{self.args.repeat}: {times[-1]:.2f} s (CPU {cpus[-1]:.1f} s)")
        self.results["mkdocs"] = median(times)
        self.results["mkdocs_cpu"] = median(cpus)
        self.results["languages"] = model.languages

    # 2. no-op, 3. one-form edit -----------------------------------------------------------
    def noop(self, built: Path) -> None:
        times = []
        for i in range(max(self.args.repeat, 3)):  # cheap: at least 3
            run = self.dyade(built, "--quiet", what="no-op rebuild")
            if "nothing changed" not in run.stdout:
                self.results["noop_note"] = f"a rebuild with nothing changed did more than nothing: {first_line(run.stdout)}"
            times.append(run.seconds)
        say(f"  no-op rebuilds: {', '.join(f'{t:.3f}' for t in times)} s")
        self.results["noop"] = median(times)

    def form_edit(self, built: Path) -> None:
        path = built / EDITED_FORM
        pattern = re.compile(r"(label:\s*\n(?:\s+\w\w: .*\n)*?\s+en: )(.*)\n")
        times, rendered = [], []
        for i in range(self.args.repeat):
            text = path.read_text(encoding="utf-8")
            match = pattern.search(text)
            if not match:
                raise BenchError(f"{EDITED_FORM} has no English label to edit")
            value = match.group(2).rstrip()
            edit = f" (edit {i + 1})"
            new = value[:-1] + edit + value[-1] if value[:1] in "'\"" else value + edit
            path.write_text(text[:match.start(2)] + new + text[match.end(2):], encoding="utf-8")
            run = self.dyade(built, "--quiet", what="rebuild after a one-form edit")
            times.append(run.seconds)
            found = re.search(r"(\d+) outputs rendered, (\d+) unchanged", run.stdout)
            rendered.append(found.group(1) if found else "?")
            say(f"  one-form edit {i + 1}/{self.args.repeat}: {run.seconds:.2f} s "
                f"({found.group(0) if found else first_line(run.stdout)})")
        self.results["edit"] = median(times)
        self.results["edit_rendered"] = rendered[-1]

    # 4. guide PDF / soffice -------------------------------------------------------------------
    def guide_vs_soffice(self, built: Path) -> None:
        from dyade import sources

        model = sources.load(built)
        lang = "en" if "en" in model.languages else model.languages[0]
        self.results["guide_lang"] = lang
        times = []
        for i in range(self.args.repeat):
            run = run_command([self.python, str(HERE / "guide_pdf.py"), "--code", str(self.code), "--root",
                               str(built), "--lang", lang, "--out", str(self.tmp / "guide.pdf")],
                              "Dyade's guide PDF", env=self.env)
            data = json.loads(run.stdout.strip().splitlines()[-1])
            times.append(data["total"])
            say(f"  Dyade guide PDF ({lang}) {i + 1}/{self.args.repeat}: {data['total']:.2f} s "
                f"(Markdown {data['markdown']:.2f} s + typst {data['compile']:.2f} s; "
                f"process {run.seconds:.2f} s)")
        self.results["guide"] = median(times)
        self.results["guide_pages"] = pdf_pages(self.tmp / "guide.pdf")

        soffice = shutil.which("soffice") or (SOFFICE if Path(SOFFICE).exists() else None)
        if not soffice:
            self.results["soffice_note"] = f"soffice not found ({SOFFICE}; install libreoffice-writer-nogui)"
            return
        # The comparison input: all guide chapters of `lang`, as Markdown, in one DOCX.
        import pypandoc

        parts = []
        for chapter in model.chapters:
            parts.append(f"# {chapter.title[lang]}\n")
            if chapter.summary:
                parts.append(chapter.summary[lang] + "\n")
            for section in chapter.sections:
                parts.append(f"## {section.title[lang]}\n")
                parts.append(section.body[lang] + "\n")
        docx = self.tmp / "soffice" / "guide.docx"
        docx.parent.mkdir()
        pypandoc.convert_text("\n".join(parts), "docx", format="markdown", outputfile=str(docx))
        profile = (self.tmp / "soffice" / "profile").as_uri()
        out = self.tmp / "soffice" / "out"
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out), str(docx)]
        pdf = out / "guide.pdf"
        times = []
        for i in range(self.args.repeat + 1):  # the first creates the profile: not counted
            pdf.unlink(missing_ok=True)
            try:
                run = run_command(cmd, "soffice --convert-to pdf", env=self.env, timeout=600)
            except BenchError as exc:
                self.results["soffice_note"] = f"soffice could not convert the DOCX: {exc}"
                return
            if not pdf.is_file():
                self.results["soffice_note"] = f"soffice made no PDF: {first_line(run.stdout)}"
                return
            if i:
                times.append(run.seconds)
                say(f"  soffice --convert-to pdf {i}/{self.args.repeat}: {run.seconds:.2f} s")
            else:
                say(f"  soffice warm-up (profile creation, not counted): {run.seconds:.2f} s")
        self.results["soffice"] = median(times)
        self.results["soffice_pages"] = pdf_pages(pdf)

    # 5. ten times the programme -----------------------------------------------------------------
    def scaled(self) -> None:
        sys.path.insert(0, str(HERE))
        import synthetic

        factor = self.args.scale
        root = self.project(f"x{factor}")
        counts = synthetic.replicate(root, factor)
        check = self.dyade(root, "check", what=f"`build.py check` of the {factor}x synthetic programme")
        say(f"  {factor}x programme: {', '.join(f'{n} {k}' for k, n in counts.items())}; check: "
            f"{first_line(check.stdout)}")
        run = self.dyade(root, "--quiet", what=f"clean build of the {factor}x synthetic programme", memory=True)
        outputs = re.search(r"(\d+) outputs rendered", run.stdout)
        say(f"  clean build {factor}x: {run.seconds:.2f} s (CPU {run.cpu:.1f} s, "
            f"{outputs.group(1) if outputs else '?'} outputs, peak RSS {run.rss / 1e6:.0f} MB, "
            f"PSS {run.pss / 1e6:.0f} MB; memory sampling took {run.sampling:.2f} s of CPU)")
        self.results["scaled"] = run.seconds
        self.results["scaled_cpu"] = run.cpu
        self.results["rss_nx"] = run.rss
        self.results["pss_nx"] = run.pss


    # 6. edit to screen with serve (benchmarks/serve.py) ------------------------------
    def edit_to_screen(self) -> None:
        sys.path.insert(0, str(HERE))
        import serve
        import synthetic
        from playwright.sync_api import sync_playwright

        repeat = max(self.args.repeat, 5) if not self.args.quick else 1
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
            try:
                found = {"1x": serve.measure(self.project("serve"), "bundled programme", browser, repeat)}
                if not self.args.quick:
                    root = self.project(f"serve-x{self.args.scale}")
                    synthetic.replicate(root, self.args.scale)
                    found[f"{self.args.scale}x"] = serve.measure(root, f"{self.args.scale}x programme", browser,
                                                                 repeat)
            finally:
                browser.close()
        self.results["screen"] = found
        self.results["screen_repeat"] = repeat


def pdf_pages(path: Path) -> int | None:
    tool = shutil.which("pdfinfo")
    if not tool or not path.is_file():
        return None
    out = subprocess.run([tool, str(path)], capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(found.group(1)) if found else None


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    try:
        found = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        memory = f", {int(found.group(1)) / 2**20:.0f} GB RAM" if found else ""
    except OSError:
        pass
    return (f"{cpu}, {cores} cores{memory}, Python {platform.python_version()}, {platform.system()} "
            f"{platform.release()}, {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}")


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def cpu_stages(stdout: str) -> dict[str, float]:
    """{stage: CPU seconds} from the line `build --timings` prints (dyade.cputime.summary)."""
    from dyade import cputime

    line = next((text for text in stdout.splitlines() if text.startswith("CPU time by stage")), None)
    if line is None:
        raise BenchError("the clean build printed no CPU time by stage (build --timings)")
    found = {}
    for name, words in cputime.STAGES.items():
        match = re.search(re.escape(words) + r" ([\d.]+) s", line)
        if match is None:
            raise BenchError(f"no figure for {words!r} in: {line}")
        found[name] = float(match.group(1))
    return found


# -- the report ---------------------------------------------------------------------------

def table(r: dict, args) -> list[str]:
    rows = []

    def row(what, value, goal="—", met="—"):
        rows.append(f"| {what} | {value} | {goal} | {met} |")

    clean, mk = r["clean"], r["mkdocs"]
    ratio = clean / mk
    row("clean build / `mkdocs build` alone", f"{clean:.1f} s / {mk:.1f} s = **{ratio:.2f}**",
        *goal_text(ratio, GOAL_CLEAN_OVER_MKDOCS))
    noop = r["noop"]
    row("no-op rebuild", f"**{noop:.2f} s** ({noop / clean:.3f} × clean build)", *goal_text(noop, GOAL_NOOP_SECONDS, " s"))
    row(f"one-form edit / clean build ({r['edit_rendered']} outputs re-rendered)",
        f"{r['edit']:.1f} s / {clean:.1f} s = **{r['edit'] / clean:.2f}**")
    if r.get("soffice"):
        g = r["guide"] / r["soffice"]
        pages = ""
        if r.get("guide_pages") and r.get("soffice_pages"):
            pages = f" ({r['guide_pages']} vs {r['soffice_pages']} pages)"
        row(f"guide PDF / `soffice --convert-to pdf` ({r['guide_lang']}){pages}",
            f"{r['guide']:.2f} s / {r['soffice']:.2f} s = **{g:.2f}**", *goal_text(g, GOAL_GUIDE_OVER_SOFFICE))
    else:
        row(f"guide PDF / `soffice --convert-to pdf` ({r['guide_lang']})",
            f"{r['guide']:.2f} s / unavailable: {r.get('soffice_note', '?')}", f"≤ {GOAL_GUIDE_OVER_SOFFICE:g}", "n/a")
    if "scaled" in r:
        s = r["scaled"] / clean
        row(f"{args.scale}× programme / 1× (clean builds)", f"{r['scaled']:.1f} s / {clean:.1f} s = **{s:.2f}**",
            *goal_text(s, GOAL_SCALE_RATIO if args.scale == 10 else args.scale))
    mb = r["rss_1x"] / 1e6
    row("peak memory, 1× build (RSS sum; PSS)", f"**{mb:.0f} MB**; {r['pss_1x'] / 1e6:.0f} MB",
        *goal_text(mb, GOAL_PEAK_MB, " MB"))
    if "rss_nx" in r:
        mb = r["rss_nx"] / 1e6
        row(f"peak memory, {args.scale}× build (RSS sum; PSS)", f"**{mb:.0f} MB**; {r['pss_nx'] / 1e6:.0f} MB",
            *goal_text(mb, GOAL_PEAK_MB, " MB"))
    for scale, found in r.get("screen", {}).items():
        for what, seconds in found.items():
            row(f"edit to screen, {scale} {what} (`serve`, median of {r['screen_repeat']})", f"**{seconds:.2f} s**",
                *goal_text(seconds, GOAL_SCREEN_SECONDS, " s"))
    return ["| measure | value | goal | met? |", "|---|---|---|---|", *rows]


def stage_table(r: dict) -> list[str]:
    """The clean build's CPU time by stage, beside mkdocs alone on the same pages."""
    from dyade import cputime

    total = sum(r["stages"].values())
    rows = [f"| {cputime.STAGES[name]} | {seconds:.1f} s | {seconds / total:.0%} |"
            for name, seconds in r["stages"].items()]
    return ["| clean build, CPU by stage | CPU | share |", "|---|---|---|", *rows,
            f"| all stages (the process's own count: {r['clean_cpu']:.1f} s) | {total:.1f} s | 100% |",
            f"| for comparison: `mkdocs build` alone | {r['mkdocs_cpu']:.1f} s | |"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Benchmark Dyade's builds (see the module docstring).")
    p.add_argument("--repeat", type=int, default=3, help="runs per timing, the median is kept (default 3)")
    p.add_argument("--quick", action="store_true", help="a smoke run: 1 repeat, no 10x programme")
    p.add_argument("--scale", type=int, default=10, help="size of the synthetic programme (default 10)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    p.add_argument("--traceback", action="store_true", help="show the traceback of an unexpected error")
    args = p.parse_args(argv)
    if args.quick:
        args.repeat = 1
    args.repeat = max(1, args.repeat)

    bench = None
    try:
        bench = Bench(args)
        say(f"Dyade benchmark: {machine()}")
        say(f"median of {args.repeat} run(s) per timing; temporary folder {bench.tmp}; load average {load()}")
        started = time.perf_counter()
        say("1. clean build of the bundled programme, then mkdocs alone on the same pages")
        built = bench.clean_builds()
        bench.mkdocs_alone(built)
        say("2. no-op rebuild")
        bench.noop(built)
        say(f"3. one-form edit ({EDITED_FORM}, one English label)")
        bench.form_edit(built)
        say("4. guide PDF vs soffice")
        bench.guide_vs_soffice(built)
        if not args.quick:
            say(f"5. synthetic programme, {args.scale}x")
            bench.scaled()
        say("6. edit to screen: `serve` open in Chromium, a French text saved (benchmarks/serve.py)")
        bench.edit_to_screen()
        r = bench.results
        say()
        say(f"Dyade benchmark, {machine()}; median of {args.repeat}; "
            f"load average at the end {load()}; took {time.perf_counter() - started:.0f} s")
        say(f"(clean build CPU time {r['clean_cpu']:.1f} s, mkdocs alone {r['mkdocs_cpu']:.1f} s"
            + (f", {args.scale}× build {r['scaled_cpu']:.1f} s" if "scaled_cpu" in r else "") + ")")
        say()
        for line in table(r, args):
            say(line)
        say()
        for line in stage_table(r):
            say(line)
        for note in ("noop_note", "soffice_note"):
            if r.get(note):
                say(f"note: {r[note]}")
        return 0
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("benchmark interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001  (one line, as promised; --traceback for the details)
        if args.traceback:
            raise
        print(f"benchmark failed: {type(exc).__name__}: {exc} (run with --traceback for details)", file=sys.stderr)
        return 1
    finally:
        if bench is not None:
            if args.keep:
                print(f"kept {bench.tmp}", file=sys.stderr)
            else:
                shutil.rmtree(bench.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
