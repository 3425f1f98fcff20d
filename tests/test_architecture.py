"""The structure the code promises in docs/architecture.md: no import cycle
anywhere in dyade/ (imports inside functions included), and an engine that
finds its writers in the registry instead of naming them."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dyade"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the dyade modules it imports, read from the source (every
    import statement, at any depth)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                # `from . import x` may import the submodule x.
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    assert "dyade.pipeline" in graph and graph["dyade.pipeline"], "the graph was not read"
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_engine_names_no_writer():
    source = (PACKAGE / "pipeline.py").read_text(encoding="utf-8")
    graph = import_graph()
    assert not any(m.startswith("dyade.writers.") for m in graph["dyade.pipeline"]), graph["dyade.pipeline"]
    for name in ("docx", "pdf", "site"):
        assert f"{name}." not in source.replace("registry.", ""), f"pipeline.py names the {name} writer"
    assert '"dist/"' not in source


def test_every_registered_writer_is_a_module_with_a_writer():
    from dyade import writers
    from dyade.writers.base import Writer

    loaded = writers.load()
    assert [w.name for w in loaded] == list(writers.REGISTRY)
    assert all(isinstance(w, Writer) for w in loaded)


def test_no_module_imports_another_modules_private_names():
    """docs/architecture.md: a `_name` is its module's own business."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("dyade")):
                found += [f"{path.relative_to(PACKAGE)}: {alias.name}" for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not found, found


def calls_in(path: Path) -> set[str]:
    """`module.function` for every call of that form in a source file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            found.add(f"{node.func.value.id}.{node.func.attr}")
    return found


def test_writers_read_texts_from_the_resolved_document():
    """docs/architecture.md: no writer parses Markdown, nor prints a plain
    text with typography of its own; both come from dyade.document, so the
    site, the DOCX, the PDF and the calendar cannot disagree."""
    offending = {}
    for path in sorted((PACKAGE / "writers").glob("*.py")):
        own = calls_in(path) & {"markdown.parse", "typography.plain", "pypandoc.convert_file"}
        if own:
            offending[path.name] = sorted(own)
    assert not offending, offending
    assert {"markdown.parse", "typography.plain"} <= calls_in(PACKAGE / "document.py")


def test_one_resolved_document_per_language_holds_every_markdown_text(model):
    from dyade import document, markdown
    from dyade import model as m

    documents = document.resolve(model)
    assert document.resolve(model) is documents and list(documents) == model.languages
    for lang, doc in documents.items():
        assert document.of(model, lang) is doc
        texts = [t for t in m.markdown_texts(model) if lang in t.values]
        assert texts and all(t.values[lang] in doc.trees for t in texts)
        body = model.chapters[0].sections[0].body
        assert doc.tree(body) is doc.trees[body.values[lang]]  # the same tree for every writer
    # A link written in code is not a link in the tree every writer reads.
    doc = document.Document(None, "fr", {})
    tree = doc.tree("Voir [le plan](form:x) et `[pas](form:y)`.")
    assert markdown.link_targets(tree) == ["form:x"] and doc.tree("Voir [le plan](form:x) et `[pas](form:y)`.") is tree
