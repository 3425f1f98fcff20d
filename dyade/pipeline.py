"""Build orchestration: check the sources, render what changed on all cores,
and put the new outputs in place only when everything succeeded.

1. A build that finds every input as the last build recorded it, and the
   outputs as it left them, stops there, before even reading the sources.
2. Otherwise the sources are loaded into the model and each writer plans
   one task per output, keyed by what the output is made from.  An output
   whose key and files are unchanged is hard-linked from the previous build
   into the staging folder; the others are rendered by worker processes.
3. Each language's website is prepared as soon as that language's
   documents are ready (it offers them for download), so the first site
   builds while the other language's documents still render.
4. The staged `site/` and `dist/` are swapped in (see `dyade.state`).
"""
from __future__ import annotations

import concurrent.futures as cf
import importlib
import multiprocessing
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable

from . import cputime, document, sources
from . import writers as registry
from .model import Model
from .state import Manifest, State, files_of, hashed_inputs, link_outputs, source_epoch, stat_inputs
from .tasks import Context, Task, digest, file_digest, use_model

@dataclass
class Report:
    languages: list[str]
    rendered: list[str]       # tasks that ran
    reused: list[str]         # tasks whose previous outputs were kept
    nothing_changed: bool = False
    cpu: dict[str, float] | None = None  # CPU seconds by stage (dyade.cputime)


def build(root: Path, log: Callable[[str], None], force: bool = False) -> Report:
    """Check and build everything that changed; raise SourceErrors or BuildError."""
    root = Path(root).resolve()
    started = time.monotonic()
    meter = cputime.start()
    state = State(root)
    state.lock()
    try:
        if state.recover():
            log("Finished putting in place the outputs of a build that was interrupted.")
        stats = stat_inputs(root)
        salt = _salt()
        previous = None if force else state.manifest()
        if previous and previous.salt == salt and previous.unchanged_inputs(root, stats) \
                and previous.all_intact(root):
            log("Nothing changed since the last build: site/ and dist/ are up to date.")
            return Report(previous.languages, [], list(previous.tasks), nothing_changed=True,
                          cpu=meter.result())
        log("Checking the sources…")
        with cputime.stage("sources"):
            model = sources.load(root)
        manifest = Manifest(inputs=hashed_inputs(root, stats, state.manifest()), salt=salt,
                            languages=model.languages)
        staging = state.new_staging()
        try:
            report = _render(model, root, staging, previous, manifest, log)
            state.swap_in(staging, manifest)
        finally:
            if state.journal_path.exists():
                state.recover()  # Ctrl-C in the middle of the swap: finish it, it takes no time
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        state.unlock()
    report.cpu = meter.result()
    log(f"Done in {time.monotonic() - started:.1f} s: {len(report.rendered)} outputs rendered, "
        f"{len(report.reused)} unchanged.")
    return report


def _salt() -> str:
    """What every key depends on besides the sources: Dyade's own code, the
    tools' versions and an explicit SOURCE_DATE_EPOCH.  A new Dyade may
    render differently, so it renders everything again."""
    tools = []
    for name in ("mkdocs", "mkdocs-material", "python-docx", "typst", "pypandoc-binary", "jinja2", "ruamel.yaml"):
        try:
            tools.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            tools.append(f"{name}=?")
    package = Path(__file__).resolve().parent
    code = [(p.relative_to(package).as_posix(), file_digest(p)) for p in sorted(package.rglob("*.py"))]
    return digest(sys.version_info[:2], tools, code, os.environ.get("SOURCE_DATE_EPOCH", ""))


def _render(model: Model, root: Path, staging: Path, previous: Manifest | None, manifest: Manifest,
            log: Callable[[str], None]) -> Report:
    writers = registry.load()
    ctx = Context(root=root, staging=staging, epoch=source_epoch(root), salt=manifest.salt)
    for writer in writers:
        for note in writer.notes(model):
            log("  " + note)
    report = Report(model.languages, [], [])
    use_model(model)
    # Every Markdown text parsed once, here, before the workers are forked:
    # they inherit the resolved documents every writer reads.
    with cputime.stage("markdown"):
        document.resolve(model)
    # SOURCE_DATE_EPOCH also dates mkdocs' sitemap; the workers, forked now,
    # inherit it.  Restored afterwards: `serve` runs many builds in one process.
    explicit_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(ctx.epoch)
    workers = max(1, os.cpu_count() or 1)
    pool = _pool(workers, model, writers)
    # Writers that read others' outputs are planned per language, later.
    now = [w for w in writers if not w.needs]
    later = [w for w in writers if w.needs]
    needed = {name for w in writers for name in w.needs}
    try:
        stages = {w.name: w.stage for w in writers}
        run = _Scheduler(pool, workers, root, staging, previous, manifest, report, stages)
        for i, writer in enumerate(now):
            # Before a writer that keeps this process busy while it plans,
            # what is already planned goes straight to the workers.
            eager = any(w.slow_to_plan for w in now[i + 1:])
            with cputime.stage(writer.stage):
                planned = writer.plan(model, ctx, log, None)
            for task in planned:
                task.writer = writer.name
                run.add(task, eager=eager)
        waiting = {(w.name, lang) for w in later for lang in model.languages}
        done = 0
        documents = sum(t.writer in needed for t in [*run.queue, *run.pending.values()])
        log(f"Rendering {documents} documents, then the website of each language "
            f"({len(report.reused)} outputs unchanged)…")
        while True:
            for writer in later:
                for lang in model.languages:
                    if (writer.name, lang) in waiting and not run.unfinished(lang, writer.needs):
                        waiting.discard((writer.name, lang))
                        # Ahead of the queue: it was waiting for these outputs only.
                        with cputime.stage(writer.stage):
                            planned = writer.plan(model, ctx, log, lang)
                        for task in planned:
                            task.writer = writer.name
                            run.add(task, first=True)
            if not run.pending and not run.queue:
                break
            for task, warnings in run.wait():
                for warning in warnings:
                    log(f"  warning: {warning}")
                done += 1
                # The total counts the outputs of writers not planned yet
                # (one each; one may turn out unchanged).
                log(f"  [{done}/{len(report.rendered) + len(waiting)}] {task.name}")
    except BaseException:
        _stop(pool)
        raise
    finally:
        use_model(None)
        if explicit_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = explicit_epoch
    # The workers' own CPU was counted task by task; once reaped, this
    # process's children time includes it again, so shutting down counts for nothing.
    with cputime.ignored():
        pool.shutdown(wait=True)
    for writer in writers:
        for work in writer.work_dirs:
            shutil.rmtree(staging / work, ignore_errors=True)
    return report


class _Scheduler:
    """Reuses unchanged outputs, and keeps the workers busy with the others
    in queue order (never more tasks in flight than workers, so a site that
    becomes ready can still go ahead of the documents waiting)."""

    def __init__(self, pool, workers, root, staging, previous, manifest, report, stages):
        self.pool, self.workers, self.root, self.staging = pool, workers, root, staging
        self.stages = stages  # writer name -> the CPU stage its tasks count for
        self.previous, self.manifest, self.report = previous, manifest, report
        self.queue: list[Task] = []
        self.pending: dict[cf.Future, Task] = {}

    def add(self, task: Task, first: bool = False, eager: bool = False) -> None:
        """`first`: ahead of the queue; `eager`: straight to the pool, for
        tasks given while this process is about to be busy (the workers
        then go on without waiting for it to hand out the next task)."""
        previous = self.previous
        if previous and previous.intact(self.root, task.name, task.key):
            files = previous.tasks[task.name]["files"]
            link_outputs(self.root, self.staging, files)
            self.report.reused.append(task.name)
            self.manifest.tasks[task.name] = {"key": task.key, "files": files}
        else:
            self.report.rendered.append(task.name)
            self.manifest.tasks[task.name] = {"key": task.key, "files": {}}
            if eager:
                self.pending[self.pool.submit(cputime.measured, task.run, self.staging)] = task
            else:
                self.queue.insert(0, task) if first else self.queue.append(task)
        self._fill()

    def unfinished(self, lang: str, writers: tuple[str, ...]) -> bool:
        """Tasks of these writers in `lang` still queued or rendering."""
        return any(t.lang == lang and t.writer in writers for t in [*self.queue, *self.pending.values()])

    def wait(self) -> list[tuple[Task, list[str]]]:
        done, _ = cf.wait(self.pending, return_when=cf.FIRST_COMPLETED)
        finished = []
        for future in done:
            task = self.pending.pop(future)
            warnings, cpu = future.result()  # raises the task's BuildError
            cputime.add(self.stages.get(task.writer, "rest"), cpu)
            self.manifest.tasks[task.name]["files"] = files_of(self.staging, task.outputs)
            finished.append((task, warnings))
        self._fill()
        return finished

    def _fill(self) -> None:
        while self.queue and len(self.pending) < self.workers:
            task = self.queue.pop(0)
            self.pending[self.pool.submit(cputime.measured, task.run, self.staging)] = task


def _stop(pool: cf.Executor) -> None:
    """Stop at once: the build failed or was interrupted, its results are
    thrown away."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def _pool(workers: int, model: Model, writers) -> cf.Executor:
    """Worker processes.  Forked where possible: they start at once and
    share the loaded model.  Otherwise (Windows, or a process where a
    writer has done what a forked child would inherit broken, such as
    typst's threads) spawned, each receiving one copy of the model."""
    if "fork" in multiprocessing.get_all_start_methods() and all(w.fork_safe() for w in writers):
        for writer in writers:
            for module in writer.preload:
                importlib.import_module(module)
        return cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                      initializer=_worker_started)
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_worker_started, initargs=(model,))


def _worker_started(model: Model | None = None) -> None:
    # Ctrl-C is the parent's to handle; and a worker must not outlive a
    # parent that was killed (it would go on writing into a dead build).
    if model is not None:
        use_model(model)
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
