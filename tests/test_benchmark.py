"""The benchmark's synthetic-programme generator keeps producing a valid
programme (benchmarks/synthetic.py; the benchmark itself is
`python benchmarks/run.py`).  No timings are asserted here."""
from __future__ import annotations

import importlib.util
import re

from conftest import ROOT, run_dyade


def _synthetic():
    spec = importlib.util.spec_from_file_location("dyade_bench_synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _counts(summary: str) -> dict[str, int]:
    # The bundled programme's summary is in French, its first language.
    return {kind: int(n) for n, kind in re.findall(r"(\d+) (chapitres|formulaires|annexes|ateliers)\b", summary)}


def test_twice_the_programme_passes_check(project):
    before = run_dyade(project, "check")
    assert before.returncode == 0, before.stdout + before.stderr

    synthetic = _synthetic()
    counts = synthetic.replicate(project, 2)

    after = run_dyade(project, "check")
    assert after.returncode == 0, after.stdout + after.stderr
    assert _counts(after.stdout) == {kind: 2 * n for kind, n in _counts(before.stdout).items()}
    assert counts["chapter"] == 2 * _counts(before.stdout)["chapitres"]
    # The references of the second copy point into the second copy.
    refs = [m.group(2) for path in project.rglob("*-r2.yml")
            for m in synthetic.REF_RE.finditer(path.read_text(encoding="utf-8"))]
    assert refs and all(ident.endswith("-r2") for ident in refs)
