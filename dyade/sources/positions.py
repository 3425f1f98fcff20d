"""YAML with positions: one source file read into ruamel.yaml's node tree,
every node keeping its line and column, and every reason a file cannot be
read worded for its author (path:line:col — what is wrong — how to fix)."""
from __future__ import annotations

import re
import stat
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from .. import model as m
from ..errors import Problem
from .messages import char_name

MAX_FILE_BYTES = 1_000_000  # the whole bundled guide is far below this
MAX_DEPTH = 50  # values inside values; Dyade sources need about 10, Python's stack allows a few hundred
# Spaces that look like a space but are not one for YAML (no-break, thin,
# zero-width…): in the indentation they break the structure invisibly.
ODD_SPACE_RE = re.compile("[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]")
CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u00ab\u00bb"


class PositionedReader:
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
            line, col = node_mark(node_or_pos)
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
        line, col = node_mark(node)
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
                                             f"the indentation of this line holds an invisible {char_name(odd.group())}, "
                                             "not an ordinary space",
                                             "delete the spaces at the start of the line and type them again with the space bar"))
                return None
        fast = compose_fast(text)
        if fast is not None:
            return fast
        # "safe" rather than round-trip: only nodes and their positions are
        # needed, and skipping comments makes reading twice as fast.
        yaml = yaml_reader()
        try:
            node = yaml.compose(text)
            if node is None or (is_null(node) and not node.value.strip()):  # only '---' or '...'
                self.problems.append(Problem(self.path, 1, 1, "the file is empty", empty_how))
                return None
            return node
        except AliasRefused as exc:
            line, col = mark_of(exc.mark)
            self.problems.append(Problem(self.path, line, col, "YAML aliases (*name) are not allowed",
                                         "write the text out in full instead of referring to an anchor; "
                                         "to start a text with * or &, put it in quotes"))
            return None
        except TagRefused as exc:
            line, col = mark_of(exc.mark)
            shown = "!!" + exc.tag.rsplit(":", 1)[-1] if exc.tag.startswith("tag:yaml.org,2002:") else exc.tag
            self.problems.append(Problem(self.path, line, col, f"YAML tags such as {shown} are not allowed",
                                         "remove the tag; to start a text with !, put it in quotes"))
            return None
        except MaxDepthExceededError as exc:
            line, col = mark_of(exc.problem_mark)
            self.problems.append(Problem(self.path, line, col, f"values are nested more than {MAX_DEPTH} levels deep here",
                                         "check the brackets and the indentation: Dyade sources never need more "
                                         "than a few levels"))
            return None
        except MarkedYAMLError as exc:
            mark, what, how = syntax_problem(exc)
            line, col = mark_of(mark) if mark else (1, 1)
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



class AliasRefused(Exception):
    def __init__(self, mark):
        super().__init__("alias")
        self.mark = mark


class TagRefused(Exception):
    def __init__(self, mark, tag):
        super().__init__("tag")
        self.mark, self.tag = mark, tag


def yaml_reader() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = NoAliasComposer
    # The composer recurses once per level: stop far before Python's stack does.
    yaml.max_depth = MAX_DEPTH
    return yaml


def compose_fast(text: str) -> Node | None:
    """The node tree of a well-formed file, read by libyaml's C parser
    (ruamel.yaml.clib) under the same composer: about four times as fast as
    the pure-Python reader, the same nodes and positions (an empty value is
    placed right after its colon rather than at the next line).  None when it
    is not installed, when the file is empty or holds anything the C parser
    refuses (it reads YAML 1.1: "[form:x]" in brackets is an error there):
    the pure-Python reader then reads the file and words the problems."""
    if CParser is None:
        return None
    yaml = yaml_reader()
    yaml._parser = CParser(text)  # noqa: SLF001 — the YAML object's own slot for its parser
    try:
        node = yaml.composer.get_single_node()
    except Exception:  # noqa: BLE001 — any refusal is reported by the pure reader, in its words
        return None
    finally:
        yaml._parser.dispose()  # noqa: SLF001
    if node is None or (is_null(node) and not node.value.strip()):
        return None
    return node


try:
    from _ruamel_yaml import CParser
except ImportError:  # no wheel for this platform: the pure-Python reader does it all
    CParser = None


class NoAliasComposer(Composer):
    """Refuses aliases (*name) where they appear: Dyade sources never need
    them, and they let a tiny file expand without bound ("billion laughs").
    Refuses tags (`!include`, `!!binary`, `!!str`) too: Dyade would take the
    value as text all the same, so a tag only misleads."""

    def __init__(self, loader=None):
        super().__init__(loader)
        self.warn_double_anchors = False  # an anchor reused without aliases is harmless; no stray warning

    def compose_node(self, parent, index):
        if self.parser.check_event(AliasEvent):
            raise AliasRefused(self.parser.peek_event().start_mark)
        tag = getattr(self.parser.peek_event(), "tag", None)
        if tag is not None:
            raise TagRefused(self.parser.peek_event().start_mark, tag)
        return super().compose_node(parent, index)


def syntax_problem(exc: MarkedYAMLError):
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


def mark_of(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def node_mark(node: Node) -> tuple[int, int]:
    return mark_of(node.start_mark)


def node_tag(node: ScalarNode) -> str:
    return str(node.tag).rsplit(":", 1)[-1]


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node_tag(node) == "null"


def node_kind(node: Node) -> str:
    """What the node is, with its article: "a list", "an empty value"…"""
    if isinstance(node, MappingNode):
        return "a set of keys"
    if isinstance(node, SequenceNode):
        return "a list"
    if is_null(node):
        return "an empty value"
    return "a single value"


def offset_pos(pos: m.Pos, text: str, offset: int) -> m.Pos:
    # Block scalars start on the line after their indicator; good enough to
    # point the author at the right paragraph.
    if pos is None:
        return pos
    line = text.count("\n", 0, offset)
    in_line = offset - (text.rfind("\n", 0, offset) + 1)
    return m.Pos(pos.path, pos.line + line, pos.col + in_line)


