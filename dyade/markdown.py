"""Markdown texts parsed once, by pandoc, into its document tree (the JSON
AST): what `check` looks in for links and what the DOCX, PDF and site
writers render, so that all of them agree on what is a link, a list or code.

    trees = markdown.parse([("fr", "Voir [le plan](form:learning-plan)."), ...], cache_dir)

Texts are parsed in one pandoc run, joined by marker paragraphs; a text that
swallows the next marker (an unclosed code fence) is parsed again alone.
With a `cache_dir`, trees of texts parsed before (same text, same pandoc,
same Dyade) are read from `.dyade/cache/markdown.json` instead.

The flavour is pandoc's Markdown without what an author may not use: raw
HTML, TeX or typst, math, citations, metadata blocks, attributes.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Iterator

from . import cputime
from .errors import BuildError

FORMAT = "markdown" + "".join("-" + ext for ext in (
    "raw_html", "raw_tex", "raw_attribute", "tex_math_dollars", "tex_math_single_backslash",
    "tex_math_double_backslash", "citations", "auto_identifiers", "native_divs", "native_spans",
    "fenced_divs", "implicit_figures", "yaml_metadata_block", "pandoc_title_block", "latex_macros"))
MARKER = "DYADEFRAGMENT{:06d}END"
MARKER_RE = re.compile(r"^DYADEFRAGMENT(\d{6})END$", re.M)
CACHE_FILE = "markdown.json"
MAX_ENTRIES = 5000  # texts kept in the cache (the bundled programme has about 300)


def parse(texts: list[tuple[str, str]], cache_dir: Path | None = None) -> list[list]:
    """The block list of each (lang, markdown) text, in order."""
    cache = _Cache(cache_dir)
    trees: dict[int, list] = {}
    todo = []
    for i, (lang, src) in enumerate(texts):
        hit = cache.get(src)
        if hit is None:
            todo.append(i)
        else:
            trees[i] = hit
    if todo:
        try:
            with cputime.stage("markdown"):
                trees.update(_parse([texts[i][1] for i in todo], todo))
        except (OSError, RuntimeError) as exc:
            raise BuildError(f"pandoc could not read the Markdown texts: {exc}") from exc
    for i, (_, src) in enumerate(texts):
        cache.put(src, trees[i])
    cache.save()
    return [trees[i] for i in range(len(texts))]


def api_version() -> list:
    """The pandoc API version of the trees (a document needs it to be written)."""
    return _api_version()


@functools.lru_cache(maxsize=None)
def _api_version() -> list:
    import pypandoc
    return json.loads(pypandoc.convert_text("", "json", format=FORMAT))["pandoc-api-version"]


def _parse(sources: list[str], numbers: list[int]) -> dict[int, list]:
    import pypandoc

    joined = "\n\n".join(MARKER.format(n) + "\n\n" + src for n, src in zip(numbers, sources))
    ast = json.loads(pypandoc.convert_text(joined, "json", format=FORMAT))
    result: dict[int, list] = {}
    current = None
    for block in ast["blocks"]:
        n = marker_of(block)
        if n is not None and n in numbers and n not in result:
            current = n
            result[n] = []
        elif current is not None:
            result[current].append(block)
    missing = [n for n in numbers if n not in result]
    suspects = set(missing) | {numbers[numbers.index(n) - 1] for n in missing if numbers.index(n) > 0}
    for n in sorted(suspects):
        alone = json.loads(pypandoc.convert_text(sources[numbers.index(n)], "json", format=FORMAT))
        result[n] = alone["blocks"]
    return result


def marker_para(i: int) -> dict:
    return {"t": "Para", "c": [{"t": "Str", "c": MARKER.format(i)}]}


def marker_of(block) -> int | None:
    if block.get("t") == "Para" and len(block["c"]) == 1 and block["c"][0].get("t") == "Str":
        match = MARKER_RE.match(block["c"][0]["c"])
        if match:
            return int(match.group(1))
    return None


# -- reading a tree -------------------------------------------------------------

def nodes(tree) -> Iterator[dict]:
    """Every element of a tree (blocks and inlines), depth first."""
    if isinstance(tree, dict):
        if "t" in tree:
            yield tree
        for value in tree.values():
            yield from nodes(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from nodes(item)


def link_targets(tree) -> list[str]:
    """The target of every link, in reading order."""
    return [node["c"][2][0] for node in nodes(tree) if node["t"] == "Link"]


def code_texts(tree) -> list[str]:
    """The text of every code span and code block."""
    return [node["c"][1] for node in nodes(tree) if node["t"] in ("Code", "CodeBlock")]


def plain_text(inlines: list) -> str:
    """The words of an inline list, formatting dropped."""
    out = []
    for node in nodes(inlines):
        t = node["t"]
        if t == "Str":
            out.append(node["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t == "Code":
            out.append(node["c"][1])
    return "".join(out)


# -- the cache --------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def code_digest() -> str:
    """Digest of Dyade's own code, for the caches of what it converts."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def _salt() -> str:
    """pandoc's version and Dyade's code: either changed, texts are parsed again."""
    import pypandoc
    return f"{pypandoc.get_pandoc_version()}\0{FORMAT}\0{code_digest()}"


class _Cache:
    """A missing or unreadable cache is simply rebuilt (it only saves time)."""

    def __init__(self, folder: Path | None):
        self.path = Path(folder) / CACHE_FILE if folder else None
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        if self.path is None:
            return
        try:
            self.salt = _salt()
        except (OSError, RuntimeError):
            self.path = None
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("salt") == self.salt and isinstance(data.get("trees"), dict):
                self.old = data["trees"]
        except (OSError, ValueError):
            pass

    def key(self, src: str) -> str:
        return hashlib.sha256(src.encode("utf-8")).hexdigest()

    def get(self, src: str) -> list | None:
        found = self.old.get(self.key(src)) if self.path else None
        return found if isinstance(found, list) else None

    def put(self, src: str, tree: list) -> None:
        if self.path:
            self.new[self.key(src)] = tree

    def save(self) -> None:
        if self.path is None or all(k in self.old for k in self.new):
            return
        # `check`, the DOCX and the PDF writers each parse some of the texts:
        # entries of earlier runs are kept too, until there are many.
        trees = self.new if len(self.old) > MAX_ENTRIES else {**self.old, **self.new}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"salt": self.salt, "trees": trees}, ensure_ascii=False, sort_keys=True),
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass
