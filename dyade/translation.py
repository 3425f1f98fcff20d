"""The texts of a project as translation units, and the YAML edits that put
translations back (`dyade translate`; the XLIFF itself is dyade.xliff).

Every translated text of the sources (a mapping `{fr: …, en: …}` where the
model has a `Text`) is found by walking the YAML with the model's type
hints, as the reader does, and named by its file and key path:
`forms/3-learning-plan.yml#fields[goals].label`.  A list entry is named by
its `id` (or an option's `value`); an entry with neither (a workshop's
objectives, a form's headings) by a digest of its text in the programme's
first language, so inserting an entry never renames the others.

The translations are written back with ruamel.yaml's round trip, which
keeps comments, order, quotes and layout: only the lines of the texts
translated change (a new language's line is added after the others)."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import os
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString,
                                      SingleQuotedScalarString)

from . import model as m
from . import safety, sources
from .errors import Problem

STRINGS_FILE = "templates/strings.yml"
# How each kind of file is named in a unit's note.
KIND_WORDS = {"programme": "the programme's settings", "home": "the home page", "chapter": "guide chapter",
              "form": "form", "annex": "annex", "workshop": "workshop", "flashcards": "the flashcards",
              "glossary": "the glossary"}
# Interface texts with a grammar of their own: what the translator must keep.
STRING_HINTS = {
    "singular_numbers": "the numbers written with the singular, separated by spaces (English and Spanish: 1; "
                        "French: 0 1); write digits only",
    "month_names": "the twelve month names, January to December, separated by spaces",
    "locale": "the language's locale code for dates and sorting (en_CA, fr_CA, es_ES)",
    "date_format": "how a date is typed (the letters stand for day, month, year); keep the letters",
    "site_decimal_mark": "the decimal mark of the language (. or ,)",
    "first_day": "how the first day of a month is written in a date (English: 1; French: 1er)",
    "long_date": "the order of {day}, {month} and {year} in a date written in words",
}
MARKDOWN_HINT = ("Markdown: keep the marks as they are (# at the start of a heading, - or 1. before a list item, "
                 "* and ** around words, > before a quotation), the link targets between ( ) after ] "
                 "(translate only the words between [ ]), and every {placeholder}")
# Indentations the round trip may meet (mapping, sequence, offset): the one
# that gives a file back byte for byte is used for it.
INDENTS = ((2, 4, 2), (2, 2, 0), (2, 2, 2), (4, 4, 2), (4, 6, 4), (4, 4, 0))
TO_TRANSLATE = re.compile(r"#\s*to translate\b")


class TranslationProblems(Exception):
    """The sources cannot be read or written as translation units."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Unit:
    id: str                     # file#key path, e.g. forms/3-learning-plan.yml#fields[goals].label
    path: str                   # the file, from the project folder
    key: str                    # the key path inside it
    source: str                 # the text in the programme's first language
    target: str | None          # the text in the target language, if the sources have it
    needs_work: bool            # that text is marked '# to translate' in the sources
    markdown: bool
    line: int                   # where the source text is written
    target_lines: tuple[int, int] | None  # the lines of the target text in the file
    note: str                   # where the text appears, for the translator


@dataclass
class SourceFile:
    path: Path
    rel: str
    kind: str
    text: str
    bom: bool
    crlf: bool  # saved with Windows line ends: read as \n, written back with \r\n
    data: object
    indent: tuple[int, int, int] | None  # None: the round trip would change the file
    header: str = ""  # a strings.yml of comments only (as `dyade new` writes it), kept above what is added


def project_files(root: Path) -> list[tuple[str, Path]]:
    """(kind, path) of every source that holds texts, in the order check reads them."""
    out = [(kind, path) for kind, paths in sources.source_files(root).items() for path in paths if path.is_file()]
    strings = root / STRINGS_FILE
    if strings.is_file():
        out.append(("strings", strings))
    return out


def _yaml(indent: tuple[int, int, int]) -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the author wrote on one
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return yaml


def read_source(root: Path, kind: str, path: Path, text: str | None = None) -> SourceFile:
    """One source file, loaded for the round trip (TranslationProblems if it
    cannot be read: `dyade check` says more)."""
    rel = path.relative_to(root).as_posix()
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise TranslationProblems([Problem(rel, 1, 1, f"cannot read the file ({exc.strerror or exc})",
                                               "check that it exists and is readable")]) from None
        if len(raw) > sources.MAX_FILE_BYTES:
            raise TranslationProblems([Problem(rel, 1, 1, "file is too large (the limit is 1 MB)",
                                               "run dyade check, which says what to do")])
        bom = raw.startswith(b"\xef\xbb\xbf")
        try:
            text = raw[3 if bom else 0:].decode("utf-8")
        except UnicodeDecodeError:
            raise TranslationProblems([Problem(rel, 1, 1, "the file is not UTF-8",
                                               "save it again with the UTF-8 encoding")]) from None
    else:
        bom = False
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    try:
        # Aliases and tags are refused by check; refuse them before the round
        # trip builds anything from them (an alias bomb shares, but a walk expands).
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, AliasEvent) or getattr(event, "tag", None) is not None:
                mark = event.start_mark
                raise TranslationProblems([Problem(rel, mark.line + 1, mark.column + 1,
                                                   "YAML aliases and tags are not allowed",
                                                   "run dyade check, which says how to write this instead")])
        data = _yaml(INDENTS[0]).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise TranslationProblems([Problem(rel, line, col, "YAML syntax error",
                                           "run dyade check, which says how to fix it")]) from None
    except YAMLError:
        raise TranslationProblems([Problem(rel, 1, 1, "YAML error", "run dyade check, which says how to fix it")]) from None
    if data is None and kind == "strings":
        # Comments only: every interface text is Dyade's; what a translator
        # changes is added below them.
        header = text if not text or text.endswith("\n") else text + "\n"
        return SourceFile(path, rel, kind, text, bom, crlf, CommentedMap(), INDENTS[0], header)
    indent = next((i for i in INDENTS if _dump(data, i) == text), None)
    return SourceFile(path, rel, kind, text, bom, crlf, data, indent)


def save(source: SourceFile, text: str) -> None:
    """Write `text` (from `apply`) over the file, in one step, with the
    file's own line ends and byte-order mark."""
    if source.crlf:
        text = text.replace("\n", "\r\n")
    tmp = source.path.with_name(f".{source.path.name}.dyade-tmp")
    tmp.write_bytes((b"\xef\xbb\xbf" if source.bom else b"") + text.encode("utf-8"))
    os.replace(tmp, source.path)


def _dump(data, indent) -> str:
    out = io.StringIO()
    _yaml(indent).dump(data, out)
    return out.getvalue()


@functools.lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def texts_of(source: SourceFile, languages: list[str]) -> list[tuple[str, CommentedMap, bool]]:
    """(key path, the mapping of languages, is Markdown) of every text of one file."""
    found: list[tuple[str, CommentedMap, bool]] = []
    src = languages[0]
    if source.kind == "strings":
        if isinstance(source.data, dict):
            for key, value in source.data.items():
                if isinstance(key, str) and isinstance(value, dict):
                    found.append((key, value, False))
        return found
    _walk(source.data, m.FILE_KINDS[source.kind], "", src, found)
    return found


def _walk(data, hint, key: str, src: str, found: list) -> None:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        choices = [a for a in args if a is not type(None)]
        if len(choices) == 1:
            _walk(data, choices[0], key, src, found)
        elif isinstance(data, dict):
            for cls in choices:  # a field of a form: its `type` says which
                if dataclasses.is_dataclass(cls) and typing.get_args(_hints(cls).get("type"))[:1] == (data.get("type"),):
                    _walk(data, cls, key, src, found)
        return
    if origin is list:
        if isinstance(data, list):
            seen: dict[str, int] = {}
            for entry in data:
                name = _entry_name(entry, src)
                seen[name] = seen.get(name, 0) + 1
                if seen[name] > 1:  # the same text twice in one list
                    name += f".{seen[name]}"
                _walk(entry, args[0], f"{key}[{name}]", src, found)
        return
    if isinstance(hint, type) and issubclass(hint, m.Text):
        if isinstance(data, dict):
            found.append((key, data, issubclass(hint, m.Markdown)))
        return
    if dataclasses.is_dataclass(hint) and isinstance(data, dict):
        hints = _hints(hint)
        for f in dataclasses.fields(hint):
            if f.name != "pos" and f.name in data:
                _walk(data[f.name], hints[f.name], f"{key}.{f.name}" if key else f.name, src, found)


def _entry_name(entry, src: str) -> str:
    """A list entry's name in a key path: its id, its value, or (it has
    neither) a digest of its texts in the first language."""
    if isinstance(entry, dict):
        for name in ("id", "value"):
            if isinstance(entry.get(name), str) and entry[name].strip():
                return entry[name]
    texts: list[str] = []

    def gather(node):
        if isinstance(node, dict):
            if isinstance(node.get(src), str):
                texts.append(node[src])
            for value in node.values():
                gather(value)
        elif isinstance(node, list):
            for value in node:
                gather(value)
    gather(entry)
    return "~" + hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:8]


def _where(key: str) -> str:
    """`fields[goals].label` as a reader says it: fields › goals › label."""
    parts = [p for p in re.split(r"[.\[\]]+", key) if p]
    return " › ".join("entry" if p.startswith("~") else p for p in parts)


def units(root: Path, languages: list[str], target: str, files: list[SourceFile] | None = None) -> list[Unit]:
    """Every text of the project with its source (first language) and its
    target (if written); texts without a source are left out (check lists them)."""
    src = languages[0]
    out: list[Unit] = []
    for source in files if files is not None else [read_source(root, k, p) for k, p in project_files(root)]:
        title = ""
        shipped_texts = shipped(source) if source.kind == "strings" else {}
        if isinstance(source.data, dict) and isinstance(source.data.get("title"), dict):
            title = str(source.data["title"].get(src) or "")
        for key, mapping, markdown in texts_of(source, languages):
            text = mapping.get(src)
            if source.kind == "strings" and not isinstance(text, str):
                text = shipped_texts.get(key, {}).get(src)  # an override of other languages only
            if not isinstance(text, str) or not text.strip():
                continue
            value = mapping.get(target)
            value = value if isinstance(value, str) and value.strip() else None
            if value is None and source.kind == "strings":
                # The build uses Dyade's shipped text: offered as the existing translation.
                given = shipped_texts.get(key, {}).get(target)
                value = given if isinstance(given, str) and given.strip() else None
            comment = mapping.ca.items.get(target) if isinstance(mapping, CommentedMap) else None
            marked = bool(comment and any(c is not None and TO_TRANSLATE.search(getattr(c, "value", "") or "")
                                          for c in comment if not isinstance(c, list)))
            line = ((mapping.lc.key(src) if src in mapping else (mapping.lc.line, 0))[0] + 1
                    if isinstance(mapping, CommentedMap) else 1)
            target_lines = None
            if value is not None and isinstance(mapping, CommentedMap):
                first = mapping.lc.key(target)[0] + 1
                block = isinstance(value, (LiteralScalarString, FoldedScalarString))  # its lines start below the key
                target_lines = (first, first + (value.rstrip("\n").count("\n") + 1 if block else value.count("\n")))
            if source.kind == "strings":
                note = f"{source.rel}: interface text {key!r} (buttons, headings and labels of every output)"
                hint = STRING_HINTS.get(key) or ("the singular, then | and the plural, with {n} for the number"
                                                 if key.startswith("count_") else None)
                if hint:
                    note += f"; {hint}"
            else:
                what = KIND_WORDS[source.kind] + (f" “{title}”" if title and source.kind in
                                                  ("chapter", "form", "annex", "workshop") else "")
                note = f"{source.rel}: {what}, {_where(key)}"
            if markdown:
                note += f". {MARKDOWN_HINT}"
            out.append(Unit(id=f"{source.rel}#{key}", path=source.rel, key=key, source=str(text),
                            target=None if value is None else str(value), needs_work=marked, markdown=markdown,
                            line=line, target_lines=target_lines, note=note))
        if source.kind == "strings":
            out += _bundled_units(source, src, target)
    return out


def bundled_strings(source: SourceFile) -> dict[str, dict]:
    """Dyade's own interface texts that the project's strings.yml does not
    have (the build takes them from Dyade): {key: {lang: text}}."""
    own = source.data if isinstance(source.data, dict) else {}
    return {k: v for k, v in shipped(source).items() if k not in own}


def shipped(source: SourceFile) -> dict[str, dict]:
    """Every interface text Dyade ships ({key: {lang: text}}), or {} for
    Dyade's own strings.yml (its texts are the project's)."""
    if source.path.resolve() == sources.BUNDLED_STRINGS.resolve():
        return {}
    return sources.shipped_strings()


def _bundled_units(source: SourceFile, src: str, target: str) -> list[Unit]:
    out = []
    for key, values in bundled_strings(source).items():
        text = values.get(src)
        if not isinstance(text, str) or not text.strip():
            continue
        shipped = values.get(target) if isinstance(values.get(target), str) and values[target].strip() else None
        note = (f"{source.rel}: interface text {key!r} (buttons, headings and labels of every output), Dyade's own: "
                "its translation is added to the project's file")
        hint = STRING_HINTS.get(key) or ("the singular, then | and the plural, with {n} for the number"
                                         if key.startswith("count_") else None)
        out.append(Unit(id=f"{source.rel}#{key}", path=source.rel, key=key, source=text, target=shipped,
                        needs_work=False, markdown=False, line=len(source.text.splitlines()) + 1,
                        target_lines=None, note=note + (f"; {hint}" if hint else "")))
    return out


# -- writing translations back ------------------------------------------------

def apply(source: SourceFile, languages: list[str], target: str, texts: dict[str, str]) -> str:
    """The file's new text with `texts` ({key path: translation}) in
    `target`; only their lines change."""
    by_key = {key: mapping for key, mapping, _ in texts_of(source, languages)}
    order = [*languages, target]
    bundled = bundled_strings(source) if source.kind == "strings" else {}
    given = shipped(source) if source.kind == "strings" else {}
    for key, value in texts.items():
        if value == given.get(key, {}).get(target) and (key not in by_key or target not in by_key[key]):
            continue  # Dyade's shipped text, kept: the project's file stays an override
        if key not in by_key and key in bundled:
            # Dyade's own text, which the file did not need until now: the
            # entry overrides only the new language (the others stay Dyade's).
            entry = CommentedMap()
            entry.fa.set_flow_style()
            entry[target] = _styled(value, None, None)
            source.data[key] = entry
            continue
        mapping = by_key[key]
        new = _styled(value, mapping.get(languages[0]), mapping.get(target))
        if mapping.get(target) == new and type(mapping.get(target)) is type(new):
            continue
        if target in mapping:
            mapping[target] = new
            _drop_mark(mapping, target)
        else:
            keys = list(mapping.keys())
            after = max((i for i, k in enumerate(keys) if k in order), default=len(keys) - 1)
            mapping.insert(after + 1, target, new)
            _move_trailing_comment(mapping, keys[after] if keys else None, target)
    return source.header + (_dump(source.data, source.indent or INDENTS[0]) if source.data else "")


def add_language(source: SourceFile, target: str) -> str:
    """programme.yml's text with `target` added at the end of `languages`."""
    langs = source.data.get("languages")
    if isinstance(langs, CommentedSeq):
        langs.append(target)
    else:
        source.data["languages"] = [*(langs or ["fr", "en"]), target]
    return _dump(source.data, source.indent or INDENTS[0])


def name_forms_used(texts) -> set[str]:
    """The name forms (`the`, `du`; lower case) that `texts` write as {org:…}."""
    used = set()
    for text in texts:
        for _start, _end, kind, shown in safety.placeholder_tokens(text):
            if kind == "form" and shown.split(":", 1)[0] == "org":
                used.add(shown.split(":", 1)[1].lower())
    return used


def add_name_forms(source: SourceFile, target: str, forms: set[str]) -> str:
    """programme.yml's text with the forms `target` lacks among `forms`
    added under organisation: name_forms: target:, each the first language's
    words (or the bare name) marked '# to translate': a translator keeps
    {org:the} in a sentence, and the words it stands for in `target` are the
    coordinator's to write, as for a language `dyade new` has no text in."""
    org = source.data.get("organisation")
    if not isinstance(org, CommentedMap):
        return _dump(source.data, source.indent or INDENTS[0])
    every = org.get("name_forms")
    if not isinstance(every, CommentedMap):
        every = org["name_forms"] = CommentedMap()
    first = next(iter(every.values()), None) if every else None
    mine = every.get(target)
    if not isinstance(mine, CommentedMap):
        mine = every[target] = CommentedMap()
    name = org.get("name")
    for form in sorted(forms - set(mine)):
        words = first.get(form) if isinstance(first, CommentedMap) and isinstance(first.get(form), str) else name
        mine[form] = str(words if isinstance(words, str) else "")
        mine.yaml_add_eol_comment(f"# to translate: the name as {target} sentences write {{org:{form}}}", form)
    return _dump(source.data, source.indent or INDENTS[0])


def _styled(value: str, source, current):
    """The translation as a YAML scalar written like its neighbours: a block
    (|) where the first language's text is one or the text has several
    lines, the existing translation's quotes, else the source's."""
    block = isinstance(source, (LiteralScalarString, FoldedScalarString))
    if block or "\n" in value.strip("\n"):
        body = value.rstrip("\n")
        if isinstance(source, str) and source.endswith("\n"):
            body += "\n"
        return LiteralScalarString(body)
    value = value.strip() if isinstance(source, str) and source == source.strip() else value
    for model in (current, source):
        if isinstance(model, (DoubleQuotedScalarString, SingleQuotedScalarString)):
            return type(model)(value)
    return value


def _drop_mark(mapping: CommentedMap, key: str) -> None:
    """A line translated loses its '# to translate' mark (dyade new writes it)."""
    tokens = mapping.ca.items.get(key)
    if not tokens:
        return
    for i, token in enumerate(tokens):
        if token is not None and not isinstance(token, list) and TO_TRANSLATE.search(token.value or ""):
            rest = token.value.split("\n", 1)
            token.value = "\n" + rest[1] if len(rest) > 1 else "\n"
            if token.value == "\n":
                tokens[i] = None


def _move_trailing_comment(mapping: CommentedMap, previous, key) -> None:
    """Comment lines below the last language belong to what follows: keep
    them after the new line (only the end-of-line comment stays with its line)."""
    tokens = mapping.ca.items.get(previous) if previous is not None else None
    if not tokens:
        return
    for i, token in enumerate(tokens):
        if token is None or isinstance(token, list) or "\n" not in (token.value or "").rstrip("\n"):
            continue
        own, _, rest = token.value.partition("\n")
        if not rest.strip():
            continue
        token.value = own + "\n"
        moved = CommentToken("\n" + rest, token.start_mark, None)
        slot = list(mapping.ca.items.get(key) or [None, None, None, None])
        slot[i] = moved
        mapping.ca.items[key] = slot
