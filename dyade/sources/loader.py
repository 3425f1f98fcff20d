"""The whole programme: which files are sources, read in order
(programme.yml first: it declares the languages every other text needs),
converted, then checked across items."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import model as m
from ..errors import Problem, SourceErrors
from .checks import check_model, logo_warnings
from .convert import INVALID, LANG_RE, Reader
from .strings import load_strings


def source_files(root: Path) -> dict[str, list[Path]]:
    content, forms = root / "content", root / "forms"
    optional = lambda p: [p] if p.exists() else []
    return {
        "programme": [content / "programme.yml"],
        "home": optional(content / "home.yml"),
        "chapter": sorted((content / "guide").glob("*.yml")),
        "form": sorted(forms.glob("*.yml")),
        "annex": sorted((content / "annexes").glob("*.yml")),
        "workshop": sorted((content / "workshops").glob("*.yml")),
        "flashcards": optional(content / "flashcards.yml"),
        "glossary": optional(content / "glossary.yml"),
    }


CONTENT_FILES = ("programme.yml", "home.yml", "flashcards.yml", "glossary.yml")


def unread_files(root: Path) -> list[Problem]:
    """Files an author meant as sources but that Dyade would silently skip:
    `.yaml`, `.YML` or `.yml.txt` names, and unknown `.yml` files directly
    in content/."""
    problems = []
    folders = [root / "content", root / "content" / "guide", root / "forms", root / "content" / "annexes",
               root / "content" / "workshops"]
    for folder in folders:
        try:
            entries = sorted(folder.iterdir()) if folder.is_dir() else []
        except OSError:
            continue
        by_case: dict[str, str] = {}
        for path in entries:
            name = path.name
            lower = name.lower()
            if name.startswith(".") or name.endswith("~"):
                continue
            rel = path.relative_to(root).as_posix()
            if lower in by_case and name.endswith(".yml"):
                # Windows and macOS keep one of the two: which one is read would depend on the computer.
                problems.append(Problem(rel, 1, 1, f"this file's name differs from {by_case[lower]} only by "
                                        "capitals, so on Windows and macOS the two are one file",
                                        "rename one of them (file names are best in lower case)"))
                continue
            by_case.setdefault(lower, name)
            stem = re.sub(r"(\.ya?ml)+(\.txt)?$", "", name, flags=re.I)
            if re.search(r"\.ya?ml(\.txt)?$", lower) and not name.endswith(".yml"):
                problems.append(Problem(rel, 1, 1, "this file is not read: only names ending in .yml are sources",
                                        f"rename it to {stem}.yml"))
            elif folder.name == "content" and name.endswith(".yml") and name not in CONTENT_FILES:
                close = [c for c in difflib.get_close_matches(lower, CONTENT_FILES, n=1, cutoff=0.7)
                         if not (folder / c).exists()]
                problems.append(Problem(rel, 1, 1, "this file is not read: content/ holds only "
                                        + ", ".join(CONTENT_FILES),
                                        f"rename it to {close[0]}" if close else
                                        "move a chapter into content/guide/ or an annex into content/annexes/, "
                                        "or move the file out of content/"))
    return problems


def declared_languages(root: Path) -> list[str]:
    """The languages content/programme.yml declares (fr and en if it cannot say)."""
    reader = Reader(Path(root).resolve(), ["fr", "en"])
    node = reader.parse_file(Path(root).resolve() / "content" / "programme.yml")
    return (languages_of(reader, node) if node is not None else None) or ["fr", "en"]


def load(root: str | Path) -> m.Model:
    """Read and validate every source under `root`; raise SourceErrors."""
    root = Path(root).resolve()
    files = source_files(root)
    reader = Reader(root, ["fr", "en"])
    programme_file = files["programme"][0]
    if not programme_file.exists():
        raise SourceErrors([Problem("content/programme.yml", 1, 1, "the programme file is missing",
                                    "create content/programme.yml (copy it from the bundled programme and adapt it)")])

    # programme.yml first: it declares the languages every other text needs.
    node = reader.parse_file(programme_file)
    if node is not None:
        reader.languages = languages_of(reader, node) or reader.languages
    programme = reader.convert(node, m.Programme, "the file") if node is not None else INVALID

    loaded: dict[str, list] = {}
    incomplete: set[str] = set()  # kinds with a file that could not be read
    orphans: list[m.Text] = []    # texts of the files whose item was refused
    for kind, paths in files.items():
        if kind == "programme":
            continue
        items = []
        for path in paths:
            node = reader.parse_file(path)
            first = len(reader.texts)
            item = reader.convert(node, m.FILE_KINDS[kind], "the file") if node is not None else INVALID
            if item is INVALID:
                incomplete.add(kind)
                orphans += reader.texts[first:]
            else:
                items.append(item)
        loaded[kind] = items
    strings = load_strings(reader, root / "templates" / "strings.yml")
    reader.problems.extend(unread_files(root))
    if not files["home"]:
        reader.problems.append(Problem("content/home.yml", 1, 1, "the home page text is missing",
                                       "create content/home.yml with intro, audience and getting_started"))
    if programme is INVALID:
        # Placeholders and references all depend on programme.yml.
        raise SourceErrors(reader.problems)

    model = m.Model(
        root=str(root), programme=programme, home=(loaded["home"] or [None])[0],
        chapters=loaded["chapter"], forms=loaded["form"], annexes=loaded["annex"],
        workshops=loaded["workshop"],
        flashcards=(loaded["flashcards"] or [None])[0], glossary=(loaded["glossary"] or [None])[0],
        strings=strings,
        source_files=sorted(p.relative_to(root).as_posix() for ps in files.values() for p in ps),
    )
    check_model(model, reader, incomplete, orphans)
    if reader.problems:
        raise SourceErrors(reader.problems)
    model.warnings = logo_warnings(model, reader)
    return model


def languages_of(reader: Reader, node: Node) -> list[str] | None:
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == "languages" and isinstance(value, SequenceNode):
            langs = [v.value for v in value.value if isinstance(v, ScalarNode) and LANG_RE.fullmatch(v.value or "")]
            if len(langs) != len(value.value):
                return None  # reported where it is; the other texts are read with the default languages
            return langs or None
    return None


