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

from . import sources
from .errors import BuildError
from .model import Model
from .state import Manifest, State, files_of, hashed_inputs, link_outputs, source_epoch, stat_inputs
from .tasks import Context, Task, digest

# The model of the build in progress: worker processes are forked after it
# is loaded and read it from here instead of receiving a copy per task.
_MODEL: Model | None = None


def current_model() -> Model:
    if _MODEL is None:
        raise BuildError("no model is loaded (a writer task ran outside a build)")
    return _MODEL


@dataclass
class Report:
    languages: list[str]
    rendered: list[str]       # tasks that ran
    reused: list[str]         # tasks whose previous outputs were kept
    nothing_changed: bool = False


def build(root: Path, log: Callable[[str], None], force: bool = False) -> Report:
    """Check and build everything that changed; raise SourceErrors or BuildError."""
    root = Path(root).resolve()
    started = time.monotonic()
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
            return Report(previous.languages, [], list(previous.tasks), nothing_changed=True)
        log("Checking the sources…")
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
    log(f"Done in {time.monotonic() - started:.1f} s: {len(report.rendered)} outputs rendered, "
        f"{len(report.reused)} unchanged.")
    return report


def _salt() -> str:
    """What every key depends on besides the sources: the tools' versions and
    an explicit SOURCE_DATE_EPOCH (Dyade's own code is an input file)."""
    tools = []
    for name in ("mkdocs", "mkdocs-material", "python-docx", "typst", "pypandoc-binary", "jinja2", "ruamel.yaml"):
        try:
            tools.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            tools.append(f"{name}=?")
    return digest(sys.version_info[:2], tools, os.environ.get("SOURCE_DATE_EPOCH", ""))


def _render(model: Model, root: Path, staging: Path, previous: Manifest | None, manifest: Manifest,
            log: Callable[[str], None]) -> Report:
    from .writers import docx, pdf, site

    global _MODEL
    ctx = Context(root=root, staging=staging, epoch=source_epoch(root), salt=manifest.salt)
    note = docx.logo_note(model)
    if note:
        log("  " + note)
    log("Planning the documents…")
    documents = docx.plan(model, ctx) + pdf.plan(model, ctx, log)
    documents.sort(key=lambda t: (model.languages.index(t.lang), -t.weight))
    report = Report(model.languages, [], [])
    _MODEL = model
    # SOURCE_DATE_EPOCH also dates mkdocs' sitemap; the workers, forked now,
    # inherit it.  Restored afterwards: `serve` runs many builds in one process.
    explicit_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(ctx.epoch)
    workers = max(1, os.cpu_count() or 1)
    pool = _pool(workers)
    try:
        pending: dict[cf.Future, Task] = {}
        queue: list[Task] = []
        waiting = {lang: 0 for lang in model.languages}
        sites_started: set[str] = set()
        document_names = {t.name for t in documents}

        def start(task: Task) -> bool:
            """Reuse the task's previous outputs (True) or send it to a worker."""
            if previous and previous.intact(root, task.name, task.key):
                files = previous.tasks[task.name]["files"]
                link_outputs(root, staging, files)
                report.reused.append(task.name)
                manifest.tasks[task.name] = {"key": task.key, "files": files}
                return True
            report.rendered.append(task.name)
            manifest.tasks[task.name] = {"key": task.key, "files": {}}
            # A site goes ahead of the queued documents: it is the longest
            # task, and its language's documents are all done.
            queue.insert(0, task) if task.name.startswith("site/") else queue.append(task)
            return False

        def fill() -> None:
            # Only as many tasks in flight as workers, so the queue order
            # (not the pool's) decides what runs next.
            while queue and len(pending) < workers:
                task = queue.pop(0)
                pending[pool.submit(task.run, staging)] = task

        def start_ready_sites() -> None:
            for lang in model.languages:
                if waiting[lang] == 0 and lang not in sites_started:
                    sites_started.add(lang)
                    start(site.prepare(model, ctx, lang))

        for task in documents:
            waiting[task.lang] += 1
        for task in documents:
            if start(task):
                waiting[task.lang] -= 1
        start_ready_sites()
        start(site.plan_index(model, ctx))
        fill()
        total = len(pending) + len(queue)
        if total:
            log(f"Rendering {total} outputs ({len(report.reused)} unchanged)…")
        done = 0
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                for warning in future.result():  # raises the task's BuildError
                    log(f"  warning: {warning}")
                manifest.tasks[task.name]["files"] = files_of(staging, task.outputs)
                done += 1
                log(f"  [{done}/{total}] {task.name}")
                if task.name in document_names:
                    waiting[task.lang] -= 1
            start_ready_sites()
            fill()
            total = max(total, done + len(pending) + len(queue))
    except BaseException:
        _stop(pool)
        raise
    finally:
        _MODEL = None
        if explicit_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = explicit_epoch
    pool.shutdown(wait=True)
    for work in (pdf.WORK_DIR, site.WORK_DIR):
        shutil.rmtree(staging / work, ignore_errors=True)
    return report


def _stop(pool: cf.Executor) -> None:
    """Stop at once: the build failed or was interrupted, its results are
    thrown away."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def _pool(workers: int) -> cf.Executor:
    """Worker processes, forked so they share the loaded model; threads
    where fork does not exist (the work is then less parallel)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return cf.ThreadPoolExecutor(max_workers=workers)
    import typst  # noqa: F401  (imported once here rather than in every worker)

    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                  initializer=_worker_started)


def _worker_started() -> None:
    # Ctrl-C is the parent's to handle; and a worker must not outlive a
    # parent that was killed (it would go on writing into a dead build).
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
