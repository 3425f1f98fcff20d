"""Shared fixtures: a private copy of the project, and one full build of the
bundled programme per test session (the writers' tests all read it)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("content", "forms", "templates", "schema", "mkdocs.yml")


def copy_project(dest: Path) -> Path:
    """Copy the sources (not outputs) of the bundled programme into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


def run_dyade(root: Path, *args: str, timeout: float = 900, **popen) -> subprocess.CompletedProcess:
    """Run `build.py` as a user would, in a separate process (`popen`: extra
    arguments of subprocess.run, e.g. preexec_fn)."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args, "--root", str(root)],
                          capture_output=True, text=True, timeout=timeout, **popen)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The bundled programme, built once; tests must not modify it."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_dyade(root, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def model():
    from dyade import sources
    return sources.load(ROOT)


# -- headless Chromium (one per session: Playwright's sync API allows one) ----------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: install the Debian package 'chromium'"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-CA")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
