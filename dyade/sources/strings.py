"""Interface strings: Dyade's own texts in every language it ships
(templates/strings.yml, templates/strings/<lang>.yml), overridden key by key
and language by language by a project's templates/strings.yml."""
from __future__ import annotations

import difflib
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode

from .. import bundled
from .. import model as m
from .. import safety
from ..errors import Problem
from .convert import INVALID, Reader
from .messages import show, suggest
from .positions import is_null, node_kind, offset_pos

BUNDLED_STRINGS = bundled.TEMPLATES / "strings.yml"


def load_strings(reader: Reader, path: Path) -> dict[str, m.Text]:
    """Interface strings: `key: {fr: …, en: …}`, so a new language needs no
    code.  A project's file overrides Dyade's shipped texts (fr, en, es,
    de, pt, it) key by key and language by language; it may be absent, or
    hold only comments, when the shipped texts suffice."""
    # Dyade's own texts in every language it ships; for Dyade's own file,
    # only the languages of the files beside it (templates/strings/*.yml).
    own = path.resolve() == BUNDLED_STRINGS.resolve()
    if own and not path.exists():
        reader.problems.append(Problem("templates/strings.yml", 1, 1, "the interface strings file is missing",
                                       "restore templates/strings.yml from the bundled programme"))
        return {}
    bundled = shipped_strings(with_main=not own)
    strings: dict[str, m.Text] = {}
    written: dict[str, m.Pos] = {}  # every key of the file, valid or not
    if not own and (not path.is_file() or not _has_yaml(path)):
        _complete_strings(reader, strings, set(), bundled, 0)
        return strings
    node = reader.parse_file(path, required=True)
    if node is None:
        return {}
    if not isinstance(node, MappingNode):
        reader.problem(node, "templates/strings.yml should be a set of 'key: texts' entries", "write key: {fr: …, en: …}")
        return {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode) or is_null(key) or not str(key.value).strip():
            reader.problem(key, f"a key in templates/strings.yml is {node_kind(key)}",
                           "write the name of an interface text before the colon, e.g. form:")
            continue
        name = str(key.value)
        if name in written:
            reader.problem(key, f"the interface text {name!r} is written twice (also at {written[name]})",
                           "keep only one of them")
            continue
        written[name] = reader.pos(key)
        # A language the programme does not use is ignored here: the bundled
        # file has French and English whatever the programme's languages.
        fallback = bundled.get(name) if isinstance(bundled.get(name), dict) else None
        text = reader.convert_text(value, m.Text, f"interface text {name!r}", other_languages_ok=True,
                                   fallback=fallback)
        if text is not INVALID and _check_string(reader, name, text, bundled.get(name)):
            strings[name] = text
    for name, pos in written.items():
        if bundled and name not in bundled:
            close = difflib.get_close_matches(name, [k for k in bundled if k not in written], n=1, cutoff=0.8)
            if close:
                reader.problem(pos, f"unknown interface text {name!r}, so Dyade uses its own text for {close[0]!r}",
                               f"rename it to {close[0]!r}")
    _complete_strings(reader, strings, set(written), bundled, len(reader.lines))
    return strings


def _has_yaml(path: Path) -> bool:
    """Whether the file holds anything but blank lines and comments."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return True  # parse_file says what is wrong
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def shipped_languages() -> dict[str, Path]:
    """The languages Dyade ships in files of their own beside its
    strings.yml: {lang: templates/strings/<lang>.yml}."""
    folder = BUNDLED_STRINGS.parent / "strings"
    return {p.stem: p for p in sorted(folder.glob("*.yml"))} if folder.is_dir() else {}


def shipped_strings(with_main: bool = True) -> dict[str, dict[str, str]]:
    """Every interface text Dyade ships, {key: {lang: text}}: its own
    templates/strings.yml (French and English, the bundled programme's),
    then one flat `key: text` file per further language in
    templates/strings/ ({} if none is there)."""
    merged: dict[str, dict[str, str]] = {}
    yaml = YAML(typ="safe", pure=True)
    if with_main and BUNDLED_STRINGS.is_file():
        data = yaml.load(BUNDLED_STRINGS.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict):
            merged = {k: dict(v) for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)}
    for lang, file in shipped_languages().items():
        data = yaml.load(file.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict):
            for key, text in data.items():
                if isinstance(key, str) and isinstance(text, str):
                    merged.setdefault(key, {})[lang] = text
    return merged


def _bundled_strings() -> dict:
    """Dyade's own interface texts in every language it ships."""
    return shipped_strings()


def _check_string(reader: Reader, name: str, text: m.Text, bundled) -> bool:
    """An interface text the writers can use as they do the bundled one:
    the same {placeholders}, each written as {name} and nothing else (a
    format spec such as {n:>99999999} or {n.__class__} is refused), and
    twelve month names.  Without the bundled text to compare with (the file
    is Dyade's own), the placeholders of the text itself are the reference."""
    ok = True
    reference = bundled if isinstance(bundled, dict) else text.values
    allowed: set[str] = set()
    for value in reference.values():
        if isinstance(value, str):
            allowed |= {w for _, _, kind, w in safety.placeholder_tokens(value) if kind == "name"}
    shown = ", ".join("{%s}" % f for f in sorted(allowed))
    for lang, value in text.values.items():
        pos = text.value_pos.get(lang) or text.pos
        if name == "singular_numbers" and not all(w.isdigit() for w in value.split()):
            reader.problem(pos, f"interface text 'singular_numbers' ({lang}) holds {show(value)!r}, not only numbers",
                           "write the numbers that take the singular, separated by spaces (French: 0 1; English: 1)")
            ok = False
        if name.startswith("count_") and value.count("|") > 1:
            reader.problem(pos, f"interface text {name!r} ({lang}) has {value.count('|') + 1} forms separated by |, "
                                "not two", "write the singular, then | and the plural, e.g. {n} form|{n} forms")
            ok = False
        if name == "month_names" and len(value.split()) != 12:
            reader.problem(pos, f"interface text 'month_names' ({lang}) has {len(value.split())} month names, not 12",
                           "write the twelve months from January to December, separated by spaces")
            ok = False
        for start, _, kind, written in safety.placeholder_tokens(value):
            if kind == "malformed":
                reader.problem(offset_pos(pos, value, start),
                               f"interface text {name!r} ({lang}) has {written.strip()!r}, a {{ or }} that is not "
                               "part of a placeholder",
                               (f"keep only the placeholders {shown}, each written with its braces and nothing else "
                                "between them; " if allowed else "") + "write a brace meant as such twice ({{ or }})")
                ok = False
            elif kind in ("name", "form") and written not in allowed:
                reader.problem(offset_pos(pos, value, start),
                               f"unknown placeholder {{{written}}} in interface text {name!r} ({lang})",
                               (f"use {shown} here" + suggest(written, allowed)) if allowed else
                               "this text has no placeholders: remove it (write a brace meant as such twice, {{ or }})")
                ok = False
    if ok and not allowed:
        # Used as it is, never filled in: {{ and }} are single braces.
        text.values = {lang: safety.fill(value, {}) for lang, value in text.values.items()}
    return ok


def _complete_strings(reader: Reader, strings: dict[str, m.Text], written: set[str], bundled: dict,
                      end_line: int) -> None:
    """A project's own strings.yml may predate a Dyade that needs more
    interface texts: take those from the bundled file when it has them in
    every declared language, else say which one to add.  (A key the file
    has, even with a problem, is reported where it is.)"""
    for key, values in bundled.items():
        if key in written or not isinstance(values, dict):
            continue
        if all(isinstance(values.get(lang), str) and values[lang].strip() for lang in reader.languages):
            strings[key] = m.Text(values={lang: values[lang] for lang in reader.languages})
        else:
            missing = [lang for lang in reader.languages if not values.get(lang)]
            reader.problems.append(Problem(
                "templates/strings.yml", end_line + 1, 1,
                f"the interface text {key!r} is missing in {', '.join(missing)}",
                f"add a line '{key}: {{…}}' with its text in every language (Dyade's own templates/strings.yml "
                "has the French and English to start from)"))


