"""What a build remembers between runs, in the project's `.dyade/` folder,
and how it puts new outputs in place without ever leaving them half done.

- `manifest.json`: the inputs of the last build (size, mtime, digest) and,
  per output, the key it was made from and the files it consists of.
- `swap.json`: the journal of a swap in progress.  New outputs are staged in
  `.dyade/staging-*`; once complete, the journal is written, then `site/`
  and `dist/` are exchanged with the staged ones.  A build killed in the
  middle is finished by the next one, which replays the journal.
- `lock`: one build at a time per project.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import bundled
from .errors import BuildError
from .tasks import file_digest

STATE_DIR = ".dyade"
OUTPUT_DIRS = ("dist", "site")
MANIFEST_FORMAT = 2
# The project's sources: everything a build reads besides Dyade itself.
SOURCE_DIRS = ("content", "forms", "templates")
SOURCE_FILES = ("mkdocs.yml",)
# Dyade's own templates and bundled sources, and its code: inputs too.
BUNDLED_ROOT = bundled.ROOT
CODE_DIR = bundled.PACKAGE
# Labels of Dyade's own files ("dyade:<path>") are relative to this folder.
PACKAGE_ROOT = CODE_DIR.parent


# -- inputs --------------------------------------------------------------------------

def input_files(root: Path) -> list[Path]:
    """Every file a build may read: the project's sources and Dyade's own
    code and bundled templates (a new Dyade may render differently)."""
    found: set[Path] = set()
    for base in dict.fromkeys([root, BUNDLED_ROOT]):
        for name in SOURCE_DIRS:
            folder = base / name
            if folder.is_dir():
                found.update(p for p in folder.rglob("*") if p.is_file() and not _ignored(p))
        for name in SOURCE_FILES:
            if (base / name).is_file():
                found.add(base / name)
    found.update(p for p in CODE_DIR.rglob("*.py") if "_bundled" not in p.relative_to(CODE_DIR).parts)
    return sorted(found)


def _ignored(path: Path) -> bool:
    # Editor back-ups and lock files change nothing in the outputs.
    name = path.name
    return name.startswith((".#", "~$")) or name.endswith(("~", ".swp", ".tmp")) or "__pycache__" in path.parts


def _label(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return "dyade:" + path.relative_to(PACKAGE_ROOT).as_posix()


def stat_inputs(root: Path) -> dict[str, list]:
    """{label: [size, mtime_ns]} of every input file."""
    out = {}
    for path in input_files(root):
        st = path.stat()
        out[_label(root, path)] = [st.st_size, st.st_mtime_ns]
    return out


def source_epoch(root: Path) -> int:
    """The build date: SOURCE_DATE_EPOCH when set, else the time of the
    project sources' last change (so two builds of the same sources carry
    the same date)."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        if not env.isdigit():
            raise BuildError(f"SOURCE_DATE_EPOCH={env!r} is not a number of seconds; unset it or fix it")
        return int(env)
    newest = 0
    for name in SOURCE_DIRS + SOURCE_FILES:
        path = root / name
        paths = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file() and not _ignored(p))
        for p in paths:
            newest = max(newest, int(p.stat().st_mtime))
    return max(newest, 315532800)  # not before 1980: zip archives cannot say it


# -- the manifest ----------------------------------------------------------------------

@dataclass
class Manifest:
    inputs: dict[str, list] = field(default_factory=dict)      # label -> [size, mtime_ns, sha256]
    salt: str = ""
    tasks: dict[str, dict] = field(default_factory=dict)       # name -> {"key": ..., "files": {path: [size, mtime_ns]}}
    languages: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"format": MANIFEST_FORMAT, "salt": self.salt, "inputs": self.inputs,
                           "tasks": self.tasks, "languages": self.languages}, sort_keys=True, indent=0)

    @classmethod
    def read(cls, path: Path) -> "Manifest | None":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != MANIFEST_FORMAT:
                return None
            return cls(inputs=data["inputs"], salt=data["salt"], tasks=data["tasks"], languages=data["languages"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # no usable record: everything is rebuilt

    def unchanged_inputs(self, root: Path, stats: dict[str, list]) -> bool:
        """True if every input is as recorded: same size and mtime, or, when
        only the mtime moved (a file saved without change), the same digest."""
        if set(stats) != set(self.inputs):
            return False
        for label, (size, mtime) in stats.items():
            rec = self.inputs[label]
            if rec[0] != size:
                return False
            if rec[1] != mtime and _digest_of(root, label) != rec[2]:
                return False
        return True

    def intact(self, root: Path, name: str, key: str) -> bool:
        """True if task `name` was made from `key` and its files are still
        there as the last build left them."""
        rec = self.tasks.get(name)
        return bool(rec) and rec["key"] == key and files_intact(root, rec["files"])

    def all_intact(self, root: Path) -> bool:
        return bool(self.tasks) and all(files_intact(root, rec["files"]) for rec in self.tasks.values())


def _digest_of(root: Path, label: str) -> str:
    path = PACKAGE_ROOT / label[len("dyade:"):] if label.startswith("dyade:") else root / label
    return file_digest(path)


def hashed_inputs(root: Path, stats: dict[str, list], previous: Manifest | None) -> dict[str, list]:
    """[size, mtime_ns, sha256] per input, reading only files whose size or
    mtime changed since the previous build."""
    out = {}
    for label, (size, mtime) in stats.items():
        rec = previous.inputs.get(label) if previous else None
        sha = rec[2] if rec and rec[0] == size and rec[1] == mtime else _digest_of(root, label)
        out[label] = [size, mtime, sha]
    return out


def files_of(root: Path, outputs: list[str]) -> dict[str, list]:
    """{path: [size, mtime_ns]} of the files that make up `outputs` (files
    or folders), relative to `root`."""
    files = {}
    for out in outputs:
        path = root / out
        items = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for p in items:
            st = p.stat()
            files[p.relative_to(root).as_posix()] = [st.st_size, st.st_mtime_ns]
    return files


def files_intact(root: Path, files: dict[str, list]) -> bool:
    for rel, (size, mtime) in files.items():
        try:
            st = (root / rel).stat()
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return True


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link to `source`, so nothing is copied; a copy keeping its date
    where the system refuses links (FAT and exFAT drives, some network and
    synchronised folders on Windows and macOS)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_outputs(root: Path, staging: Path, files: dict[str, list]) -> None:
    """Put the previous build's files of an unchanged output into the staging
    folder (nothing is rewritten)."""
    for rel in files:
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(root / rel, target)


# -- the state folder: lock, staging, journal ---------------------------------------------

class State:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.dir = self.root / STATE_DIR
        self.manifest_path = self.dir / "manifest.json"
        self.journal_path = self.dir / "swap.json"
        self._lock_file = None

    def lock(self) -> None:
        """Hold the project's build lock until the build ends.  The system's
        own lock where there is one (POSIX flock, Windows' msvcrt.locking),
        which it releases even when the build is killed; otherwise a lock
        file naming the process, taken over once that process is gone."""
        self.dir.mkdir(exist_ok=True)
        for take in LOCKS:
            held = take(self.dir)
            if held is UNAVAILABLE:
                continue
            if held is BUSY:
                break
            self._lock_file = held
            return
        raise BuildError("another build of this project is running; wait until it finishes, then try again")

    def unlock(self) -> None:
        if self._lock_file:
            self._lock_file.release()
            self._lock_file = None

    def manifest(self) -> Manifest | None:
        return Manifest.read(self.manifest_path)

    def save_manifest(self, manifest: Manifest) -> None:
        _write_atomically(self.manifest_path, manifest.to_json())

    def new_staging(self) -> Path:
        self.dir.mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=self.dir))
        for name in OUTPUT_DIRS:
            (staging / name).mkdir()
        return staging

    def recover(self) -> bool:
        """Finish a swap that a killed build started; remove what killed or
        failed builds left behind.  True if a swap was finished."""
        finished = False
        try:
            journal = json.loads(self.journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = None
        if isinstance(journal, dict) and (self.dir / str(journal.get("staging", ""))).is_dir():
            self._apply(self.dir / journal["staging"], journal)
            finished = True
        self.journal_path.unlink(missing_ok=True)
        for leftover in self.dir.glob("staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for name in OUTPUT_DIRS:  # left by Dyade before 0.2
            shutil.rmtree(self.root / f".{name}.old", ignore_errors=True)
        shutil.rmtree(self.root / ".dyade-staging", ignore_errors=True)
        return finished

    def swap_in(self, staging: Path, manifest: Manifest) -> None:
        """Put the staged site/ and dist/ (and their manifest) in place.

        The journal is written first, with the identity (inode) of each
        staged folder; each step can then be told done or not, and a build
        killed half-way is finished by `recover`."""
        (staging / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        journal = {"staging": staging.name,
                   "inodes": {name: (staging / name).stat().st_ino for name in OUTPUT_DIRS}}
        _write_atomically(self.journal_path, json.dumps(journal))
        self._apply(staging, journal)
        self.journal_path.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)

    def _apply(self, staging: Path, journal: dict) -> None:
        inodes = journal.get("inodes", {})
        for name in OUTPUT_DIRS:
            target, new = self.root / name, staging / name
            if _inode(target) == inodes.get(name) or name in journal.get("copied", []):
                continue  # already in place
            if not new.is_dir() or _inode(new) != inodes.get(name):
                continue  # nothing staged for it
            if target.exists() and exchange(new, target):
                continue  # swapped in one step: the old folder is now in staging
            if not target.exists() or _rename_folder(target, staging / f"old-{name}"):
                os.replace(new, target)
                continue
            # The folder cannot be moved (Windows: a program has a file in it
            # open, or it is a window's current folder): its files are
            # replaced instead.  Marked done in the journal, since the folder
            # keeps its identity.
            _replace_contents(new, target, staging / f"old-{name}")
            journal = {**journal, "copied": [*journal.get("copied", []), name]}
            _write_atomically(self.journal_path, json.dumps(journal))
        manifest = staging / "manifest.json"
        if manifest.is_file():
            os.replace(manifest, self.manifest_path)


# -- the build lock, as each system can hold it -------------------------------------------

class _HeldLock:
    def __init__(self, handle, release):
        self.handle, self._release = handle, release

    def release(self) -> None:
        self._release(self.handle)


BUSY = "busy"                # another build holds it
UNAVAILABLE = "unavailable"  # this system has no such lock: the next one is tried


def _flock(folder: Path):
    try:
        import fcntl
    except ImportError:
        return UNAVAILABLE
    handle = open(folder / "lock", "a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return BUSY
    return _HeldLock(handle, lambda h: h.close())


def _msvcrt_lock(folder: Path):
    try:
        import msvcrt
    except ImportError:
        return UNAVAILABLE
    handle = open(folder / "lock", "a+")
    try:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # its first byte; freed when the process ends
    except OSError:
        handle.close()
        return BUSY

    def release(h):
        try:
            h.seek(0)
            msvcrt.locking(h.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            h.close()
    return _HeldLock(handle, release)


def _pid_file(folder: Path):
    """`lock.pid`, created exclusively, holding this process's id; a file
    left by a process that no longer runs is stale and taken over."""
    path = folder / "lock.pid"
    for _attempt in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                owner = int(path.read_text(encoding="ascii").strip() or "0")
            except (OSError, ValueError):
                owner = 0
            if owner and _running(owner):
                return BUSY
            path.unlink(missing_ok=True)  # stale: its build was killed
            continue
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(str(os.getpid()))
        return _HeldLock(path, lambda p: p.unlink(missing_ok=True))
    return BUSY


def _running(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # os.kill would end the process there (never reached: Windows has msvcrt's lock)
    try:
        os.kill(pid, 0)  # asks only whether it exists (on Windows too)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists under another user, or the system cannot say
    return True


# Tried in order: the first this system has decides.
LOCKS = (_flock, _msvcrt_lock, _pid_file)


RENAME_ATTEMPTS = 5       # a folder held for a moment (an indexer, an antivirus) is retried
RENAME_PAUSE = 0.2         # seconds between attempts


def _rename_folder(source: Path, target: Path) -> bool:
    """Move a folder; False when the system keeps refusing (a file in it is
    held open by another program, as Windows does not allow)."""
    for attempt in range(RENAME_ATTEMPTS):
        try:
            os.replace(source, target)
            return True
        except PermissionError:
            if attempt + 1 < RENAME_ATTEMPTS:
                time.sleep(RENAME_PAUSE)
    return False


def _replace_contents(new: Path, target: Path, aside: Path) -> None:
    """Make `target` hold what `new` holds without moving `target` itself:
    its files are first moved into `aside` (all, or none: if one is held
    open, the others go back and nothing has changed), then the new ones
    are copied in.  Run again after a kill, it finishes the job."""
    moved: list[tuple[Path, Path]] = []
    for path in sorted((p for p in target.rglob("*") if not p.is_dir()), reverse=True):
        away = aside / path.relative_to(target)
        away.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, away)
        except PermissionError:
            for back, here in reversed(moved):
                os.replace(here, back)
            raise BuildError(f"{path} is open in another program, so the new {target.name}/ cannot be put in "
                             f"place; close it and build again (the previous {target.name}/ is unchanged)") from None
        moved.append((path, away))
    wanted = {p.relative_to(new) for p in new.rglob("*") if p.is_dir()}
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if folder.relative_to(target) not in wanted:
            try:
                folder.rmdir()
            except OSError:
                pass  # held open (a window's current folder): left, empty
    shutil.copytree(new, target, dirs_exist_ok=True)


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


_RENAME_EXCHANGE = 2
_renameat2 = None


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where the system
    cannot, and the caller then uses two renames."""
    global _renameat2
    if not sys.platform.startswith("linux"):
        return False
    if _renameat2 is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            _renameat2 = libc.renameat2
            _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        except (OSError, AttributeError):
            _renameat2 = False
    if not _renameat2:
        return False
    at_fdcwd = -100
    return _renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0
