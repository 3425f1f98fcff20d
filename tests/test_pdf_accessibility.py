"""Every PDF of the build, checked by an accessibility checker (outloud:
PDF/UA-1 conformance and WCAG-minded semantic rules) as a reader's
assistive technology would meet it.

Skipped, by name:
- TAG-002 "prose marked /Artifact": it reports the running heads and page
  footers, which PDF/UA asks to be artifacts (they repeat on every page; a
  screen reader reading them on each page would be noise).
Everything else that outloud rates an error must be absent, and no e-mail or
web address may be printed as text without a link over it (LNK-010).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

SKIPPED = ["TAG-002"]


def test_no_accessibility_error_and_no_unlinked_address_in_any_pdf(built, tmp_path):
    outloud = shutil.which("outloud", path=str(Path(sys.executable).parent))
    assert outloud, "outloud is missing: pip install -e '.[test]'"
    pdfs = sorted(str(p) for p in (built / "dist").rglob("*.pdf"))
    assert len(pdfs) > 20
    report = tmp_path / "outloud.json"
    subprocess.run([outloud, "--skip", ",".join(SKIPPED), "--fail-on", "never", "--quiet", "--json", str(report),
                    *pdfs], check=True, capture_output=True, timeout=900)
    results = json.loads(report.read_text(encoding="utf-8"))["results"]
    assert len(results) == len(pdfs)
    problems = []
    for result in results:
        assert result["error"] is None, f"{result['path']}: {result['error']}"
        for finding in result["findings"]:
            rule = finding.get("rule") or finding.get("id")
            if finding.get("severity") == "error" or rule == "LNK-010":
                problems.append(f"{Path(result['path']).relative_to(built)}: {rule} {finding.get('message', finding)}")
    assert not problems, "\n".join(problems)
