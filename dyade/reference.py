"""The reference of the source files (docs/reference.md), written from the
model's classes as the JSON Schema is, so the two cannot drift from what
the reader accepts: every key of every kind of file, whether it is
required, the values it allows and what it is for.

    python -m dyade.reference docs/reference.md    # rewrite it
    python -m dyade.reference --check docs/reference.md
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import types
import typing
from pathlib import Path

from . import model as m
from . import safety

# Where each kind of file stands in a project.
WHERE = {
    "programme": "content/programme.yml",
    "home": "content/home.yml",
    "chapter": "content/guide/NN-ID.yml",
    "form": "forms/N-ID.yml",
    "annex": "content/annexes/N-ID.yml",
    "workshop": "content/workshops/ID.yml",
    "flashcards": "content/flashcards.yml",
    "glossary": "content/glossary.yml",
}

# How each string type of the model is written, for a reader of the reference.
SCALARS = {
    "Ident": "identifier: lower-case letters, digits and hyphens, e.g. `learning-plan`",
    "AssetPath": "a file inside the project, e.g. `content/assets/logo.svg`",
    "Colour": 'a colour `"#rrggbb"` in quotes, e.g. `"#1d4e6e"`',
    "Email": "an email address, e.g. `mentoring@example.org`",
    "WebAddress": "a web address starting with https:// or http://, e.g. `https://example.org/`",
    "Phone": "a telephone number, e.g. `613-555-0147`",
    "Lang": "a language code of two or three letters, e.g. `fr`, `en`, `es`",
    "Ref": "a link to an item: `form:ID`, `annex:ID`, `chapter:ID`, `workshop:ID`, `glossary:ID`",
}
assert set(SCALARS) >= {"Ident"} | set(safety.GRAMMARS) - {"NameForm"}, "a string type of the model lacks its words"


def _value(hint) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) == 1:
            return _value(kinds[0])
        return "one of: " + ", ".join(f"`{_type_name(a)}`" for a in kinds)
    if origin is list:
        inner, inner_args = typing.get_origin(args[0]), typing.get_args(args[0])
        if inner in (typing.Union, types.UnionType):
            return ("a list of fields, each with a `type`: " + ", ".join(f"`{_type_name(a)}`" for a in inner_args)
                    + " (each kind's keys are under its heading)")
        if dataclasses.is_dataclass(args[0]):
            return "a list of entries, each with the keys below"
        return "a list, each " + _value(args[0])
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if hint is m.Markdown:
        return "Markdown text, one entry per language (`fr: …`, `en: …`)"
    if isinstance(hint, type) and issubclass(hint, m.Text):
        return "text, one entry per language (`fr: …`, `en: …`)"
    if hint is m.NameForms:
        return "per language, form name → words (`fr: {du: du Réseau…}`)"
    if dataclasses.is_dataclass(hint):
        return "the keys below"
    if hint is bool:
        return "`true` or `false`"
    if hint is int:
        return "a whole number"
    if hint is float:
        return "a number"
    if hint is dt.date:
        return "a date YYYY-MM-DD"
    return SCALARS.get(getattr(hint, "__name__", ""), "text")


def _type_name(cls) -> str:
    hints = typing.get_type_hints(cls)
    kind = hints.get("type")
    return typing.get_args(kind)[0] if typing.get_origin(kind) is typing.Literal else cls.__name__


def _bounds(meta) -> str:
    parts = []
    if "minimum" in meta and "maximum" in meta:
        parts.append(f"from {meta['minimum']} to {meta['maximum']}")
    if "min_items" in meta:
        parts.append(f"at least {meta['min_items']}")
    return f" ({', '.join(parts)})" if parts else ""


def _default(f) -> str:
    if f.default is not dataclasses.MISSING and f.default is not None and f.name != "type":
        value = str(f.default).lower() if isinstance(f.default, bool) else f.default
        return f"optional (default `{value}`)"
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
        return "required"
    return "optional"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _rows(cls, prefix: str, out: list[str], nested: list[tuple[str, type]]) -> None:
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name in ("pos", "type"):
            continue
        hint = hints[f.name]
        out.append(f"| `{prefix}{f.name}` | {_default(f)} | {_cell(_value(hint))}{_bounds(f.metadata)} | "
                   f"{_cell(f.metadata.get('doc', ''))} |")
        inner = hint
        args = [a for a in typing.get_args(inner) if a is not type(None)]
        if typing.get_origin(inner) in (typing.Union, types.UnionType) and len(args) == 1:
            inner = args[0]
        if typing.get_origin(inner) is list:
            inner = typing.get_args(inner)[0]
            name = f"{prefix}{f.name}[]."
        else:
            name = f"{prefix}{f.name}."
        if typing.get_origin(inner) in (typing.Union, types.UnionType):
            nested.extend((name, kind) for kind in typing.get_args(inner) if dataclasses.is_dataclass(kind))
        elif dataclasses.is_dataclass(inner) and not issubclass(inner, m.Text) and inner is not m.NameForms:
            _rows(inner, name, out, nested)


HEADER = "| Key | | Value | What it is for |\n|---|---|---|---|"


def reference() -> str:
    lines = ["# Reference of the source files", "",
             "Written by `python -m dyade.reference docs/reference.md` from the classes of `dyade/model.py`, "
             "as the JSON Schema is (`dyade schema`): a test fails when this file and the model differ. "
             "A key marked optional may be left out; `a.b` is the key `b` inside `a`, and `a[].b` the key `b` "
             "of each entry of the list `a`.", ""]
    described: dict[type, str] = {}  # field kinds already described, and in which file kind
    for kind, cls in m.FILE_KINDS.items():
        lines += [f"## {kind}: `{WHERE[kind]}`", ""]
        if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
            lines += [" ".join(cls.__doc__.split()), ""]
        rows: list[str] = []
        nested: list[tuple[str, type]] = []
        _rows(cls, "", rows, nested)
        lines += [HEADER, *rows, ""]
        seen = set()
        again = sorted({described[k] for _, k in nested if k in described})
        if again:
            lines += [f"Its fields are of the same kinds, with the same keys, as in the {', '.join(again)} files above.", ""]
        for prefix, kind_cls in nested:
            if (prefix, kind_cls) in seen or kind_cls in described:
                continue
            seen.add((prefix, kind_cls))
            name = _type_name(kind_cls)
            lines += [f"### `{prefix}type: {name}`", ""]
            if kind_cls.__doc__ and not kind_cls.__doc__.startswith(kind_cls.__name__ + "("):
                lines += [" ".join(kind_cls.__doc__.split()), ""]
            rows = []
            _rows(kind_cls, prefix, rows, [])
            lines += [HEADER, *rows, ""]
        for _, kind_cls in nested:
            described.setdefault(kind_cls, kind)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    if len(paths) != 1:
        print("usage: python -m dyade.reference [--check] docs/reference.md", file=sys.stderr)
        return 2
    path, text = Path(paths[0]), reference()
    if check:
        same = path.is_file() and path.read_text(encoding="utf-8") == text
        if not same:
            print(f"{path} differs from the model: run python -m dyade.reference {path}", file=sys.stderr)
        return 0 if same else 1
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
