"""JSON Schema of the sources, derived from the classes in `dyade.model`.

Editors with the YAML language server read it through the modeline at the
top of each source file and then complete keys and flag mistakes as you type.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from pathlib import Path

from . import model as m
from . import safety
from .safety import anchored
from .sources import IDENT_RE, declared_languages

SCHEMA_DIR = "schema"


def _scalar(hint) -> dict:
    name = getattr(hint, "__name__", "")
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is dt.date:
        return {"type": "string", "format": "date"}
    # Anchored: a JSON Schema pattern matches anywhere in the value otherwise.
    if name == "Ident":
        return {"type": "string", "pattern": anchored(IDENT_RE)}
    if name in safety.GRAMMARS:
        grammar = safety.GRAMMARS[name]
        return {"type": "string", **dict(grammar.schema), "pattern": anchored(grammar.pattern)}
    return {"type": "string"}


class _Builder:
    def __init__(self, languages: list[str]):
        self.languages = languages
        self.defs: dict[str, dict] = {}

    def of(self, hint) -> dict:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            non_none = [a for a in args if a is not type(None)]
            if len(non_none) == 1:
                return self.of(non_none[0])
            return {"oneOf": [self.of(a) for a in non_none]}
        if origin is list:
            return {"type": "array", "items": self.of(args[0])}
        if origin is typing.Literal:
            return {"enum": list(args)}
        if isinstance(hint, type) and issubclass(hint, m.Text):
            return self.ref(hint)
        if hint is m.NameForms:
            return self.name_forms()
        if dataclasses.is_dataclass(hint):
            return self.ref(hint)
        return _scalar(hint)

    def ref(self, cls) -> dict:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserve: classes may refer to themselves
            self.defs[name] = self.text(cls) if issubclass(cls, m.Text) else self.record(cls)
        return {"$ref": f"#/$defs/{name}"}

    def text(self, cls) -> dict:
        kind = "Markdown text" if cls is m.Markdown else "Text"
        return {"type": "object", "description": f"{kind}, one entry per language",
                "properties": {l: {"type": "string", "minLength": 1} for l in self.languages},
                "required": list(self.languages), "additionalProperties": False}

    def name_forms(self) -> dict:
        form = safety.GRAMMARS["NameForm"]
        per_language = {"type": "object", "propertyNames": {"pattern": anchored(form.pattern)},
                        "additionalProperties": {"type": "string", "minLength": 1}}
        return {"type": "object", "description": "Forms of the name, per language: form name -> words",
                "properties": {l: per_language for l in self.languages}, "additionalProperties": False}

    def record(self, cls) -> dict:
        hints = typing.get_type_hints(cls)
        props, required = {}, []
        for f in dataclasses.fields(cls):
            if f.name == "pos":
                continue
            prop = dict(self.of(hints[f.name]))
            meta = f.metadata
            if "doc" in meta:
                prop["description"] = meta["doc"]
            for key, schema_key in (("min_items", "minItems"), ("minimum", "minimum"), ("maximum", "maximum")):
                if key in meta:
                    prop[schema_key] = meta[key]
            if f.name == "type" and typing.get_origin(hints[f.name]) is typing.Literal:
                prop = {"const": typing.get_args(hints[f.name])[0]}
            props[f.name] = prop
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and f.name != "type":
                required.append(f.name)
        if "type" in props:
            required.insert(0, "type")
        out = {"type": "object", "properties": props, "additionalProperties": False}
        if required:
            out["required"] = required
        if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
            out["description"] = " ".join(cls.__doc__.split())
        return out


def schemas(languages: list[str]) -> dict[str, dict]:
    """One schema per kind of source file."""
    out = {}
    for kind, cls in m.FILE_KINDS.items():
        builder = _Builder(languages)
        root = builder.ref(cls)
        out[kind] = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                     "title": f"Dyade {kind} file", **root, "$defs": builder.defs}
    builder = _Builder(languages)
    out["strings"] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Dyade interface strings",
                      "type": "object", "additionalProperties": builder.ref(m.Text), "$defs": builder.defs}
    return out


project_languages = declared_languages  # the schema is written for the project's languages


def kinds() -> list[str]:
    """The schemas schema/ holds, one per kind of source file (and strings)."""
    return [*m.FILE_KINDS, "strings"]


def write_schemas(root: Path, log, only_missing: bool = False) -> list[Path]:
    """Write every schema into schema/ (`only_missing`: those not there yet); the paths written."""
    target = Path(root) / SCHEMA_DIR
    if only_missing and all((target / f"{kind}.schema.json").is_file() for kind in kinds()):
        return []  # nothing to write: not even the programme's languages need reading
    target.mkdir(exist_ok=True)
    written = []
    for kind, schema in schemas(project_languages(root)).items():
        path = target / f"{kind}.schema.json"
        if only_missing and path.is_file():
            continue
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"  {path.relative_to(root)}")
        written.append(path)
    return written
