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
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError
from .tasks import file_digest

STATE_DIR = ".dyade"
OUTPUT_DIRS = ("dist", "site")
MANIFEST_FORMAT = 2
# The project's sources: everything a build reads besides Dyade itself.
SOURCE_DIRS = ("content", "forms", "templates")
SOURCE_FILES = ("mkdocs.yml",)
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


# -- inputs --------------------------------------------------------------------------

def input_files(root: Path) -> list[Path]:
    """Every file a build may read: the project's sources and Dyade's own
    code and bundled templates (a new Dyade may render differently)."""
    found: set[Path] = set()
    for base in dict.fromkeys([root, PACKAGE_ROOT]):
        for name in SOURCE_DIRS:
            folder = base / name
            if folder.is_dir():
                found.update(p for p in folder.rglob("*") if p.is_file() and not _ignored(p))
        for name in SOURCE_FILES:
            if (base / name).is_file():
                found.add(base / name)
    found.update(p for p in (PACKAGE_ROOT / "dyade").rglob("*.py"))
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


def link_outputs(root: Path, staging: Path, files: dict[str, list]) -> None:
    """Put the previous build's files of an unchanged output into the staging
    folder: hard links, so nothing is copied or rewritten (a copy that keeps
    the date where links are not possible)."""
    for rel in files:
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(root / rel, target)
        except OSError:
            shutil.copy2(root / rel, target)


# -- the state folder: lock, staging, journal ---------------------------------------------

class State:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.dir = self.root / STATE_DIR
        self.manifest_path = self.dir / "manifest.json"
        self.journal_path = self.dir / "swap.json"
        self._lock_file = None

    def lock(self) -> None:
        """Hold the project's build lock until the process ends (the system
        releases it even when the build is killed)."""
        self.dir.mkdir(exist_ok=True)
        self._lock_file = open(self.dir / "lock", "a+")
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks here
            return
        try:
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BuildError("another build of this project is running; wait until it finishes, then try again")

    def unlock(self) -> None:
        if self._lock_file:
            self._lock_file.close()
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
            if _inode(target) == inodes.get(name):
                continue  # already in place
            if not new.is_dir() or _inode(new) != inodes.get(name):
                continue  # nothing staged for it
            if target.exists() and exchange(new, target):
                continue  # swapped in one step: the old folder is now in staging
            if target.exists():
                os.replace(target, staging / f"old-{name}")
            os.replace(new, target)
        manifest = staging / "manifest.json"
        if manifest.is_file():
            os.replace(manifest, self.manifest_path)


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
