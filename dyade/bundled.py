"""Where Dyade's own files are: its templates (site, PDF, reports, the
interface strings), the JSON Schemas and the bundled programme that
`dyade new --example` copies and that a project without its own templates
falls back on.

In this repository they are at the top level, beside `dyade/`, where they
are edited; an installed wheel carries them in `dyade/_bundled/`
(pyproject.toml's package data).  Every module finds them here, so the two
layouts behave the same.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent          # dyade/, the code
_CHECKOUT = PACKAGE.parent
_INSTALLED = PACKAGE / "_bundled"

# The folder holding templates/, content/, forms/, schema/ and mkdocs.yml.
ROOT = _CHECKOUT if (_CHECKOUT / "templates").is_dir() and (_CHECKOUT / "dyade").is_dir() else _INSTALLED
TEMPLATES = ROOT / "templates"


def path(rel: str) -> Path:
    """A file of Dyade's own, e.g. path("templates/strings.yml")."""
    return ROOT / rel
