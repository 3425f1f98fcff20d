"""Dyade installed like any Python tool, without this repository: a wheel is
built, installed (not editable) into a folder of its own, and its `dyade`
makes a new project and builds it in an empty folder outside the repository.
Everything it needs besides pip's packages (templates, interface strings,
site assets, schemas, the example programme) must come from the wheel."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "wheels"),
                            str(ROOT)], capture_output=True, text=True, timeout=600, cwd=str(work))
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((work / "wheels").glob("dyade-*.whl"))
    target = work / "site-packages"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def dyade(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # The installed script, with its own copy of Dyade first on the path; the
    # dependencies come from this Python's environment.
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run([sys.executable, str(installed / "bin" / "dyade"), *args], cwd=str(cwd), env=env,
                          capture_output=True, text=True, timeout=900)


def test_the_wheel_carries_what_dyade_needs(installed):
    bundled = installed / "dyade" / "_bundled"
    for rel in ("templates/strings.yml", "templates/pdf/lib.typ", "templates/pdf/fonts/DejaVuSans-WinAnsi.ttf",
                "templates/site/assets/dyade-fill.js", "templates/site/assets/vendor/fflate.js",
                "templates/reports", "schema/form.schema.json", "content/programme.yml", "forms", "mkdocs.yml"):
        assert (bundled / rel).exists(), rel
    tracked = subprocess.run(["git", "ls-files", "templates", "content", "forms", "schema", "mkdocs.yml"],
                             cwd=str(ROOT), capture_output=True, text=True, check=True).stdout.split()
    missing = [rel for rel in tracked if not (bundled / rel).is_file()]
    assert not missing, missing


def test_installed_dyade_makes_and_builds_a_new_programme_outside_the_repository(installed, tmp_path):
    where = subprocess.run([sys.executable, "-c", "import dyade.bundled as b; print(b.ROOT)"], cwd=str(tmp_path),
                           env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True)
    assert Path(where.stdout.strip()) == installed / "dyade" / "_bundled", where.stdout + where.stderr
    made = dyade(installed, tmp_path, "new", "clinic", "--name", "Northside Clinic Preceptorship",
                 "--short-name", "NCP", "--languages", "en,fr")
    assert made.returncode == 0, made.stdout + made.stderr
    project = tmp_path / "clinic"
    built = dyade(installed, project, "--quiet")
    assert built.returncode == 0, built.stdout + built.stderr
    assert f"Project folder: {project}" in built.stdout
    for lang in ("en", "fr"):
        assert (project / "site" / lang / "index.html").is_file()
        assert list((project / "dist" / lang / "forms").glob("*.docx"))
        assert (project / "dist" / lang / "guide.pdf").is_file()
    assert str(ROOT) not in (project / "site" / "en" / "index.html").read_text(encoding="utf-8")


def test_installed_dyade_copies_the_example_programme(installed, tmp_path):
    made = dyade(installed, tmp_path, "new", "example", "--example")
    assert made.returncode == 0, made.stdout + made.stderr
    checked = dyade(installed, tmp_path / "example", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (tmp_path / "example" / "forms").is_dir()
