"""The website's Markdown, written from pandoc's tree of each text
(dyade.markdown): the reading `check`, the DOCX and the PDF use, so a link,
a list or code is the same thing in every output.

The tree is turned back into the Markdown mkdocs reads (Python-Markdown
with the extensions of mkdocs.yml).  Everything the author typed is
written as text: a character Python-Markdown could take for syntax is
escaped, so no author text can hold live HTML, an attribute list, an
admonition or a link Dyade did not make.  The only HTML written here is
Dyade's own (`<span lang>`, `<sup>`, `<br>`…).

    site_tree.render(tree, lang, page="guide/welcome.md", top=3)
"""
from __future__ import annotations

import re

from .. import markdown
from .. import safety
from .. import typography
from . import site_markdown as md

# Python-Markdown's backslash escapes (its ESCAPED_CHARS, and the table bar):
# escaped wherever they are, they can never start emphasis, code, a link or
# an attribute list.
_ALWAYS = re.compile(r"([\\`*_\[\]{}|#])")
# At the start of a block, what would make it a list, a quote, a heading,
# a definition, an admonition (!!!), a details block (???), a fence (~~~)
# or an HTML block: written as a character reference.
_BLOCK_START = re.compile(r"^(?:[-+>:!?~=]|\d+(?=[.)]))")
_WEB = re.compile(r"^(https?:|mailto:)", re.I)
_LISTS = {"BulletList", "OrderedList"}


def render(tree: list, lang: str, page: str, top: int = 3) -> str:
    """The Markdown of one text's tree, to be placed in `page` (links are
    relative to it); its highest heading becomes level `top`."""
    levels = [node["c"][0] for node in markdown.nodes(tree) if node["t"] == "Header"]
    shift = top - min(levels) if levels else 0
    return _Writer(lang, page, shift).blocks(tree).strip("\n")


def _text(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ALWAYS.sub(r"\\\1", value)


def _start(text: str) -> str:
    """A block's first characters made text (see _BLOCK_START)."""
    found = _BLOCK_START.match(text)
    if not found:
        return text
    if found.group().isdigit():  # "1." at a line start is a list item
        return found.group() + "&#" + str(ord(text[found.end()])) + ";" + text[found.end() + 1:]
    return f"&#{ord(text[0])};" + text[1:]


def _code_span(code: str) -> str:
    ticks = max((len(run) for run in re.findall(r"`+", code)), default=0) + 1
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return "`" * ticks + pad + code + pad + "`" * ticks


class _Writer:
    def __init__(self, lang: str, page: str, shift: int):
        self.lang, self.page, self.shift = lang, page, shift

    # -- blocks ------------------------------------------------------------
    def blocks(self, blocks: list) -> str:
        parts = []
        for i, b in enumerate(blocks):
            if i and b["t"] in _LISTS and blocks[i - 1]["t"] in _LISTS | {"CodeBlock"}:
                # Python-Markdown would continue the list above (or, after a
                # fenced block in a list item, read this one inside it).
                parts.append("<!-- -->")
            parts.append(self.block(b))
        return "\n\n".join(p for p in parts if p)

    def block(self, block: dict) -> str:
        t, c = block["t"], block.get("c")
        if t in ("Para", "Plain"):
            return _start(self.inlines(c))
        if t == "Header":
            level = max(1, min(6, c[0] + self.shift))
            return "#" * level + " " + self.inlines(c[2])
        if t == "BulletList":
            return self.list_items(c, lambda i: "- ")
        if t == "OrderedList":
            start = c[0][0]
            return self.list_items(c[1], lambda i: f"{start + i}. ")
        if t == "BlockQuote":
            return "\n".join("> " + line if line else ">" for line in self.blocks(c).split("\n"))
        if t == "CodeBlock":
            fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", c[1])), default=0) + 1)
            return f"{fence}\n{c[1]}\n{fence}"
        if t == "HorizontalRule":
            return "* * *"
        if t == "LineBlock":
            return _start("<br>\n".join(self.inlines(line) for line in c))
        if t == "DefinitionList":
            parts = []
            for term, definitions in c:
                parts.append("**" + self.inlines(term) + "**")
                parts += [self.blocks(d) for d in definitions]
            return "\n\n".join(parts)
        if t == "Table":
            return self.table(c)
        if t in ("Div", "Figure"):
            return self.blocks(c[1] if t == "Div" else c[2])
        return ""  # RawBlock: raw formats are not read (dyade.markdown.FORMAT)

    def list_items(self, items: list, marker) -> str:
        tight = all(not item or item[0]["t"] == "Plain" for item in items)
        out = []
        for i, item in enumerate(items):
            body = self.blocks(item)
            lines = body.split("\n")
            first = marker(i)
            # Python-Markdown nests what is indented by four spaces.
            out.append(first + lines[0] + "".join("\n" + ("    " + line if line else "") for line in lines[1:]))
        return ("\n" if tight else "\n\n").join(out)

    def table(self, c: list) -> str:
        head, bodies = c[3], c[4]
        rows = [[self.cell(cell) for cell in row[1]] for row in head[1]]
        body = [[self.cell(cell) for cell in row[1]] for b in bodies for row in b[2] + b[3]]
        if not rows:
            rows, body = body[:1], body[1:]
        if not rows:
            return ""
        width = max(len(r) for r in rows + body)
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows[:1]]
        lines.append("|" + "---|" * width)
        lines += ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows[1:] + body]
        return "\n".join(lines)

    def cell(self, cell: list) -> str:
        return "<br>".join(self.inlines(b["c"]) for b in cell[4] if b["t"] in ("Para", "Plain"))

    # -- inlines -----------------------------------------------------------
    def inlines(self, inlines: list, lang: str | None = None) -> str:
        lang = lang or self.lang
        if typography.uses_spacing(lang):
            inlines = typography.space_inlines(inlines, lang)
        return "".join(self.inline(node, lang) for node in inlines)

    def inline(self, node: dict, lang: str) -> str:
        t, c = node["t"], node.get("c")
        if t == "Str":
            return _text(c)
        if t in ("Space", "SoftBreak"):
            # One line per paragraph: no line of an author's text can start
            # a block of Python-Markdown's.
            return " "
        if t == "LineBreak":
            return "<br>"
        if t == "Emph":
            return "*" + self.inlines(c, lang) + "*"
        if t == "Strong":
            return "**" + self.inlines(c, lang) + "**"
        if t in ("Strikeout", "Superscript", "Subscript", "Underline"):
            tag = {"Strikeout": "del", "Superscript": "sup", "Subscript": "sub", "Underline": "u"}[t]
            return f"<{tag}>" + self.inlines(c, lang) + f"</{tag}>"
        if t == "SmallCaps":
            return self.inlines(c, lang)
        if t == "Span":
            ident, classes, pairs = c[0]
            tag = pairs[0][1] if not ident and not classes and len(pairs) == 1 and pairs[0][0] == "lang" else None
            # Only `[words]{lang=…}` is a phrase (check refuses any other
            # attribute); anything else gives its words alone.
            if tag and safety.LANG_TAG.fullmatch(tag):
                # The tag matched safety.LANG_TAG: letters, digits and hyphens.
                return f'<span lang="{tag}">' + self.inlines(c[1], tag) + "</span>"
            return self.inlines(c[1], lang)
        if t == "Quoted":
            opening, closing = typography.quotes(lang) if c[0]["t"] == "DoubleQuote" else ("‘", "’")
            return opening + self.inlines(c[1], lang) + closing
        if t == "Code":
            return _code_span(c[1])
        if t == "Link":
            words = self.inlines(c[1], lang) if c[1] else _text(c[2][0])
            return self.link(words, c[2][0])
        if t == "Image":
            return self.inlines(c[1], lang)  # check refuses images: their words only
        if t == "Note":
            text = " ".join(self.inlines(b["c"], lang) for b in c if b["t"] in ("Para", "Plain"))
            return f" ({text})"
        if t == "Math":
            return _text(c[1])
        return ""  # RawInline, Cite: not read (their extensions are off)

    def link(self, words: str, target: str) -> str:
        if target.split(":")[0] in md.REF_KINDS and safety.REF.fullmatch(target):
            return f"[{words}]({md.ref_link(target, self.page)})"
        if _WEB.match(target):
            # pandoc percent-encodes spaces; what would end the address is encoded too.
            href = target.replace("(", "%28").replace(")", "%29").replace(" ", "%20").replace("<", "%3C") \
                .replace(">", "%3E").replace("\\", "%5C")
            return f"[{words}]({href})"
        return words  # check accepts no other address: the words alone
