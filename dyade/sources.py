"""The reader: YAML sources -> validated `Model`, or every problem found.

Files are parsed with ruamel.yaml's composer, which keeps the line and column
of every node; the nodes are then converted by walking the type hints of the
classes in `dyade.model`, so the model is the single description of the
format (the JSON Schema is derived from it too).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import os
import re
import stat
import types
import typing
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from . import bundled
from . import markdown
from . import model as m
from . import safety
from .errors import Problem, SourceErrors

MAX_FILE_BYTES = 1_000_000  # the whole bundled guide is far below this
MAX_DEPTH = 50  # values inside values; Dyade sources need about 10, Python's stack allows a few hundred
MAX_DIGITS = 9  # no number in Dyade sources comes near a billion
# Whole-value grammars (see dyade.safety): always used with fullmatch.
IDENT_RE, COLOUR_RE, EMAIL_RE = safety.IDENT, safety.COLOUR, safety.EMAIL
WEB_RE, LANG_RE, PHONE_RE = safety.WEB, safety.LANG, safety.PHONE
REF_KINDS = safety.REF_KINDS
REF_RE = safety.REF
# Characters no output can hold (XML refuses them, UTF-8 cannot encode lone
# surrogates); YAML refuses them typed as such, but "\x0b" or "\ud800"
# escapes in a double-quoted text make them.
INVISIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
PLACEHOLDERS = ("org", "org_short", "programme", "coordinator", "coordinator_email", "duration")
# `{Org}`, `{ org }`: meant as a placeholder, but only `{org}` is one.
LOOSE_PLACEHOLDER_RE = re.compile(r"\{\s*([A-Za-z_]+)\s*\}")
# Every link target of a Markdown text: inline `](target "title")`, `](<target>)`
# and reference definitions `[label]: target` at the start of a line.
ANY_LINK_RE = re.compile(r"\]\(\s*(<[^<>\n]*>|[^\s)]*)([^)\n]*)\)|^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)", re.M)
LINK_SCHEMES = safety.LINK_SCHEMES
# Spaces that look like a space but are not one for YAML (no-break, thin,
# zero-width…): in the indentation they break the structure invisibly.
ODD_SPACE_RE = re.compile("[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]")
CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u00ab\u00bb"
# What each writer can put in a DOCX, a PDF and a web page, by the file's first bytes.
IMAGE_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
                    ".gif": (b"GIF87a", b"GIF89a"), ".svg": ()}
MAX_IMAGE_BYTES = 5_000_000  # the logo is copied into every DOCX, PDF and page
MAX_IMAGE_PIXELS = 10_000    # per side: a larger image takes gigabytes to lay out
# Page names the site uses itself: an item with this id would replace them.
RESERVED_IDS = {"chapter": ("index",), "form": ("index",), "annex": ("index",)}

INVALID = object()  # a value that failed validation (its problem is recorded)


class _Reader:
    def __init__(self, root: Path, languages: list[str]):
        self.root = root
        self.languages = languages
        self.problems: list[Problem] = []
        self.path = ""  # project-relative path of the file being read
        # Where each key's value of a record is, and each entry of its lists:
        # id(record) -> {key: (Pos, [Pos of each entry])}; the records live
        # in the model, so their ids stay theirs while it is checked.
        self.key_pos: dict[int, dict[str, tuple[m.Pos, list[m.Pos]]]] = {}
        # Every translated text read, in order: those of a file whose item
        # is refused still get their links and placeholders checked.
        self.texts: list[m.Text] = []

    # -- reporting ---------------------------------------------------------
    def problem(self, node_or_pos, what: str, how: str) -> None:
        if isinstance(node_or_pos, m.Pos):
            p = node_or_pos
            self.problems.append(Problem(p.path, p.line, p.col, what, how))
        else:
            line, col = _mark(node_or_pos)
            self.problems.append(Problem(self.path, line, col, what, how))

    def text_start(self, node: ScalarNode) -> m.Pos:
        """Where the text itself starts: for `|` and `>` blocks that is the
        first indented line below the indicator."""
        if node.style in ("|", ">"):
            index = node.start_mark.line + 1
            while index < len(self.lines) and not self.lines[index].strip():
                index += 1
            if index < len(self.lines):
                line = self.lines[index]
                return m.Pos(self.path, index + 1, len(line) - len(line.lstrip()) + 1)
        pos = self.pos(node)
        return m.Pos(pos.path, pos.line, pos.col + (1 if node.style in ("'", '"') else 0))

    def pos(self, node: Node) -> m.Pos:
        line, col = _mark(node)
        return m.Pos(self.path, line, col)

    def at(self, record, key: str, index: int | None = None) -> m.Pos:
        """Where the value of `key` (or its entry `index`) of `record` is
        written; the record's own position if unknown."""
        found = self.key_pos.get(id(record), {}).get(key)
        if found is None:
            return record.pos
        pos, entries = found
        return entries[index] if index is not None and index < len(entries) else pos

    # -- files -------------------------------------------------------------
    def parse_file(self, path: Path, required: bool = False) -> Node | None:
        """Read one YAML file into a node tree, or record why it cannot be.
        `required`: the programme cannot do without this file."""
        self.path = path.relative_to(self.root).as_posix()
        empty_how = ("fill it in (start from the same file of the bundled programme); Dyade needs this file"
                     if required else "fill it in or delete it")
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                self.problems.append(Problem(self.path, 1, 1, "this is a folder, not a file, but its name ends in .yml",
                                             "rename or move it: every .yml file of this folder is read as a source"))
                return None
            if not stat.S_ISREG(info.st_mode):
                # A pipe would block the reader, a device like /dev/zero never ends.
                self.problems.append(Problem(self.path, 1, 1, "this is not an ordinary file (a pipe, a device or a socket)",
                                             "rename or move it: every .yml file of this folder is read as a source"))
                return None
            with path.open("rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            self.problems.append(Problem(self.path, 1, 1, f"cannot read the file ({exc.strerror or exc})",
                                         "check that it exists and is readable"))
            return None
        if len(raw) > MAX_FILE_BYTES:
            size = max(info.st_size, len(raw))
            self.problems.append(Problem(self.path, 1, 1, f"file is too large ({size // 1_000_000} MB; the limit is 1 MB)",
                                         "split it into smaller files or remove what does not belong in it"))
            return None
        if raw.startswith(b"\xef\xbb\xbf"):  # a BOM from Windows editors is harmless
            raw = raw[3:]
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw.count(b"\x00", 0, 4000) * 4 > min(len(raw), 4000):
            # Windows' "Unicode" encoding: every other byte is zero.
            self.problems.append(Problem(self.path, 1, 1, "the file is saved as UTF-16 (\"Unicode\"), not UTF-8",
                                         "save it again with the UTF-8 encoding"))
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            self.problems.append(Problem(self.path, line, col, f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                                         "save it again with the UTF-8 encoding"))
            return None
        if not text.strip() or all(l.strip().startswith("#") or not l.strip() for l in text.splitlines()):
            self.problems.append(Problem(self.path, 1, 1, "the file is empty", empty_how))
            return None
        self.lines = text.splitlines()
        for number, line in enumerate(self.lines, 1):
            indent = len(line) - len(line.lstrip(" \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                                                  "\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"))
            odd = ODD_SPACE_RE.search(line, 0, indent)
            if odd and line.strip():
                self.problems.append(Problem(self.path, number, odd.start() + 1,
                                             f"the indentation of this line holds an invisible {_char_name(odd.group())}, "
                                             "not an ordinary space",
                                             "delete the spaces at the start of the line and type them again with the space bar"))
                return None
        fast = _compose_fast(text)
        if fast is not None:
            return fast
        # "safe" rather than round-trip: only nodes and their positions are
        # needed, and skipping comments makes reading twice as fast.
        yaml = _yaml_reader()
        try:
            node = yaml.compose(text)
            if node is None or (_is_null(node) and not node.value.strip()):  # only '---' or '...'
                self.problems.append(Problem(self.path, 1, 1, "the file is empty", empty_how))
                return None
            return node
        except _AliasRefused as exc:
            line, col = _mark_of(exc.mark)
            self.problems.append(Problem(self.path, line, col, "YAML aliases (*name) are not allowed",
                                         "write the text out in full instead of referring to an anchor; "
                                         "to start a text with * or &, put it in quotes"))
            return None
        except _TagRefused as exc:
            line, col = _mark_of(exc.mark)
            shown = "!!" + exc.tag.rsplit(":", 1)[-1] if exc.tag.startswith("tag:yaml.org,2002:") else exc.tag
            self.problems.append(Problem(self.path, line, col, f"YAML tags such as {shown} are not allowed",
                                         "remove the tag; to start a text with !, put it in quotes"))
            return None
        except MaxDepthExceededError as exc:
            line, col = _mark_of(exc.problem_mark)
            self.problems.append(Problem(self.path, line, col, f"values are nested more than {MAX_DEPTH} levels deep here",
                                         "check the brackets and the indentation: Dyade sources never need more "
                                         "than a few levels"))
            return None
        except MarkedYAMLError as exc:
            mark, what, how = _syntax_problem(exc)
            line, col = _mark_of(mark) if mark else (1, 1)
            if any(q in l for q in CURLY_QUOTES for l in self.lines[max(0, line - 2):line]):
                how += "; the curly quotes “…” ‘…’ «…» are not quotes for YAML: use straight ones, \"…\" or '…'"
            self.problems.append(Problem(self.path, line, col, what, how))
            return None
        except ReaderError as exc:
            # A character YAML refuses, e.g. a control character pasted with a text.
            at = exc.position if isinstance(exc.position, int) else 0
            line = text.count("\n", 0, at) + 1
            col = at - (text.rfind("\n", 0, at) + 1) + 1
            char = exc.character if isinstance(exc.character, int) else 0
            self.problems.append(Problem(self.path, line, col, f"the file contains an invisible control character U+{char:04X}",
                                         "delete it (it often comes with text pasted from another program)"))
            return None
        except YAMLError as exc:
            self.problems.append(Problem(self.path, 1, 1, f"YAML error: {exc}", "check the file's syntax"))
            return None

    # -- conversion --------------------------------------------------------
    def convert(self, node: Node, hint, where: str):
        """Convert `node` to the type `hint`; `where` names it for messages."""
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            non_none = [a for a in args if a is not type(None)]
            if len(non_none) == 1:
                if _is_null(node):
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
                             "use one of: " + ", ".join(map(str, args)) + _suggest(value, args))
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
            self.problem(node, f"{where} should be a single value, not {_kind(node)}", "write it on one line after the colon")
            return INVALID
        return node.value

    def convert_scalar(self, node: Node, hint, where: str):
        value = self.scalar(node, where)
        if value is INVALID or not self.visible(node, value, where):
            return INVALID
        name = getattr(hint, "__name__", str(hint))
        if hint is bool:
            if _tag(node) == "bool":
                return value.lower() == "true"
            self.problem(node, f"{where} should be true or false, not {_show(value)}", "write true or false")
            return INVALID
        if hint is int:
            # YAML also reads 0x1F, 0o17 and 1_000 as integers; Dyade wants plain digits.
            digits = value.lstrip("+-")
            if _tag(node) == "int" and digits.isascii() and digits.isdigit():
                if len(digits) > MAX_DIGITS:
                    self.problem(node, f"{where} is too large ({len(digits)} digits)",
                                 f"use a number of at most {MAX_DIGITS} digits, such as 3")
                    return INVALID
                return int(value)
            self.problem(node, f"{where} should be a whole number, not {_show(value)}",
                         "write a number such as 3, without quotes")
            return INVALID
        if hint is float:
            # Plain decimal notation only (YAML would also take .inf, 1e3 or 0x10).
            if _tag(node) in ("int", "float") and re.fullmatch(r"[+-]?\d{1,%d}(\.\d{1,6})?" % MAX_DIGITS, value):
                return float(value)
            self.problem(node, f"{where} should be a number, not {_show(value)}",
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
                    self.problem(node, f"{where} should be a date, not {_show(value)}",
                                 "write it as YYYY-MM-DD, for example 2026-09-01")
                return INVALID
        if _tag(node) == "null" or not value.strip():
            self.problem(node, f"{where} is empty", "write a value after the colon")
            return INVALID
        if name == "Ident" and safety.ident_problem(value):
            what, how = safety.ident_problem(value)
            self.problem(node, f"{where} {_show(value)} {what}", how)
            return INVALID
        grammar = safety.GRAMMARS.get(name)
        if grammar is not None and not grammar.pattern.fullmatch(value):
            shown = repr(value) if grammar.quoted else _show(value)
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
            at = _offset_pos(self.text_start(node), value, bidi.start()) if isinstance(node, ScalarNode) else self.pos(node)
            self.problem(at, f"{where} contains an invisible {_char_name(bidi.group())}, which changes the order "
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
            self.problem(node, f"{where} {_show(value)} is not a usable file path ({reason})",
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
        wrong = _image_problem(candidate)
        if wrong:
            self.problem(node, f"{where} {value!r} {wrong[0]}", wrong[1])
            return INVALID
        return value

    def convert_list(self, node: Node, item_hint, where: str):
        if _is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{where} should be a list, not {_kind(node)}", "write each entry on its own line starting with '- '")
            return INVALID
        items = [self.convert(child, item_hint, f"entry {i + 1} of {where}") for i, child in enumerate(node.value)]
        return INVALID if any(i is INVALID for i in items) else items

    def convert_text(self, node: Node, cls, where: str, other_languages_ok: bool = False,
                     fallback: dict | None = None):
        """`fallback` ({lang: text}, Dyade's shipped interface text) fills a
        declared language the entry does not give."""
        langs = self.languages
        example = "{" + ", ".join(f"{l}: …" for l in langs) + "}"
        if isinstance(node, ScalarNode) and not _is_null(node):
            self.problem(node, f"{where} must be translated, not a single text",
                         f"give one entry per language, e.g. {example}")
            return INVALID
        if not isinstance(node, MappingNode):
            self.problem(node, f"{where} should be one text per language, not {_kind(node)}", f"write it as {example}")
            return INVALID
        values: dict[str, str] = {}
        value_pos: dict[str, m.Pos] = {}
        ok = True
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.problem(key, f"a key in {where} is {_kind(key)}", "write a language code such as fr before the colon")
                ok = False
                continue
            lang = key.value
            odd = _odd_key(lang, langs)
            if odd:
                self.problem(key, f"the language '{odd[0]}' of {where} is typed with {odd[1]}",
                             f"delete '{odd[0]}' and type it again as plain {odd[0]}:")
                ok = False
                continue
            if lang not in langs and other_languages_ok and LANG_RE.fullmatch(str(lang)):
                continue
            if lang not in langs:
                self.problem(key, f"{where} has a text in {lang!r}, a language this programme does not declare",
                             "add it to `languages` in content/programme.yml or remove this entry" + _suggest(lang, langs))
                ok = False
                continue
            if lang in values:
                self.problem(key, f"{where} has two texts for {lang!r}", "keep only one")
                ok = False
                continue
            if not isinstance(value, ScalarNode):
                self.problem(value, f"{where} ({lang}) should be text, not {_kind(value)}",
                             "write the text after the colon, or use | for several lines")
                ok = False
                continue
            if _is_null(value) or not value.value.strip():
                self.problem(key, f"{where} has an empty {lang!r} text", f"write the {lang!r} text after '{lang}:'")
                ok = False
                continue
            if not self.visible(value, value.value, f"{where} ({lang})"):
                ok = False
                continue
            values[lang] = value.value
            value_pos[lang] = self.text_start(value)
        for lang in langs:
            if lang not in values and not any(isinstance(k, ScalarNode) and (k.value == lang or (_odd_key(k.value, langs) or ("",))[0] == lang)
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
        if _is_null(node):
            return forms
        example = "fr: {du: du Réseau…}"
        if not isinstance(node, MappingNode):
            self.problem(node, f"{where} should be one set of forms per language, not {_kind(node)}",
                         f"write a language code, then its forms below it, e.g. {example}")
            return INVALID
        ok = True
        grammar = safety.GRAMMARS["NameForm"]
        for key, value in node.value:
            lang = key.value if isinstance(key, ScalarNode) else None
            if lang not in self.languages:
                self.problem(key, f"{where} has a text in {str(lang)!r}, a language this programme does not declare",
                             "add it to `languages` in content/programme.yml or remove this entry"
                             + _suggest(str(lang), self.languages))
                ok = False
                continue
            if lang in forms.values:
                self.problem(key, f"{where} has two sets of forms for {lang!r}", "keep only one")
                ok = False
                continue
            if not isinstance(value, MappingNode):
                self.problem(value, f"{where} ({lang}) should be a set of 'form: words' lines, not {_kind(value)}",
                             f"write each form on its own line below '{lang}:', e.g. {example}")
                ok = False
                continue
            forms.values[lang] = {}
            for name_node, words in value.value:
                name = name_node.value if isinstance(name_node, ScalarNode) else ""
                if not isinstance(name, str) or not grammar.pattern.fullmatch(name):
                    self.problem(name_node, f"{where} ({lang}): {_show(str(name))} {grammar.what}", grammar.how)
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
            self.problem(node, f"{where} should be a set of 'key: value' lines, not {_kind(node)}",
                         "write it as key: value pairs, one per line")
            return INVALID
        fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "pos"}
        hints = _type_hints(cls)
        seen: dict[str, Node] = {}
        value_nodes: dict[str, Node] = {}
        values = {}
        ok = True
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.problem(key, f"a key in {where} is {_kind(key)}", "write a plain name before the colon, e.g. title:")
                ok = False
                continue
            name = key.value
            odd = _odd_key(name, fields)
            if odd:
                self.problem(key, f"the key '{odd[0]}' is typed with {odd[1]} in {where}",
                             f"delete the key and type it again as plain {odd[0]}:")
                ok = False
                continue
            if name not in fields:
                close = difflib.get_close_matches(str(name), list(fields), n=1, cutoff=0.6)
                self.problem(key, f"unknown key {_show(name)} in {where}",
                             f"did you mean {close[0]!r}? Rename it" if close
                             else f"remove it; the keys allowed here are: {', '.join(fields)}")
                ok = False
                continue
            if name in seen:
                self.problem(key, f"key {name!r} appears twice in {where}", "keep only one of them")
                ok = False
                continue
            seen[name] = key
            if _is_null(value) and not value.value:
                # "key:" with nothing after it: YAML places the empty value
                # after the colon (libyaml) or on the next line (the pure
                # reader); the author wrote the key.
                value = ScalarNode(value.tag, value.value, key.start_mark, key.end_mark)
            value_nodes[name] = value
            converted = self.convert(value, hints[name], _describe(name, where))
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
                self.problem(node, f"{where} is missing {name!r}", f"add a line '{name}: …'" + _doc_hint(f))
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
        by_type = {typing.get_args(_type_hints(c)["type"])[0]: c for c in classes}
        if not isinstance(node, MappingNode):
            self.problem(node, f"{where} should be a set of 'key: value' lines, not {_kind(node)}", "start it with 'type: …'")
            return INVALID
        type_node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == "type"), None)
        if type_node is None:
            self.problem(node, f"{where} has no 'type'", "add 'type: …', one of: " + ", ".join(by_type))
            return INVALID
        kind = type_node.value if isinstance(type_node, ScalarNode) else None
        form_types = {typing.get_args(_type_hints(c)["type"])[0] for c in typing.get_args(m.FormItem)}
        if kind not in by_type and kind in form_types:
            self.problem(type_node, f"{where} is a {kind!r} field, which a table column cannot be",
                         "use one of: " + ", ".join(by_type) + f"; to ask for a {kind} too, add it as a field of its own")
            return INVALID
        if kind not in by_type:
            self.problem(type_node, f"unknown field type {kind!r}",
                         "use one of: " + ", ".join(by_type) + _suggest(kind, by_type, "; did you mean"))
            return INVALID
        label = kind.replace("_", " ")
        return self.convert_record(node, by_type[kind], f"{where} ({label})")


# -- helpers -----------------------------------------------------------------

def _image_problem(path: Path) -> tuple[str, str] | None:
    """(what, how) if `path` is not an image every writer can lay out."""
    suffix = path.suffix.lower()
    formats = "a PNG, JPEG, GIF or SVG file"
    if suffix not in IMAGE_SIGNATURES:
        return (f"is not an image Dyade can use ({suffix or 'no extension'})",
                f"give {formats} (PNG is best: Word cannot show an SVG)")
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return (f"is too large for a logo ({size / 1_000_000:.1f} MB; the limit is {MAX_IMAGE_BYTES // 1_000_000} MB)",
                    "save a smaller version: a logo needs about 1000 pixels across at most")
        with path.open("rb") as f:
            data = f.read(MAX_IMAGE_BYTES)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})", "check that the file is readable"
    name = suffix[1:].upper().replace("JPG", "JPEG")
    if suffix == ".svg":
        head = data[:4096].decode("utf-8", "replace")
        ok = "<svg" in head
        unsafe = safety.svg_problem(data) if ok else None
        if unsafe:
            return (f"is an SVG image that {unsafe}, which a published logo must not",
                    "export the logo again as a plain drawing (or use a PNG logo)")
    else:
        ok = data.startswith(IMAGE_SIGNATURES[suffix])
    if not ok:
        found = next((s[1:].upper().replace("JPG", "JPEG") for s, sigs in IMAGE_SIGNATURES.items()
                      if sigs and data.startswith(sigs)), None)
        return (f"is not a {name} image" + (f" (its content is {found})" if found else " (its content is not an image)"),
                f"export the logo again as {name}" + (f", or rename the file to end in .{found.lower()}" if found else ""))
    pixels = _image_pixels(data, suffix)
    if pixels and max(pixels) > MAX_IMAGE_PIXELS:
        return (f"is {pixels[0]} × {pixels[1]} pixels, too large to lay out (the limit is {MAX_IMAGE_PIXELS} on each side)",
                "save a smaller version: a logo needs about 1000 pixels across at most")
    return None


def _image_pixels(data: bytes, suffix: str) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG, from its header."""
    import struct
    if suffix == ".png" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if suffix == ".gif" and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if suffix in (".jpg", ".jpeg"):
        i = 2
        while i + 9 <= len(data) and data[i] == 0xFF:
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return None


@functools.lru_cache(maxsize=None)
def _type_hints(cls) -> dict:
    # Resolving a dataclass's string annotations is slow; the classes never change.
    return typing.get_type_hints(cls)


class _AliasRefused(Exception):
    def __init__(self, mark):
        super().__init__("alias")
        self.mark = mark


class _TagRefused(Exception):
    def __init__(self, mark, tag):
        super().__init__("tag")
        self.mark, self.tag = mark, tag


def _yaml_reader() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _NoAliasComposer
    # The composer recurses once per level: stop far before Python's stack does.
    yaml.max_depth = MAX_DEPTH
    return yaml


def _compose_fast(text: str) -> Node | None:
    """The node tree of a well-formed file, read by libyaml's C parser
    (ruamel.yaml.clib) under the same composer: about four times as fast as
    the pure-Python reader, the same nodes and positions (an empty value is
    placed right after its colon rather than at the next line).  None when it
    is not installed, when the file is empty or holds anything the C parser
    refuses (it reads YAML 1.1: "[form:x]" in brackets is an error there):
    the pure-Python reader then reads the file and words the problems."""
    if _CParser is None:
        return None
    yaml = _yaml_reader()
    yaml._parser = _CParser(text)  # noqa: SLF001 — the YAML object's own slot for its parser
    try:
        node = yaml.composer.get_single_node()
    except Exception:  # noqa: BLE001 — any refusal is reported by the pure reader, in its words
        return None
    finally:
        yaml._parser.dispose()  # noqa: SLF001
    if node is None or (_is_null(node) and not node.value.strip()):
        return None
    return node


try:
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # no wheel for this platform: the pure-Python reader does it all
    _CParser = None


class _NoAliasComposer(Composer):
    """Refuses aliases (*name) where they appear: Dyade sources never need
    them, and they let a tiny file expand without bound ("billion laughs").
    Refuses tags (`!include`, `!!binary`, `!!str`) too: Dyade would take the
    value as text all the same, so a tag only misleads."""

    def __init__(self, loader=None):
        super().__init__(loader)
        self.warn_double_anchors = False  # an anchor reused without aliases is harmless; no stray warning

    def compose_node(self, parent, index):
        if self.parser.check_event(AliasEvent):
            raise _AliasRefused(self.parser.peek_event().start_mark)
        tag = getattr(self.parser.peek_event(), "tag", None)
        if tag is not None:
            raise _TagRefused(self.parser.peek_event().start_mark, tag)
        return super().compose_node(parent, index)


def _syntax_problem(exc: MarkedYAMLError):
    """(mark, what, how) of a YAML syntax error, in the author's words.

    A quote or bracket that is never closed is noticed only at the end of
    the file or on a later line: the place to fix is where it was opened
    (the error's context mark)."""
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    context = (exc.context or "").strip()
    at, opened = exc.problem_mark or exc.context_mark, exc.context_mark or exc.problem_mark
    if "\\t" in problem or "\t" in problem or "tab" in problem.lower():
        return at, "a tab character is used for indentation", "indent with spaces only (set your editor to insert spaces)"
    if "quoted scalar" in context and "end of stream" in problem:
        return opened, "YAML syntax error: the quote that opens this text is never closed", \
            "add the same quote at the end of the text (inside '…' write a ' as '', inside \"…\" write \\\")"
    for kind, open_, close in (("flow sequence", "[", "]"), ("flow mapping", "{", "}")):
        if kind in context and problem.startswith("expected ','"):
            return opened, f"YAML syntax error: the '{open_}' opened here is not closed, or an entry lacks its comma", \
                f"add '{close}' at the end and separate the entries with ', '; a text holding ': ' or ', ' needs quotes"
    if "simple key" in context and "expected ':'" in problem:
        return opened, "YAML syntax error: this line has no ':' after its key", \
            "write 'key: value' with a colon and a space; for a text over several lines use '|' and indent the lines below"
    if problem.startswith("expected <block end>"):
        return at, "YAML syntax error: this line is not indented like the lines around it", \
            "indent it with as many spaces as the other entries at its level"
    if problem == "mapping values are not allowed here":
        return at, "YAML syntax error: ': ' inside a value", \
            "put the whole text in quotes, or check the indentation of this line"
    start = re.match(r"found character '(.+)' that cannot start any token", problem)
    if start:
        return at, f"YAML syntax error: a value cannot start with '{start.group(1)}'", "put the text in quotes"
    if "another document" in problem:
        return at, "YAML syntax error: a second document starts here", \
            "remove the '---' line and what follows, or move it to a file of its own"
    return at, f"YAML syntax error: {problem}", "check the indentation, the colons and the quotes on this line and the one above"


def _mark_of(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _mark(node: Node) -> tuple[int, int]:
    return _mark_of(node.start_mark)


def _tag(node: ScalarNode) -> str:
    return str(node.tag).rsplit(":", 1)[-1]


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and _tag(node) == "null"


def _kind(node: Node) -> str:
    """What the node is, with its article: "a list", "an empty value"…"""
    if isinstance(node, MappingNode):
        return "a set of keys"
    if isinstance(node, SequenceNode):
        return "a list"
    if _is_null(node):
        return "an empty value"
    return "a single value"


def _char_name(char: str) -> str:
    import unicodedata
    return f"{unicodedata.name(char, 'character').lower()} (U+{ord(char):04X})"


def _odd_key(name, allowed) -> tuple[str, str] | None:
    """(the key meant, what is wrong with it) for a key typed with a
    no-break or zero-width space or in curly quotes, which the author cannot
    see or does not know to avoid."""
    if not isinstance(name, str):
        return None
    clean = ODD_SPACE_RE.sub("", name).strip(CURLY_QUOTES + " ")
    if clean == name or clean not in allowed:
        return None
    odd = next(c for c in name if ODD_SPACE_RE.match(c) or c in CURLY_QUOTES)
    what = "curly quotes" if odd in CURLY_QUOTES else f"an invisible {_char_name(odd)}"
    return clean, what


def _suggest(word, choices, prefix: str = "; did you mean") -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"{prefix} {close[0]!r}?" if close else ""


def _show(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut short when it is long."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _describe(name: str, where: str) -> str:
    # The line and column already say where; the key name says what.
    return f"'{name}'"


def _doc_hint(f) -> str:
    text = f.metadata.get("doc")
    return f" ({text[0].lower() + text[1:].rstrip('.')})" if text else ""


# -- the whole programme ------------------------------------------------------

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


def _unread_files(root: Path) -> list[Problem]:
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
    reader = _Reader(Path(root).resolve(), ["fr", "en"])
    node = reader.parse_file(Path(root).resolve() / "content" / "programme.yml")
    return (_declared_languages(reader, node) if node is not None else None) or ["fr", "en"]


def load(root: str | Path) -> m.Model:
    """Read and validate every source under `root`; raise SourceErrors."""
    root = Path(root).resolve()
    files = source_files(root)
    reader = _Reader(root, ["fr", "en"])
    programme_file = files["programme"][0]
    if not programme_file.exists():
        raise SourceErrors([Problem("content/programme.yml", 1, 1, "the programme file is missing",
                                    "create content/programme.yml (copy it from the bundled programme and adapt it)")])

    # programme.yml first: it declares the languages every other text needs.
    node = reader.parse_file(programme_file)
    if node is not None:
        reader.languages = _declared_languages(reader, node) or reader.languages
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
    strings = _load_strings(reader, root / "templates" / "strings.yml")
    reader.problems.extend(_unread_files(root))
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
    _check_model(model, reader, incomplete, orphans)
    if reader.problems:
        raise SourceErrors(reader.problems)
    model.warnings = _logo_warnings(model, reader)
    return model


def _logo_warnings(model: m.Model, reader: _Reader) -> list[Problem]:
    """An SVG logo needs a PNG twin (same name, .png): Word cannot show an
    SVG, so the DOCX forms would have no logo.  Said by `check`, not refused."""
    org = model.programme.organisation
    logo = Path(org.logo)
    if logo.suffix.lower() != ".svg" or (Path(model.root) / logo.with_suffix(".png")).is_file():
        return []
    pos = reader.at(org, "logo")
    twin = logo.with_suffix(".png").as_posix()
    return [Problem(pos.path, pos.line, pos.col,
                    f"the logo {logo.as_posix()} is an SVG with no PNG of the same name beside it, so the DOCX forms "
                    "will have no logo (Word cannot show an SVG)",
                    f"export the logo as a PNG (about 600 pixels wide) and save it as {twin}")]


def _load_strings(reader: _Reader, path: Path) -> dict[str, m.Text]:
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
        if not isinstance(key, ScalarNode) or _is_null(key) or not str(key.value).strip():
            reader.problem(key, f"a key in templates/strings.yml is {_kind(key)}",
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


BUNDLED_STRINGS = bundled.TEMPLATES / "strings.yml"


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


def _check_string(reader: _Reader, name: str, text: m.Text, bundled) -> bool:
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
            reader.problem(pos, f"interface text 'singular_numbers' ({lang}) holds {_show(value)!r}, not only numbers",
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
                reader.problem(_offset_pos(pos, value, start),
                               f"interface text {name!r} ({lang}) has {written.strip()!r}, a {{ or }} that is not "
                               "part of a placeholder",
                               (f"keep only the placeholders {shown}, each written with its braces and nothing else "
                                "between them; " if allowed else "") + "write a brace meant as such twice ({{ or }})")
                ok = False
            elif kind in ("name", "form") and written not in allowed:
                reader.problem(_offset_pos(pos, value, start),
                               f"unknown placeholder {{{written}}} in interface text {name!r} ({lang})",
                               (f"use {shown} here" + _suggest(written, allowed)) if allowed else
                               "this text has no placeholders: remove it (write a brace meant as such twice, {{ or }})")
                ok = False
    if ok and not allowed:
        # Used as it is, never filled in: {{ and }} are single braces.
        text.values = {lang: safety.fill(value, {}) for lang, value in text.values.items()}
    return ok


def _complete_strings(reader: _Reader, strings: dict[str, m.Text], written: set[str], bundled: dict,
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


def _declared_languages(reader: _Reader, node: Node) -> list[str] | None:
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == "languages" and isinstance(value, SequenceNode):
            langs = [v.value for v in value.value if isinstance(v, ScalarNode) and LANG_RE.fullmatch(v.value or "")]
            if len(langs) != len(value.value):
                return None  # reported where it is; the other texts are read with the default languages
            return langs or None
    return None


def _check_model(model: m.Model, reader: _Reader, incomplete: set[str] = frozenset(),
                 orphans: list[m.Text] = ()) -> None:
    """Checks that span items: unique ids, references, placeholders."""
    def unique(items, what, how="give each a different id"):
        seen = {}
        for item in items:
            key = getattr(item, "id", None)
            if key in seen:
                reader.problem(item.pos, f"duplicate {what} id {key!r} (also used at {seen[key]})", how)
            else:
                seen[key] = item.pos

    prog = model.programme
    if not prog.languages:
        return  # reported where 'languages' is; every other check needs at least one language
    for i, lang in enumerate(prog.languages):
        if lang in prog.languages[:i]:
            reader.problem(reader.at(prog, "languages", i), f"the language {lang!r} is listed twice in 'languages'",
                           "list each language once")
    if prog.end < prog.start:
        reader.problem(reader.at(prog, "end"), f"the programme ends before it starts (end {prog.end}, start {prog.start})",
                       "check 'start' and 'end' in content/programme.yml")
    unique(prog.calendar, "calendar")
    _check_calendar(prog, reader)
    for kind, items in (("chapter", model.chapters), ("form", model.forms), ("annex", model.annexes)):
        for item in items:
            if item.id in RESERVED_IDS[kind]:
                reader.problem(reader.at(item, "id"), f"the id {item.id!r} is the name of the site's list of all {kind}s "
                               "(the page would replace that list)", f"choose another id for this {kind}")
    unique(model.chapters, "chapter")
    unique(model.forms, "form")
    unique(model.annexes, "annex")
    unique(model.workshops, "workshop")
    for chapter in model.chapters:
        unique(chapter.sections, "section")
    for workshop in model.workshops:
        unique(workshop.steps, "step")
        if workshop.planned_minutes() != workshop.duration_minutes:
            reader.problem(reader.at(workshop, "duration_minutes"), f"workshop {workshop.id!r} lasts {workshop.duration_minutes} minutes but its steps "
                           f"add up to {workshop.planned_minutes()}",
                           "change 'duration_minutes' or the steps' 'minutes' (mark parallel steps with 'with_previous: true')")
    if model.flashcards:
        unique(model.flashcards.cards, "flashcard")
    if model.glossary:
        unique(model.glossary.terms, "glossary term")
    for what, items in (("form", model.forms), ("annex", model.annexes)):
        numbers = {}
        for item in items:
            if item.number in numbers:
                reader.problem(item.pos, f"{what} number {item.number} is used twice (also at {numbers[item.number]})",
                               f"give each {what} its own number")
            numbers.setdefault(item.number, item.pos)
    for item in [*model.forms, *model.annexes]:
        _check_field_ids(item, reader)
        _check_number_bounds(item, reader)
    for form in model.forms:
        _check_identifies(form, reader)

    placeholders = {
        "org": prog.organisation.name.values, "org_short": prog.organisation.short_name.values,
        "programme": prog.title.values, "coordinator": {l: prog.coordinator.name for l in prog.languages},
        "coordinator_email": {l: prog.coordinator.email for l in prog.languages}, "duration": prog.duration.values,
    }
    # The values as they are printed ({{ is one brace), taken before those
    # texts are filled in themselves.
    placeholders = {name: {l: safety.fill(v, {}) for l, v in values.items()} for name, values in placeholders.items()}
    # `{org:du}`: the forms of the name, each language's own (NameForms).
    name_forms = {lang: {f"org:{form}": safety.fill(v, {}) for form, v in forms.items()}
                  for lang, forms in prog.organisation.name_forms.values.items()}
    # The texts of a refused file are checked too, so that one run of
    # `check` reports their mistakes along with the file's structural ones.
    texts = [*_walk_texts(model, reader.at), *(pair for t in orphans for pair in _walk_texts(t))]
    for text, refs in texts:
        _fill_placeholders(text, placeholders, reader, name_forms)
        for ref, pos, style in refs:
            if style != "plain":
                _check_link_form(ref, pos, style, reader)
            elif ref.split(":")[0] not in incomplete:  # its target may be in the unreadable file
                _check_ref(model, ref, pos, reader)


def _check_calendar(prog: m.Programme, reader: _Reader) -> None:
    """Milestones in date order, inside the programme, naming forms only:
    the calendar is printed as written."""
    previous = None
    for i, ms in enumerate(prog.calendar):
        if previous is not None and ms.date < previous.date:
            reader.problem(reader.at(ms, "date"), f"milestone {ms.id!r} ({ms.date}) comes after {previous.id!r} "
                           f"({previous.date}) in the calendar but is earlier",
                           "put the milestones in date order, or check this date's year")
        elif not prog.start <= ms.date <= prog.end and prog.start <= prog.end:
            reader.problem(reader.at(ms, "date"), f"milestone {ms.id!r} ({ms.date}) is outside the programme "
                           f"({prog.start} to {prog.end})", "check the date's year, or 'start' and 'end'")
        previous = ms if previous is None or ms.date >= previous.date else previous
        for j, ref in enumerate(ms.forms):
            kind = ref.split(":")[0]
            if kind not in ("form", "annex"):
                reader.problem(reader.at(ms, "forms", j), f"{ref!r} in the 'forms' of milestone {ms.id!r} is not a form",
                               "list forms (form:ID) or annexes to fill in (annex:ID) here; link other items "
                               "from the 'description'")


def _check_number_bounds(item, reader: _Reader) -> None:
    for f in item.input_fields():
        for number in [f, *getattr(f, "columns", [])]:
            if isinstance(number, m.NumberField) and None not in (number.min, number.max) and number.min > number.max:
                reader.problem(reader.at(number, "max"), f"the largest number of {number.id!r} ({_number(number.max)}) "
                               f"is below its smallest ({_number(number.min)})", "swap min and max, or correct one")


def _check_identifies(form: m.Form, reader: _Reader) -> None:
    """The fields that say whose a returned copy is must be names: a text
    field, or a signature (its typed name)."""
    fields = {f.id: f for f in form.input_fields()}
    names = sorted(i for i, f in fields.items() if isinstance(f, (m.TextField, m.SignatureField)))
    for i, ident in enumerate(form.identifies):
        f = fields.get(ident)
        if f is None:
            close = _suggest(ident, names)
            reader.problem(reader.at(form, "identifies", i), f"form {form.id!r} has no field {ident!r} to identify "
                           f"who returned it", f"list ids of its name fields here{close}" if close else
                           f"list ids of its name fields here ({', '.join(names) or 'it has none: add a text field'})")
        elif not isinstance(f, (m.TextField, m.SignatureField)):
            reader.problem(reader.at(form, "identifies", i), f"{ident!r} is a {f.type} field; only a text or a "
                           "signature field can say who returned a form", f"list name fields here ({', '.join(names)})")
        elif ident in form.identifies[:i]:
            reader.problem(reader.at(form, "identifies", i), f"{ident!r} is listed twice in 'identifies'",
                           "list each field once")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _check_field_ids(item, reader: _Reader) -> None:
    seen: dict[str, m.Pos] = {}

    def claim(ident, pos):
        if ident in seen:
            reader.problem(pos, f"duplicate field id {ident!r} (also used at {seen[ident]})", "give each field its own id")
        else:
            seen[ident] = pos

    for f in item.input_fields():
        claim(f.id, f.pos)
        if isinstance(f, m.SignatureField):
            claim(f"{f.id}-name", f.pos)
            claim(f"{f.id}-date", f.pos)
        if isinstance(f, m.TableField):
            cols = {}
            for c in f.columns:
                if c.id in cols:
                    reader.problem(c.pos, f"duplicate column id {c.id!r} in table {f.id!r}", "give each column its own id")
                cols[c.id] = c.pos
        for field_ in [f, *getattr(f, "columns", [])]:
            # The value is what a filled form gives back: two alike could not be told apart.
            entries = getattr(field_, "options", None) or getattr(field_, "items", None) or []
            values: dict[str, m.Pos] = {}
            for entry in entries:
                if entry.value in values:
                    reader.problem(reader.at(entry, "value"), f"duplicate value {entry.value!r} in {field_.id!r} "
                                   f"(also used at {values[entry.value]})", "give each entry its own value")
                else:
                    values[entry.value] = reader.at(entry, "value")


def _walk_texts(obj, at=None):
    """Yield (Text, [(ref, pos, style)]) for every translated text in the
    model, plus the `related`/`forms` reference lists as (None, refs).
    `style` is "plain" for a reference the writers turn into a link, else
    how the link is written (see `_markdown_links`); `at(record, key, i)`
    says where entry i of a list is written."""
    if isinstance(obj, m.Text):
        refs = []
        if isinstance(obj, m.Markdown):
            for lang, value in obj.values.items():
                for offset, target, style in _markdown_links(value):
                    refs.append((target, _offset_pos(obj.value_pos.get(lang) or obj.pos, value, offset), style))
        yield obj, refs
        return
    if isinstance(obj, list):
        for item in obj:
            yield from _walk_texts(item, at)
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        hints = _type_hints(type(obj))
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if hints.get(f.name) == list[m.Ref]:
                yield None, [(r, at(obj, f.name, i) if at else obj.pos, "plain") for i, r in enumerate(value)]
            elif f.name != "pos":
                yield from _walk_texts(value, at)


def _markdown_links(text: str):
    """(offset, target, style) of every link of a Markdown text that points
    at one of Dyade's items, or was surely meant to (`Form:…`, `from:…`).
    style: "plain" for `[words](kind:id)`, the only form every writer turns
    into a link; "titled", "angle" or "definition" for the other ways
    Markdown writes a link; "capitals" or "unknown" for a misspelt kind;
    "relative" for a path or a bare #anchor; "image" for an image (its `!`);
    "scheme" for any other kind of address (javascript:, data:, tel:…),
    "web" for an http(s): or mailto: address that is not a whole one."""
    # Code spans and fenced blocks hold text, never links (every writer prints them as typed).
    code = markdown.code_ranges(text)
    for found in _links_outside_code(text):
        if not markdown.in_code(code, found[0]):
            yield found


def _links_outside_code(text: str):
    image_ends = set()
    for image in safety.images(text):
        image_ends.add(image.end(1) - 1)  # its "](…)" is not a link of its own
        yield image.start(), image.group(), "image"
    for match in ANY_LINK_RE.finditer(text):
        if match.start() in image_ends:
            continue
        group = 1 if match.group(1) is not None else 3
        raw, offset = match.group(group), match.start(group)
        target = raw[1:-1].strip() if raw.startswith("<") else raw
        scheme, colon, _ = target.partition(":")
        if target and (not colon or "/" in scheme or target.startswith("#")):
            # `#part`, `page.md`, `../file.pdf`, an image: no writer can follow
            # it (the site's pages and the PDFs are not laid out like sources).
            yield offset, target, "relative"
            continue
        if not target:
            continue
        if not colon or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme) or scheme.lower() not in REF_KINDS:
            # Only http:, https: and mailto: addresses besides Dyade's own links.
            known = safety.link_scheme(target)
            if known in LINK_SCHEMES:
                if safety.web_target_problem(target):
                    yield offset, target, "web"
            elif known is not None:
                close = difflib.get_close_matches(scheme.lower(), REF_KINDS + LINK_SCHEMES, n=1, cutoff=0.7)
                yield offset, target, "unknown" if close and known == scheme.lower() else "scheme"
            continue
        if scheme.lower() in REF_KINDS:
            if scheme not in REF_KINDS:
                style = "capitals"
            elif group == 3:
                style = "definition"
            elif raw.startswith("<"):
                style = "angle"
            elif match.group(2).strip():
                style = "titled"
            else:
                style = "plain"
            yield offset, target, style


def _check_link_form(target: str, pos: m.Pos, style: str, reader: _Reader) -> None:
    """A link meant for an item, written in a way no writer turns into one."""
    scheme, _, rest = target.partition(":")
    fixed = scheme.lower() + ":" + rest
    if style == "capitals":
        reader.problem(pos, f"link target {target!r} has its kind in capitals", f"write it in lower case: {fixed}")
    elif style == "unknown":
        close = difflib.get_close_matches(scheme.lower(), REF_KINDS + LINK_SCHEMES, n=1, cutoff=0.7)[0]
        reader.problem(pos, f"link target {target!r} starts with {scheme + ':'!r}, which is not a kind of link",
                       f"did you mean {close + ':'!r}? Links start with one of: " + ", ".join(k + ":" for k in REF_KINDS)
                       + ", https:, http:, mailto:")
    elif style == "scheme":
        shown = (safety.link_scheme(target) or scheme) + ":"
        reader.problem(pos, f"the link {_show(target)} is a {shown!r} address, which Dyade does not publish"
                       if shown != ":" else f"the link {_show(target)} is not an address Dyade can publish",
                       "link to a web page with its full address (https://… or http://…), to an e-mail address "
                       "with mailto:…, or to an item as chapter:ID, form:ID, annex:ID, workshop:ID or glossary:ID")
    elif style == "web":
        reader.problem(pos, f"the link {_show(target)} {safety.web_target_problem(target)}",
                       "write the whole address, e.g. https://example.org/page or mailto:name@example.org, "
                       "without spaces, quotes or angle brackets")
    elif style == "image":
        reader.problem(pos, f"texts cannot hold images ({_show(target)})",
                       "remove it: the one image Dyade publishes is the logo (content/programme.yml); "
                       "to point to a picture, link to it with [words](https://…)")
    elif style == "relative":
        if target.startswith("#"):
            reader.problem(pos, f"the link {target!r} points to a part of a page by its anchor, which Dyade "
                           "cannot follow in every output",
                           "link to a section as chapter:CHAPTER-ID#SECTION-ID, even within the same chapter")
        else:
            reader.problem(pos, f"the link {target!r} is a path to a page or file, which Dyade does not publish "
                           "as such (texts hold no images either)",
                           "link to an item as chapter:ID, form:ID, annex:ID, workshop:ID or glossary:ID, "
                           "or to a web page with its full address (https://…)")
    else:
        how_written = {"titled": "with a title in quotes after it", "angle": "between < and >",
                       "definition": "as a reference ([label]: …)"}[style]
        reader.problem(pos, f"the link to {target!r} is written {how_written}, which Dyade cannot turn into a link",
                       f"write it as [words]({target}) right after the words")


def _offset_pos(pos: m.Pos, text: str, offset: int) -> m.Pos:
    # Block scalars start on the line after their indicator; good enough to
    # point the author at the right paragraph.
    if pos is None:
        return pos
    line = text.count("\n", 0, offset)
    in_line = offset - (text.rfind("\n", 0, offset) + 1)
    return m.Pos(pos.path, pos.line + line, pos.col + in_line)


def _fill_placeholders(text, placeholders, reader: _Reader, name_forms=None) -> None:
    """Check every brace of the texts (dyade.safety.placeholder_tokens), then
    put the programme's values in place of the placeholders, and the forms of
    the organisation's name (`name_forms`: lang -> {"org:du": words}) in
    place of `{org:du}`; `{org:Du}` gets the form with a capital."""
    if text is None:
        return
    name_forms = name_forms or {}
    shown = ", ".join("{%s}" % p for p in PLACEHOLDERS)
    for lang, value in list(text.values.items()):
        pos = text.value_pos.get(lang) or text.pos
        forms = dict(name_forms.get(lang, {}))
        loose = set()
        for match in LOOSE_PLACEHOLDER_RE.finditer(value):
            name = match.group(1)
            meant = name.lower() if name.lower() in PLACEHOLDERS else None
            if match.group(0) != "{%s}" % name.lower() and meant:
                loose.add(match.start())
                reader.problem(_offset_pos(pos, value, match.start()),
                               f"{match.group(0)} is not a placeholder, so it would be printed as it is",
                               f"write {{{meant}}}, in lower case and without spaces")
        spans = isinstance(text, m.Markdown)
        for start, _, kind, written in safety.placeholder_tokens(value, spans):
            if kind == "span" and not safety.LANG_TAG.fullmatch(written):
                reader.problem(_offset_pos(pos, value, start + len("{lang=")),
                               f"{written!r} is not a language tag, so the phrase's language cannot be marked",
                               "write a BCP 47 tag: the language's two- or three-letter code (en, fr, haw), "
                               "then optionally a script and a region (en-GB, es-419, zh-Hant-TW)")
            elif kind == "name" and written not in placeholders:
                reader.problem(_offset_pos(pos, value, start), f"unknown placeholder {{{written}}}",
                               "use one of " + shown + _suggest(written, PLACEHOLDERS))
            elif kind == "form":
                _check_name_form(written, lang, name_forms, _offset_pos(pos, value, start), reader, forms)
            elif kind == "malformed" and start not in loose:
                reader.problem(_offset_pos(pos, value, start),
                               f"{written.strip()!r} is not a placeholder: a brace starts one of {shown}, "
                               "with nothing else between the braces",
                               "write the placeholder exactly so, or write a brace that is meant as such twice ({{ or }})")
        values = {name: values[lang] for name, values in placeholders.items()}
        text.values[lang] = safety.fill(value, {**values, **forms}, spans)


def _check_name_form(written: str, lang: str, name_forms: dict, pos: m.Pos, reader: _Reader, forms: dict) -> None:
    """`{org:du}` in a `lang` text: the form must be one `lang` gives in
    organisation.name_forms.  A capital first letter (`{org:Du}`) is the
    same form starting a sentence, added to `forms` as it is written."""
    name, _, form = written.partition(":")
    lower = form[0].lower() + form[1:]
    given = sorted(f.split(":", 1)[1] for f in name_forms.get(lang, {}))
    others = sorted(l for l, fs in name_forms.items() if f"org:{lower}" in fs)
    if name != "org":
        reader.problem(pos, f"{{{written}}}: only the organisation's name has forms, written {{org:FORM}}",
                       f"write {{{name}}} alone, or {{org:{lower}}}")
    elif f"org:{lower}" in forms:
        if lower != form:
            words = forms[f"org:{lower}"]
            forms[f"org:{form}"] = words[:1].upper() + words[1:]
    elif others:
        reader.problem(pos, f"{{{written}}}: the organisation's name has no form {lower!r} in {lang!r} "
                       f"(only in {', '.join(others)})",
                       f"add '{lower}: …' under organisation: name_forms: {lang}: in content/programme.yml"
                       + (", or use one of " + ", ".join("{org:%s}" % f for f in given) if given else ""))
    else:
        reader.problem(pos, f"{{{written}}}: unknown form of the organisation's name",
                       (("use one of " + ", ".join("{org:%s}" % f for f in given) + _suggest(lower, given) + ", or ")
                        if given else "") + f"add '{lower}: …' under organisation: name_forms: {lang}: in content/programme.yml")


def _check_ref(model: m.Model, ref: str, pos: m.Pos, reader: _Reader) -> None:
    match = REF_RE.fullmatch(ref)
    if not match:
        reader.problem(pos, f"link target {ref!r} is not a valid reference",
                       "ids are lower-case letters, digits and hyphens: write it in lower case"
                       if REF_RE.fullmatch(ref.lower()) else "write kind:id, e.g. form:learning-plan")
        return
    kind, ident, anchor = match.groups()
    if kind in ("flashcards", "home"):
        if ident or (anchor and (kind, anchor) != ("home", "calendar")):
            reader.problem(pos, f"link target {ref!r}: after '{kind}:' "
                           + ("only '#calendar' can follow" if kind == "home" else "nothing can follow"),
                           f"write {kind}:" + (" alone, or home:#calendar for the calendar" if kind == "home" else " alone"))
        elif anchor and not model.programme.calendar:
            reader.problem(pos, "link to the calendar of the home page, but content/programme.yml has no calendar",
                           "add the milestones to 'calendar' in content/programme.yml, or remove the link")
        elif kind == "flashcards" and model.flashcards is None:
            reader.problem(pos, "link to the flashcards, but content/flashcards.yml does not exist", "create it or remove the link")
        return
    if not ident:
        reader.problem(pos, f"link target {ref!r} names no {kind}", f"write the id after '{kind}:', e.g. {kind}:ID")
        return
    if anchor and kind != "chapter":
        reader.problem(pos, f"link target {ref!r} names a section ('#{anchor}'), but only chapters have sections",
                       f"remove '#{anchor}', or link to a section as chapter:ID#{anchor}")
        return
    if kind == "glossary" and model.glossary is None:
        reader.problem(pos, f"link to glossary term {ident!r}, but content/glossary.yml does not exist",
                       "create it with this term, or remove the link")
        return
    target = model.find(kind, ident)
    if target is None:
        known = [getattr(i, "id") for i in {"chapter": model.chapters, "form": model.forms, "annex": model.annexes,
                                            "workshop": model.workshops,
                                            "glossary": model.glossary.terms if model.glossary else []}[kind]]
        reader.problem(pos, f"link to {kind} {ident!r}, which does not exist",
                       f"use the id of an existing {kind}" + _suggest(ident, known))
        return
    if anchor and kind == "chapter" and not any(s.id == anchor for s in target.sections):
        reader.problem(pos, f"link to section {anchor!r} of chapter {ident!r}, which has no such section",
                       "use one of: " + ", ".join(s.id for s in target.sections))
