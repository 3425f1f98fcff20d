"""Conversion to the model: the nodes of a source file turned into the
dataclasses of `dyade.model` by walking their type hints, so the model is
the single description of the format (the JSON Schema is derived from it
too).  Every value is checked against its grammar as it is converted."""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import os
import re
import types
import typing

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import model as m
from .. import safety
from .images import image_problem
from .messages import char_name, show, suggest
from .positions import CURLY_QUOTES, ODD_SPACE_RE, PositionedReader, is_null, node_kind, node_tag, offset_pos

MAX_DIGITS = 9  # no number in Dyade sources comes near a billion
# Whole-value grammars (see dyade.safety): always used with fullmatch.
IDENT_RE, COLOUR_RE, EMAIL_RE = safety.IDENT, safety.COLOUR, safety.EMAIL
WEB_RE, LANG_RE, PHONE_RE = safety.WEB, safety.LANG, safety.PHONE
# Characters no output can hold (XML refuses them, UTF-8 cannot encode lone
# surrogates); YAML refuses them typed as such, but "\x0b" or "\ud800"
# escapes in a double-quoted text make them.
INVISIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

INVALID = object()  # a value that failed validation (its problem is recorded)


class Reader(PositionedReader):
    """Reads the sources of one project: files into nodes (PositionedReader),
    nodes into the model's records, each problem recorded where it is."""

    # -- conversion --------------------------------------------------------
    def convert(self, node: Node, hint, where: str):
        """Convert `node` to the type `hint`; `where` names it for messages."""
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            non_none = [a for a in args if a is not type(None)]
            if len(non_none) == 1:
                if is_null(node):
                    return None
                return self.convert(node, non_none[0], where)
            return self.convert_variant(node, non_none, where)
        if origin is list:
            return self.convert_list(node, args[0], where)
        if origin is typing.Literal:
            value = self.scalar(node, where)
            if value is INVALID:
                return INVALID
            if value not in args:
                self.problem(node, f"{where} is {value!r}, which is not allowed",
                             "use one of: " + ", ".join(map(str, args)) + suggest(value, args))
                return INVALID
            return value
        if isinstance(hint, type) and issubclass(hint, m.Text):
            return self.convert_text(node, hint, where)
        if hint is m.NameForms:
            return self.convert_name_forms(node, where)
        if dataclasses.is_dataclass(hint):
            return self.convert_record(node, hint, where)
        return self.convert_scalar(node, hint, where)

    def scalar(self, node: Node, where: str):
        if not isinstance(node, ScalarNode):
            self.problem(node, f"{where} should be a single value, not {node_kind(node)}", "write it on one line after the colon")
            return INVALID
        return node.value

    def convert_scalar(self, node: Node, hint, where: str):
        value = self.scalar(node, where)
        if value is INVALID or not self.visible(node, value, where):
            return INVALID
        name = getattr(hint, "__name__", str(hint))
        if hint is bool:
            if node_tag(node) == "bool":
                return value.lower() == "true"
            self.problem(node, f"{where} should be true or false, not {show(value)}", "write true or false")
            return INVALID
        if hint is int:
            # YAML also reads 0x1F, 0o17 and 1_000 as integers; Dyade wants plain digits.
            digits = value.lstrip("+-")
            if node_tag(node) == "int" and digits.isascii() and digits.isdigit():
                if len(digits) > MAX_DIGITS:
                    self.problem(node, f"{where} is too large ({len(digits)} digits)",
                                 f"use a number of at most {MAX_DIGITS} digits, such as 3")
                    return INVALID
                return int(value)
            self.problem(node, f"{where} should be a whole number, not {show(value)}",
                         "write a number such as 3, without quotes")
            return INVALID
        if hint is float:
            # Plain decimal notation only (YAML would also take .inf, 1e3 or 0x10).
            if node_tag(node) in ("int", "float") and re.fullmatch(r"[+-]?\d{1,%d}(\.\d{1,6})?" % MAX_DIGITS, value):
                return float(value)
            self.problem(node, f"{where} should be a number, not {show(value)}",
                         "write a number such as 3 or 1.5, with a point for decimals and no quotes")
            return INVALID
        if hint is dt.date:
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                    self.problem(node, f"{where} {value.strip()} is not a day of the calendar",
                                 "check the day and the month (YYYY-MM-DD)")
                else:
                    self.problem(node, f"{where} should be a date, not {show(value)}",
                                 "write it as YYYY-MM-DD, for example 2026-09-01")
                return INVALID
        if node_tag(node) == "null" or not value.strip():
            self.problem(node, f"{where} is empty", "write a value after the colon")
            return INVALID
        if name == "Ident" and safety.ident_problem(value):
            what, how = safety.ident_problem(value)
            self.problem(node, f"{where} {show(value)} {what}", how)
            return INVALID
        grammar = safety.GRAMMARS.get(name)
        if grammar is not None and not grammar.pattern.fullmatch(value):
            shown = repr(value) if grammar.quoted else show(value)
            self.problem(node, f"{where} {shown} {grammar.what}", grammar.how)
            return INVALID
        if name == "AssetPath":
            return self.check_asset(node, value, where)
        return value

    def visible(self, node: Node, value: str, where: str) -> bool:
        bad = INVISIBLE_RE.search(value)
        if bad:
            self.problem(node, f"{where} contains an invisible character (U+{ord(bad.group()):04X}) that no document can hold",
                         "remove it; in a \"…\" text it is an escape such as \\x0b, \\e or \\ud800")
            return False
        bidi = safety.bidi_control(value)
        if bidi:
            # Reported where the character is: it is invisible, and it reorders the text around it.
            at = offset_pos(self.text_start(node), value, bidi.start()) if isinstance(node, ScalarNode) else self.pos(node)
            self.problem(at, f"{where} contains an invisible {char_name(bidi.group())}, which changes the order "
                         "in which the text around it is shown", "delete it (it often comes with text pasted from "
                         "another program); to type right-to-left text, no such character is needed")
            return False
        return True

    def check_asset(self, node: Node, value: str, where: str):
        try:
            candidate = (self.root / value).resolve()
            outside = os.path.isabs(value) or not candidate.is_relative_to(self.root.resolve())
            is_dir, is_file = candidate.is_dir(), candidate.is_file()
            exists = candidate.exists()
        except (OSError, ValueError, RuntimeError) as exc:
            # A NUL character, a name too long, a loop of symbolic links…
            reason = getattr(exc, "strerror", None) or str(exc)
            self.problem(node, f"{where} {show(value)} is not a usable file path ({reason})",
                         "give the path of a file in the project, e.g. content/assets/logo.png")
            return INVALID
        if outside:
            self.problem(node, f"{where} {value!r} points outside the project folder",
                         "copy the file into the project (e.g. content/assets/) and give its path from the project folder")
            return INVALID
        if is_dir:
            self.problem(node, f"{where} {value!r} is a folder, not a file",
                         "give the path of the file itself, e.g. content/assets/logo.png")
            return INVALID
        if exists and not is_file:
            # Opening a pipe would block the build; a device may never end.
            self.problem(node, f"{where} {value!r} is not an ordinary file (a pipe, a device or a socket)",
                         "give the path of an image file in the project, e.g. content/assets/logo.png")
            return INVALID
        if not is_file:
            self.problem(node, f"{where} {value!r} does not exist",
                         "check the spelling; paths start from the project folder, e.g. content/assets/logo.png")
            return INVALID
        # The one asset is the logo, which goes into every DOCX, PDF and page.
        wrong = image_problem(candidate)
        if wrong:
            self.problem(node, f"{where} {value!r} {wrong[0]}", wrong[1])
            return INVALID
        return value

    def convert_list(self, node: Node, item_hint, where: str):
        if is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{where} should be a list, not {node_kind(node)}", "write each entry on its own line starting with '- '")
            return INVALID
        items = [self.convert(child, item_hint, f"entry {i + 1} of {where}") for i, child in enumerate(node.value)]
        return INVALID if any(i is INVALID for i in items) else items

    def convert_text(self, node: Node, cls, where: str, other_languages_ok: bool = False,
                     fallback: dict | None = None):
        """`fallback` ({lang: text}, Dyade's shipped interface text) fills a
        declared language the entry does not give."""
        langs = self.languages
        example = "{" + ", ".join(f"{l}: …" for l in langs) + "}"
        if isinstance(node, ScalarNode) and not is_null(node):
            self.problem(node, f"{where} must be translated, not a single text",
                         f"give one entry per language, e.g. {example}")
            return INVALID
        if not isinstance(node, MappingNode):
            self.problem(node, f"{where} should be one text per language, not {node_kind(node)}", f"write it as {example}")
            return INVALID
        values: dict[str, str] = {}
        value_pos: dict[str, m.Pos] = {}
        ok = True
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.problem(key, f"a key in {where} is {node_kind(key)}", "write a language code such as fr before the colon")
                ok = False
                continue
            lang = key.value
            odd = odd_key(lang, langs)
            if odd:
                self.problem(key, f"the language '{odd[0]}' of {where} is typed with {odd[1]}",
                             f"delete '{odd[0]}' and type it again as plain {odd[0]}:")
                ok = False
                continue
            if lang not in langs and other_languages_ok and LANG_RE.fullmatch(str(lang)):
                continue
            if lang not in langs:
                self.problem(key, f"{where} has a text in {lang!r}, a language this programme does not declare",
                             "add it to `languages` in content/programme.yml or remove this entry" + suggest(lang, langs))
                ok = False
                continue
            if lang in values:
                self.problem(key, f"{where} has two texts for {lang!r}", "keep only one")
                ok = False
                continue
            if not isinstance(value, ScalarNode):
                self.problem(value, f"{where} ({lang}) should be text, not {node_kind(value)}",
                             "write the text after the colon, or use | for several lines")
                ok = False
                continue
            if is_null(value) or not value.value.strip():
                self.problem(key, f"{where} has an empty {lang!r} text", f"write the {lang!r} text after '{lang}:'")
                ok = False
                continue
            if not self.visible(value, value.value, f"{where} ({lang})"):
                ok = False
                continue
            values[lang] = value.value
            value_pos[lang] = self.text_start(value)
        for lang in langs:
            if lang not in values and not any(isinstance(k, ScalarNode) and (k.value == lang or (odd_key(k.value, langs) or ("",))[0] == lang)
                                              for k, _ in node.value):
                shipped = (fallback or {}).get(lang)
                if isinstance(shipped, str) and shipped.strip():
                    values[lang] = shipped
                    value_pos[lang] = self.pos(node)
                    continue
                self.problem(node, f"{where} has no {lang!r} text", f"add a line '{lang}: …' with the translation")
                ok = False
        if not ok:
            return INVALID
        text = cls(values=values, pos=self.pos(node), value_pos=value_pos)
        self.texts.append(text)
        return text

    def convert_name_forms(self, node: Node, where: str):
        """`{lang: {form: words}}`: each language declared, each form named
        by the NameForm grammar, each value one line of text."""
        forms = m.NameForms(pos=self.pos(node))
        if is_null(node):
            return forms
        example = "fr: {du: du Réseau…}"
        if not isinstance(node, MappingNode):
            self.problem(node, f"{where} should be one set of forms per language, not {node_kind(node)}",
                         f"write a language code, then its forms below it, e.g. {example}")
            return INVALID
        ok = True
        grammar = safety.GRAMMARS["NameForm"]
        for key, value in node.value:
            lang = key.value if isinstance(key, ScalarNode) else None
            if lang not in self.languages:
                self.problem(key, f"{where} has a text in {str(lang)!r}, a language this programme does not declare",
                             "add it to `languages` in content/programme.yml or remove this entry"
                             + suggest(str(lang), self.languages))
                ok = False
                continue
            if lang in forms.values:
                self.problem(key, f"{where} has two sets of forms for {lang!r}", "keep only one")
                ok = False
                continue
            if not isinstance(value, MappingNode):
                self.problem(value, f"{where} ({lang}) should be a set of 'form: words' lines, not {node_kind(value)}",
                             f"write each form on its own line below '{lang}:', e.g. {example}")
                ok = False
                continue
            forms.values[lang] = {}
            for name_node, words in value.value:
                name = name_node.value if isinstance(name_node, ScalarNode) else ""
                if not isinstance(name, str) or not grammar.pattern.fullmatch(name):
                    self.problem(name_node, f"{where} ({lang}): {show(str(name))} {grammar.what}", grammar.how)
                    ok = False
                    continue
                if name in forms.values[lang]:
                    self.problem(name_node, f"{where} ({lang}) gives the form {name!r} twice", "keep only one")
                    ok = False
                    continue
                text = self.convert_scalar(words, str, f"the form {name!r} of {where} ({lang})")
                if text is not INVALID and "\n" in text.strip():
                    self.problem(words, f"the form {name!r} of {where} ({lang}) holds several lines",
                                 "write the name with its article on one line, e.g. du Réseau…")
                    text = INVALID
                if text is INVALID:
                    ok = False
                    continue
                forms.values[lang][name] = text.strip()
                forms.value_pos[(lang, name)] = self.pos(words)
        return forms if ok else INVALID

    def convert_record(self, node: Node, cls, where: str):
        if not isinstance(node, MappingNode):
            self.problem(node, f"{where} should be a set of 'key: value' lines, not {node_kind(node)}",
                         "write it as key: value pairs, one per line")
            return INVALID
        fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "pos"}
        hints = type_hints(cls)
        seen: dict[str, Node] = {}
        value_nodes: dict[str, Node] = {}
        values = {}
        ok = True
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.problem(key, f"a key in {where} is {node_kind(key)}", "write a plain name before the colon, e.g. title:")
                ok = False
                continue
            name = key.value
            odd = odd_key(name, fields)
            if odd:
                self.problem(key, f"the key '{odd[0]}' is typed with {odd[1]} in {where}",
                             f"delete the key and type it again as plain {odd[0]}:")
                ok = False
                continue
            if name not in fields:
                close = difflib.get_close_matches(str(name), list(fields), n=1, cutoff=0.6)
                self.problem(key, f"unknown key {show(name)} in {where}",
                             f"did you mean {close[0]!r}? Rename it" if close
                             else f"remove it; the keys allowed here are: {', '.join(fields)}")
                ok = False
                continue
            if name in seen:
                self.problem(key, f"key {name!r} appears twice in {where}", "keep only one of them")
                ok = False
                continue
            seen[name] = key
            if is_null(value) and not value.value:
                # "key:" with nothing after it: YAML places the empty value
                # after the colon (libyaml) or on the next line (the pure
                # reader); the author wrote the key.
                value = ScalarNode(value.tag, value.value, key.start_mark, key.end_mark)
            value_nodes[name] = value
            converted = self.convert(value, hints[name], describe(name, where))
            if converted is INVALID:
                ok = False
            values[name] = converted
        for name, f in fields.items():
            if name in seen:
                continue
            misspelt = [k.value for k, _ in node.value if isinstance(k, ScalarNode) and k.value not in fields
                        and difflib.get_close_matches(str(k.value), [name], n=1, cutoff=0.6)]
            if misspelt:
                continue  # already reported as "did you mean"
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required:
                self.problem(node, f"{where} is missing {name!r}", f"add a line '{name}: …'" + doc_hint(f))
                ok = False
        if not ok:
            return INVALID
        record = cls(**values, pos=self.pos(node))
        self.key_pos[id(record)] = {
            name: (self.pos(v), [self.pos(c) for c in v.value] if isinstance(v, SequenceNode) else [])
            for name, v in value_nodes.items()}
        self.check_bounds(record, cls, node, seen)
        return record

    def check_bounds(self, record, cls, node: Node, keys: dict[str, Node]) -> None:
        for f in dataclasses.fields(cls):
            meta = f.metadata
            value = getattr(record, f.name)
            at = keys.get(f.name, node)
            if "min_items" in meta and isinstance(value, list) and len(value) < meta["min_items"]:
                self.problem(at, f"{f.name!r} needs at least {meta['min_items']} entr{'y' if meta['min_items'] == 1 else 'ies'}, it has {len(value)}",
                             "list the programme's languages, e.g. [fr, en] (the first one is the site's default)"
                             if f.name == "languages" else f"add {f.name} entries")
            if isinstance(value, int) and not isinstance(value, bool):
                lo, hi = meta.get("minimum"), meta.get("maximum")
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    span = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
                    self.problem(at, f"{f.name!r} is {value}, out of range", f"use a number {span}")

    def convert_variant(self, node: Node, classes, where: str):
        """A field of a form: the `type` key chooses the class."""
        by_type = {typing.get_args(type_hints(c)["type"])[0]: c for c in classes}
        if not isinstance(node, MappingNode):
            self.problem(node, f"{where} should be a set of 'key: value' lines, not {node_kind(node)}", "start it with 'type: …'")
            return INVALID
        type_node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == "type"), None)
        if type_node is None:
            self.problem(node, f"{where} has no 'type'", "add 'type: …', one of: " + ", ".join(by_type))
            return INVALID
        kind = type_node.value if isinstance(type_node, ScalarNode) else None
        form_types = {typing.get_args(type_hints(c)["type"])[0] for c in typing.get_args(m.FormItem)}
        if kind not in by_type and kind in form_types:
            self.problem(type_node, f"{where} is a {kind!r} field, which a table column cannot be",
                         "use one of: " + ", ".join(by_type) + f"; to ask for a {kind} too, add it as a field of its own")
            return INVALID
        if kind not in by_type:
            self.problem(type_node, f"unknown field type {kind!r}",
                         "use one of: " + ", ".join(by_type) + suggest(kind, by_type, "; did you mean"))
            return INVALID
        label = kind.replace("_", " ")
        return self.convert_record(node, by_type[kind], f"{where} ({label})")



@functools.lru_cache(maxsize=None)
def type_hints(cls) -> dict:
    # Resolving a dataclass's string annotations is slow; the classes never change.
    return typing.get_type_hints(cls)


def odd_key(name, allowed) -> tuple[str, str] | None:
    """(the key meant, what is wrong with it) for a key typed with a
    no-break or zero-width space or in curly quotes, which the author cannot
    see or does not know to avoid."""
    if not isinstance(name, str):
        return None
    clean = ODD_SPACE_RE.sub("", name).strip(CURLY_QUOTES + " ")
    if clean == name or clean not in allowed:
        return None
    odd = next(c for c in name if ODD_SPACE_RE.match(c) or c in CURLY_QUOTES)
    what = "curly quotes" if odd in CURLY_QUOTES else f"an invisible {char_name(odd)}"
    return clean, what


def describe(name: str, where: str) -> str:
    # The line and column already say where; the key name says what.
    return f"'{name}'"


def doc_hint(f) -> str:
    text = f.metadata.get("doc")
    return f" ({text[0].lower() + text[1:].rstrip('.')})" if text else ""


