"""Every field kind of the model has a rendering in every writer and a way
back in the reader; one that lacks any fails here and at start-up, never
as a blank in an output."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dyade import controls as ctl
from dyade import model as m
from dyade import readback, schema
from dyade.errors import BuildError
from dyade.writers import docx, pdf, site

ROOT = Path(__file__).resolve().parent.parent
KINDS = [k.type for k in m.FIELD_KINDS]
COLUMN_KINDS = [k.type for k in m.FIELD_KINDS if k.in_tables]
SINGLE = [k for k in m.FIELD_KINDS if k.control is not None]


def site_templates():
    env = site.jinja_env(ROOT / "templates" / "site")
    return env, env.get_template("fields.html.j2").module


def test_the_kinds_are_the_types_the_yaml_takes():
    assert len(set(KINDS)) == len(KINDS)
    import typing
    assert set(typing.get_args(m.FormField)) == set(m.FIELD_KINDS)
    assert set(typing.get_args(m.TableColumn)) == {k for k in m.FIELD_KINDS if k.in_tables}
    for kind in m.FIELD_KINDS:
        assert kind.answer, f"{kind.__name__} does not say what its answer is"
        assert kind.control is None or kind.control in ctl.KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_every_writer_and_reader_has_the_kind(kind):
    _, fields = site_templates()
    lib = (ROOT / "templates" / "pdf" / "lib.typ").read_text(encoding="utf-8")
    assert kind in docx.FIELD_WRITERS, "DOCX"
    assert kind in pdf.FIELD_DATA, "PDF data"
    assert re.search(rf'f\.type == "{kind}"', lib), "templates/pdf/lib.typ"
    assert kind in fields.KINDS, "site preview"
    cls = next(k for k in m.FIELD_KINDS if k.type == kind)
    if cls.control is not None:
        assert cls.control in docx.CONTROL_WRITERS, "DOCX control"
        assert cls.control in readback.VALUE_READERS, "read-back"
        assert cls.control in ctl.EMPTY, "empty answer"
    if cls.in_tables:
        assert kind in docx.COLUMN_WEIGHTS and kind in pdf.COLUMN_WIDTHS and kind in fields.CELLS, "table column"
        assert re.search(rf'col\.type (==|in) [^\n]*"{kind}"', lib), "templates/pdf/lib.typ table cell"
    types = set()

    def collect(node):
        if isinstance(node, dict):
            if node.get("const") in KINDS and "properties" not in node:
                types.add(node["const"])
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
    collect(schema.schemas(["fr", "en"]))
    assert kind in types, "JSON Schema"


def test_a_missing_rendering_fails_at_once_and_names_the_kind():
    with pytest.raises(RuntimeError, match="has no rendering for the field kind.s. rating"):
        m.require_kinds({k: None for k in KINDS if k != "rating"}, "a writer")


def test_a_site_template_without_a_kind_is_a_plain_build_error(tmp_path):
    templates = tmp_path / "site"
    import shutil
    shutil.copytree(ROOT / "templates" / "site", templates)
    page = templates / "fields.html.j2"
    page.write_text(page.read_text(encoding="utf-8").replace('"rating": field_rating, ', ""), encoding="utf-8")
    env = site.jinja_env(templates)
    with pytest.raises(BuildError, match=r"fields.html.j2 \(KINDS\) has no rendering for the field kind.s. rating"):
        site.check_field_templates(env, templates)
