"""`python build.py serve`: preview the site and rebuild it when a source changes.

The site is built once, then `site/` is served on http://localhost:8000/
while the sources (content/, forms/, templates/, mkdocs.yml) are watched:
the file system's own notifications (through watchdog) wake the loop at
once, and a poll every second is the fallback where there are none.  A
change renders the website alone first (the open pages reload), then the
full build; when it fails, the problems are printed and shown on the open
pages, and the last good site stays online (builds only replace `site/`
when they succeed).
"""
from __future__ import annotations

import functools
import json
import shutil
import http.server
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from .. import pipeline
from ..errors import BuildError, SourceErrors
from .serve_live import EVENTS_PATH, PREVIEW_DIR, Live, inject, preview, script

WATCHED = ("content", "forms", "templates", "mkdocs.yml")
POLL_SECONDS = 1.0  # the fallback when the file system sends no notifications
QUIET_SECONDS = 0.05  # an editor saving several files: wait until they stop coming
SETTLE_MAX_SECONDS = 1.0


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every watched file; a changed dict means a change."""
    found = {}
    for name in WATCHED:
        top = root / name
        paths = [top] if top.is_file() else (p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []
        for path in paths:
            try:
                st = path.stat()
            except OSError:  # deleted while we looked
                continue
            found[str(path)] = (st.st_mtime_ns, st.st_size)
    return found


class Changes:
    """Set as soon as the file system reports a change under the watched
    sources, so that an edit is rebuilt at once rather than at the next poll.
    Without watchdog or notifications (some network drives), `wait` simply
    times out and the poll finds the change."""

    def __init__(self, root: Path):
        self.event = threading.Event()
        self.observer = None
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            return
        event = self.event

        class Handler(FileSystemEventHandler):
            def on_any_event(self, _):
                event.set()

        try:
            observer = Observer()
            for name in WATCHED:
                path = root / name
                if path.is_dir():
                    observer.schedule(Handler(), str(path), recursive=True)
            observer.daemon = True
            observer.start()
        except OSError:  # no more inotify watches, and the like: polling still works
            return
        self.observer = observer

    def wait(self, timeout: float) -> None:
        self.event.wait(timeout)
        self.event.clear()

    def settle(self) -> None:
        """Wait until the notifications stop coming (an editor writing a
        temporary file then renaming it, or a save of several files)."""
        if self.observer is None:
            time.sleep(0.3)
            return
        deadline = time.monotonic() + SETTLE_MAX_SECONDS
        while self.event.wait(QUIET_SECONDS) and time.monotonic() < deadline:
            self.event.clear()

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()


def website_first(root: Path, log: Callable[[str], None], live: Live,
                  digests: dict[str, str]) -> dict[str, str] | None:
    """The website alone, before the documents; the open pages reload as soon
    as it is ready.  None when the sources have problems."""
    started = time.monotonic()
    try:
        digests = preview(root, digests, log, rendered=live.rendered)
    except SourceErrors as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr, flush=True)
        print(f"{len(exc.problems)} problem(s) found; {_meanwhile(root)}", file=sys.stderr, flush=True)
        live.update(building=False, problems=[str(p) for p in exc.problems])
        return None
    except (BuildError, OSError) as exc:
        print(f"Build failed: {exc}; {_meanwhile(root)}", file=sys.stderr, flush=True)
        live.update(building=False, problems=[f"Build failed: {exc}"])
        return None
    live.update(building=True, problems=[])  # each language's pages reloaded as it was rendered
    print(f"Website rebuilt in {time.monotonic() - started:.1f} s; the open pages reload by themselves; "
          "now the documents…", flush=True)
    return digests


def rebuild(root: Path, log: Callable[[str], None], live: Live | None = None, reload: bool = True) -> bool:
    """One build; problems are printed (and given to the open pages), never raised."""
    live = live or Live()
    live.update(building=True)
    try:
        pipeline.build(root, log)
    except SourceErrors as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr, flush=True)
        print(f"{len(exc.problems)} problem(s) found; {_meanwhile(root)}", file=sys.stderr, flush=True)
        live.update(building=False, problems=[str(p) for p in exc.problems])
        return False
    except (BuildError, OSError) as exc:
        print(f"Build failed: {exc}; {_meanwhile(root)}", file=sys.stderr, flush=True)
        live.update(building=False, problems=[f"Build failed: {exc}"])
        return False
    live.update(building=False, problems=[], version=live.version + (1 if reload else 0))
    return True


def _meanwhile(root: Path) -> str:
    """What the preview shows until the next build succeeds."""
    if (Path(root) / "site" / "index.html").is_file():
        return "still serving the last good site."
    return "there is no site to show yet: fix the problems and save, the preview then builds again."


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, live: Live, tag: bytes, stop: threading.Event, preview: str, **kwargs):
        self.live, self.tag, self.stop = live, tag, stop
        self.preview = preview if Path(preview).is_dir() else None
        super().__init__(*args, **kwargs)

    def translate_path(self, path):
        """The preview's website first (rendered before the documents), else site/."""
        found = super().translate_path(path)
        if self.preview:
            inside = Path(self.preview) / Path(found).relative_to(self.directory)
            if inside.exists():
                return str(inside)
        return found

    def do_GET(self):
        if self.path.split("?")[0] == EVENTS_PATH:
            return self._events()
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            try:
                body = inject(path.read_bytes(), self.tag)
            except OSError:  # replaced by a build while we read it: the base class answers
                return super().do_GET()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        return super().do_GET()

    def _events(self):
        """Server-Sent Events: the live state now, then at every change."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state = self.live.state()
        try:
            while not self.stop.is_set():
                self.wfile.write(f"data: {json.dumps(state)}\n\n".encode("utf-8"))
                self.wfile.flush()
                state = self.live.wait(state)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # one line per request would drown the build messages

    def end_headers(self):
        # A preview must never show a stale page after a rebuild.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


HELP = "preview the site at http://localhost:8000/ and rebuild it whenever a source changes"


def add_arguments(parser) -> None:
    parser.add_argument("--port", type=int, default=8000,
                        help="serve: the port to preview the site on (default 8000)")


def run(args, root: Path, log: Callable[[str], None]) -> int:
    return serve(root, log, port=args.port)


def serve(root: Path, log: Callable[[str], None], port: int = 8000, host: str = "localhost",
          stop: threading.Event | None = None) -> int:
    root = Path(root).resolve()
    stop = stop or threading.Event()
    seen = snapshot(root)
    digests: dict[str, str] = {}
    shutil.rmtree(root / PREVIEW_DIR, ignore_errors=True)  # a preview left by an earlier session
    live = Live()
    rebuild(root, log, live)
    handler = functools.partial(_Handler, directory=str(root / "site"), live=live, tag=script(root), stop=stop,
                                preview=str(root / PREVIEW_DIR / "site"))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        print(f"Cannot serve on {host}:{port}: {exc.strerror or exc} — is another preview running?", file=sys.stderr)
        return 1
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="dyade-serve", daemon=True)
    thread.start()
    print(f"Serving the site on http://{host}:{server.server_address[1]}/ — edit a source to rebuild; "
          "Ctrl+C to stop.", flush=True)
    changes = Changes(root)
    try:
        while not stop.is_set():
            changes.wait(POLL_SECONDS)
            if stop.is_set() or snapshot(root) == seen:
                continue
            changes.settle()
            seen = snapshot(root)  # changes made during the build trigger the next one
            log("Sources changed; rebuilding…")
            previewed = website_first(root, log, live, digests)
            if previewed is None:
                # The full build would find the same problems; the preview on
                # screen is still the one `digests` describes.
                continue
            digests = previewed
            if rebuild(root, log, live, reload=False):
                # The preview stays: its pages are site/'s, and its dist/ links
                # to the new documents; keeping it lets the next edit render
                # only the languages it changes.
                print("Rebuilt the documents too; the open pages reload by themselves.", flush=True)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        stop.set()
        changes.stop()
        live.update()
        server.shutdown()
        server.server_close()
    return 0
