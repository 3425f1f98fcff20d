"""The sources are read by libyaml's C parser when ruamel.yaml.clib is
installed, by the pure-Python reader otherwise (and for any file the C
parser refuses): both must give the same nodes at the same places, so a
problem is reported at the same line and column either way."""
from __future__ import annotations

import pytest
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from conftest import ROOT, copy_project
from dyade import sources, tasks
from dyade.sources import positions
from dyade.errors import SourceErrors


def shape(node):
    """Every node's tag, value and place; an empty value's place is left out
    (libyaml puts it after the colon, the pure reader on the next line:
    Dyade reports such a value at its key)."""
    if isinstance(node, (MappingNode, SequenceNode)):
        items = [(shape(k), shape(v)) for k, v in node.value] if isinstance(node, MappingNode) \
            else [shape(v) for v in node.value]
        return node.tag, node.start_mark.line, node.start_mark.column, items
    assert isinstance(node, ScalarNode)
    empty = node.tag.endswith(":null") and not node.value
    place = None if empty else (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    return node.tag, node.value, node.style or None, place


def test_the_c_parser_is_there_and_reads_like_the_pure_reader():
    assert positions.CParser is not None, "ruamel.yaml.clib is missing: pip install -e ."
    fast_files = 0
    for paths in sources.source_files(ROOT).values():
        for path in paths:
            text = path.read_text(encoding="utf-8")
            pure = positions.yaml_reader().compose(text)
            fast = positions.compose_fast(text)
            if path.name == "programme.yml":
                assert fast is None  # "[form:…]" is an error in YAML 1.1: the pure reader reads it
                continue
            assert fast is not None, path
            assert shape(fast) == shape(pure), path
            fast_files += 1
    assert fast_files > 30


def test_the_same_model_and_the_same_problems_without_the_c_parser(monkeypatch, tmp_path):
    with_c = sources.load(ROOT)
    monkeypatch.setattr(positions, "CParser", None)
    without = sources.load(ROOT)
    assert tasks.plain(with_c) == tasks.plain(without)
    monkeypatch.undo()
    # a broken project: the same problems at the same places either way
    project = copy_project(tmp_path / "p")
    form = project / "forms" / "1-self-assessment.yml"
    text = form.read_text(encoding="utf-8")
    assert "who:\n  fr: La personne mentorée, seule\n  en: The mentee, alone\n" in text
    form.write_text(text.replace("who:\n  fr: La personne mentorée, seule\n  en: The mentee, alone\n", "who:\n"), encoding="utf-8")

    def problems():
        with pytest.raises(SourceErrors) as caught:
            sources.load(project)
        return [str(p) for p in caught.value.problems]

    fast = problems()
    monkeypatch.setattr(positions, "CParser", None)
    assert problems() == fast
    assert any(p.startswith("forms/1-self-assessment.yml:22:1:") for p in fast), fast
