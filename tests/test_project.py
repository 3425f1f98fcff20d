"""Finding the project (issue 18, item 4): every command walks up from the
current folder to the nearest folder holding content/programme.yml, says
which folder it uses on its first line, and refuses plainly when there is
none; the bundled programme is used only when --root names it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from test_check import make_tiny


def dyade_in(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """build.py run from `folder`, without --root, as a coordinator types it."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=folder,
                          capture_output=True, text=True, timeout=300)


def test_check_from_a_sub_folder_finds_the_project(tmp_path):
    tiny = make_tiny(tmp_path / "tiny")
    result = dyade_in(tiny / "content" / "guide", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Project folder: {tiny.resolve()}"
    assert lines[-1].startswith("0 problème : 1 chapitre,")  # the tiny programme's one chapter, not the bundled 18
    assert (tiny / "schema" / "form.schema.json").is_file()  # in the project, not in the folder it was run from
    assert not (tiny / "content" / "guide" / "schema").exists()


def test_check_from_the_project_folder_itself(tmp_path):
    tiny = make_tiny(tmp_path / "tiny")
    result = dyade_in(tiny, "check", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == f"Project folder: {tiny.resolve()}"


def test_no_project_is_one_plain_line_and_exit_1(tmp_path):
    # A folder with content/ but no programme.yml is no project either.
    (tmp_path / "elsewhere" / "content").mkdir(parents=True)
    for command in ("check", "build", "schema", "collect"):
        result = dyade_in(tmp_path / "elsewhere", command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith(f"No Dyade project here: neither {(tmp_path / 'elsewhere').resolve()} nor any folder "
                               "above it holds content/programme.yml."), line
        assert "--root DIR" in line and "Traceback" not in result.stderr
    assert not (tmp_path / "elsewhere" / "schema").exists() and not (tmp_path / "elsewhere" / "site").exists()


def test_the_bundled_programme_is_built_only_when_named(tmp_path):
    result = dyade_in(tmp_path, "check")
    assert result.returncode == 1 and "No Dyade project here" in result.stderr
    named = dyade_in(tmp_path, "check", "--root", str(ROOT))
    assert named.returncode == 0, named.stderr
    assert named.stdout.splitlines()[0] == f"Project folder: {ROOT}"


def test_the_nearest_project_wins(tmp_path):
    outer = make_tiny(tmp_path / "outer")
    inner = make_tiny(outer / "nested")
    assert dyade_in(inner / "forms", "check").stdout.splitlines()[0] == f"Project folder: {inner.resolve()}"
    assert dyade_in(outer / "forms", "check").stdout.splitlines()[0] == f"Project folder: {outer.resolve()}"


def test_reading_a_returned_form_uses_the_project_the_current_folder_is_in(tmp_path, monkeypatch):
    from dyade import readback

    tiny = make_tiny(tmp_path / "tiny")
    monkeypatch.chdir(tiny / "forms")
    model = readback._default_model()
    assert model is not None and [f.id for f in model.forms] == ["intake"]
