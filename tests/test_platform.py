"""What Windows and macOS do differently, forced here on Linux: a build lock
without `fcntl`, hard links refused, a folder that cannot be moved because a
program holds a file in it, a file that cannot be replaced.  Each fallback
must give the same outputs as the Linux path, or refuse in one plain line
and leave the previous outputs as they were."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
import types

import pytest

from conftest import ROOT, run_dyade
from dyade import pipeline
from dyade import state as st
from dyade.errors import BuildError
from test_check import tiny  # noqa: F401  (fixture)
from test_engine import consistent, digests


def quiet(msg: str) -> None:
    pass


@pytest.fixture
def no_fcntl(monkeypatch):
    # `import fcntl` then fails, as on Windows (and Linux has no msvcrt)
    monkeypatch.setitem(sys.modules, "fcntl", None)


# -- the build lock -----------------------------------------------------------------

def test_without_fcntl_or_msvcrt_a_lock_file_names_the_build(tmp_path, no_fcntl):
    first = st.State(tmp_path)
    first.lock()
    held = tmp_path / ".dyade" / "lock.pid"
    assert held.read_text(encoding="ascii") == str(os.getpid())
    with pytest.raises(BuildError, match="another build of this project is running"):
        st.State(tmp_path).lock()
    first.unlock()
    assert not held.exists()
    st.State(tmp_path).lock()  # free again


def test_a_lock_file_left_by_a_killed_build_is_taken_over(tmp_path, no_fcntl):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".dyade").mkdir()
    (tmp_path / ".dyade" / "lock.pid").write_text(str(dead.pid), encoding="ascii")
    lock = st.State(tmp_path)
    lock.lock()
    assert (tmp_path / ".dyade" / "lock.pid").read_text(encoding="ascii") == str(os.getpid())
    lock.unlock()


def test_a_whole_build_runs_under_the_lock_file(tiny, no_fcntl):
    report = pipeline.build(tiny, quiet)
    assert report.rendered and not (tiny / ".dyade" / "lock.pid").exists()
    consistent(tiny)


def test_windows_lock_is_taken_on_the_first_byte_and_given_back(tmp_path, no_fcntl, monkeypatch):
    # Windows' msvcrt cannot run here: a stand-in with its interface and
    # semantics (a byte range locked, without waiting) records what the lock does.
    calls = []
    held: dict[int, int] = {}

    def locking(fd, mode, nbytes):
        calls.append((mode, nbytes, os.lseek(fd, 0, os.SEEK_CUR)))
        key = os.fstat(fd).st_ino
        if mode == fake.LK_NBLCK:
            if held.get(key, 0):
                raise OSError(errno.EACCES, "locked")
            held[key] = 1
        elif mode == fake.LK_UNLCK:
            held[key] = 0

    fake = types.SimpleNamespace(LK_NBLCK=2, LK_UNLCK=0, locking=locking)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    first = st.State(tmp_path)
    first.lock()
    with pytest.raises(BuildError, match="another build of this project is running"):
        st.State(tmp_path).lock()
    first.unlock()
    st.State(tmp_path).lock()
    assert calls[0] == (fake.LK_NBLCK, 1, 0)   # the first byte, without waiting
    assert (fake.LK_UNLCK, 1, 0) in calls
    assert not (tmp_path / ".dyade" / "lock.pid").exists()  # the system's lock, not the file


# -- hard links refused ----------------------------------------------------------------

def test_where_hard_links_are_refused_outputs_are_copied(tiny, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    pipeline.build(tiny, quiet)
    monkeypatch.setattr(os, "link", refuse)
    form = next((tiny / "forms").glob("*.yml"))
    form.write_text(form.read_text(encoding="utf-8").replace("label: {fr: Nom, en: Name}",
                                                            "label: {fr: Nom, en: Full name}"), encoding="utf-8")
    report = pipeline.build(tiny, quiet)
    assert report.reused and "dist/fr/guide.pdf" in report.reused
    downloads = [p for p in (tiny / "site").rglob("*") if p.is_file() and "downloads" in p.parts]
    assert downloads and all(p.stat().st_nlink == 1 for p in downloads)
    assert all(p.stat().st_nlink == 1 for p in (tiny / "dist").rglob("*") if p.is_file())
    consistent(tiny)


# -- a folder held open ------------------------------------------------------------------

def edit(root):
    programme = root / "content" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace("en: ", "en: New ", 1), encoding="utf-8")


def test_a_folder_that_cannot_be_moved_gets_its_files_replaced(tiny, tmp_path, monkeypatch):
    pipeline.build(tiny, quiet)
    (tiny / "site" / "stray.txt").write_text("left by hand", encoding="utf-8")
    edit(tiny)
    reference = tmp_path / "reference"
    import shutil
    shutil.copytree(tiny, reference)
    pipeline.build(reference, quiet)  # the same sources, built the usual way
    monkeypatch.setattr(st, "exchange", lambda a, b: False)   # no renameat2 (Windows, macOS)
    monkeypatch.setattr(st, "RENAME_PAUSE", 0)
    real_replace = os.replace

    def held(src, dst):
        # a program holds a file in site/ and dist/: the folders cannot move
        if os.path.realpath(src) in {str(tiny / "site"), str(tiny / "dist")}:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", held)
    site_inode = (tiny / "site").stat().st_ino
    pipeline.build(tiny, quiet)
    assert (tiny / "site").stat().st_ino == site_inode  # the same folder, new files
    assert digests(tiny) == digests(reference)
    assert not (tiny / "site" / "stray.txt").exists()
    assert not (tiny / ".dyade" / "swap.json").exists() and not list((tiny / ".dyade").glob("staging-*"))
    consistent(tiny)


def test_a_file_held_open_leaves_the_previous_outputs_and_says_which(tiny, monkeypatch):
    pipeline.build(tiny, quiet)
    before = digests(tiny)
    edit(tiny)
    monkeypatch.setattr(st, "exchange", lambda a, b: False)
    monkeypatch.setattr(st, "RENAME_PAUSE", 0)
    real_replace = os.replace
    opened = tiny / "dist" / "fr" / "guide.pdf"

    def held(src, dst):
        if os.path.realpath(src) in {str(tiny / "site"), str(tiny / "dist"), str(opened)}:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", held)
    with pytest.raises(BuildError) as caught:
        pipeline.build(tiny, quiet)
    assert "guide.pdf is open in another program" in str(caught.value)
    assert "close it and build again" in str(caught.value)
    assert digests(tiny) == before  # every file moved aside went back; site/ waits for dist/
    monkeypatch.undo()
    result = run_dyade(tiny)
    assert result.returncode == 0, result.stderr
    consistent(tiny)


KILLED_WHILE_REPLACING = """
import errno, os, shutil, signal, sys
from pathlib import Path
from dyade import pipeline
from dyade import state as st
root = Path(sys.argv[1])
held = {str(root / "site"), str(root / "dist")}
real_replace, real_copytree = os.replace, shutil.copytree
copied = []
def replace(src, dst):
    if os.path.realpath(src) in held:   # a program holds a file in site/ and dist/
        raise PermissionError(errno.EACCES, "The process cannot access the file", str(src))
    return real_replace(src, dst)
def copy(src, dst, **kwargs):
    if len(copied) == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # killed while replacing the files
    copied.append(dst)
    return shutil.copy2(src, dst, **kwargs)
def copytree(src, dst, symlinks=False, ignore=None, copy_function=shutil.copy2, *rest, **kwargs):
    into = str(dst).startswith(tuple(held))
    return real_copytree(src, dst, symlinks, ignore, copy if into else copy_function, *rest, **kwargs)
st.exchange = lambda a, b: False
st.RENAME_PAUSE = 0
os.replace = replace
st.shutil.copytree = copytree
pipeline.build(root, lambda msg: None)
"""


def test_a_build_killed_while_replacing_files_is_finished_by_the_next(tiny):
    pipeline.build(tiny, quiet)
    edit(tiny)
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_REPLACING, str(tiny)], capture_output=True,
                            text=True, cwd=str(ROOT), timeout=300)
    assert killed.returncode == -9, killed.stderr
    assert (tiny / ".dyade" / "swap.json").is_file()
    result = run_dyade(tiny)
    assert result.returncode == 0, result.stderr
    assert "Finished putting in place the outputs of a build that was interrupted." in result.stdout
    consistent(tiny)
    assert "(nothing changed)" in result.stdout.splitlines()[-1]


def test_a_console_without_the_characters_prints_question_marks_not_a_traceback(tiny):
    # Windows' legacy consoles (cp1252, cp850) lack "…", "«" and "→"
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--root", str(tiny)],
                            capture_output=True, env={**os.environ, "PYTHONIOENCODING": "ascii"}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"?" in result.stdout  # "…" and the accents of the summary, replaced
