"""What a value from the sources may be, as whole-value grammars, and the
checks of values meant to attack an output (see SECURITY.md).

Every pattern here is matched against the whole value with `fullmatch`:
under `re.match`, a pattern ending in `$` lets a final newline through
("feedback\\n" was an id).  `anchored()` gives the same pattern for the JSON
Schema, whose patterns match anywhere unless anchored.

The reader (`dyade.sources`) says where each refused value is and how to fix
it; this module only says what is wrong.
"""
from __future__ import annotations

import html
import re
import urllib.parse
from dataclasses import dataclass

# -- whole-value grammars -----------------------------------------------------------

IDENT = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_IDENT = 64  # an id names files (`<id>-facilitator.pdf`), which must stay short on every system
# Names Windows refuses for a file, whatever the extension (CON.pdf is CON).
WINDOWS_RESERVED = frozenset(["con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                              *(f"lpt{i}" for i in range(1, 10))])
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# BCP 47's primary language subtag (fr, en, es, haw): every writer, the
# theme, the search and typst take it; region subtags (fr-CA) are not offered.
LANG = re.compile(r"[a-z]{2,3}")
# A well-formed BCP 47 tag (RFC 5646, 2.1) for a phrase in another language:
# language, then optional script, region and variants (en, en-GB, es-419,
# zh-Hant-TW, de-CH-1996); private and extension subtags are not offered.
LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
                      r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*")
# pandoc's bracketed span with only a language, `[words]{lang=en}`: its
# braces are the span's, not a placeholder's (the tag is checked apart).
LANG_SPAN_ATTR = re.compile(r"(?<=\])\{lang=([^{}\s]*)\}")
# A strict address: dot-separated atoms of letters, digits and . _ % + -, an @,
# a host of letters, digits and hyphens with a top-level name of letters.
# No quotes, angle brackets, spaces or comments, which RFC 5322 allows.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:" + _LABEL + r"\.)+[A-Za-z]{2,63}")
# A web address: http(s)://, a host (letters of any script, digits, hyphens;
# at least one dot), an optional port, then a path, query and fragment made
# of letters, digits and URL punctuation; no whitespace, quotes, angle
# brackets, backslashes, braces or control characters.
_HOST_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_URL_CHARS = r"[\w\-.~!$&()*+,;=:@%/]"
WEB = re.compile(r"https?://(?:{h}\.)+{h}(?::[0-9]{{1,5}})?(?:/{c}*)?(?:\?(?:{c}|\?)*)?(?:#(?:{c}|[?#])*)?"
                 .format(h=_HOST_LABEL, c=_URL_CHARS))
# A telephone number: digits and the usual separators, an optional leading +.
PHONE = re.compile(r"\+?[0-9(][0-9 ().\-/]{1,28}[0-9]")
# Link targets a text may hold, besides Dyade's own kind:id references.
LINK_SCHEMES = ("http", "https", "mailto")

# Cross-references between items: kind:id, kind:id#section.
REF_KINDS = ("chapter", "form", "annex", "workshop", "glossary", "flashcards", "home")
REF = re.compile(r"(" + "|".join(REF_KINDS) + r"):([a-z0-9-]*)(?:#([a-z0-9-]+))?")

# The name of one of the organisation's name forms, the organisation's name
# as a sentence needs it (organisation.name_forms in programme.yml, one set
# per language: `le`, `du`, `au`, `the`); a text writes `{org:du}`.
NAME_FORM = re.compile(r"[a-z][a-z_]{0,31}")


@dataclass(frozen=True)
class Grammar:
    """What a value of one string type of the model (`Colour`, `Email`…) must
    match, and what the reader says when it does not: one entry serves the
    reader (dyade.sources) and the JSON Schema (dyade.schema)."""
    pattern: re.Pattern
    what: str                 # "is not a colour", after the value
    how: str                  # how to fix it
    quoted: bool = True       # the value shown in quotes (else shortened, as typed)
    schema: tuple = ()        # extra JSON Schema keywords, as (key, value) pairs


GRAMMARS = {
    "Colour": Grammar(COLOUR, "is not a colour", 'write it as "#rrggbb" in quotes, e.g. "#1d4e6e"'),
    "Email": Grammar(EMAIL, "is not an email address",
                     "write one address such as name@example.org (letters, digits and . _ % + - before the @; "
                     "no quotes, spaces or angle brackets)", schema=(("format", "email"),)),
    "WebAddress": Grammar(WEB, "is not a web address",
                          "write the whole address, starting with https:// (or http://), e.g. "
                          "https://example.org/mentoring/, without spaces, quotes or angle brackets", quoted=False),
    "Phone": Grammar(PHONE, "is not a telephone number",
                     "write digits with spaces, hyphens, dots or brackets and an optional leading +, "
                     "e.g. 613-555-0147 or +1 613 555 0147", quoted=False),
    "Lang": Grammar(LANG, "is not a language code", "use a two-letter code such as fr or en"),
    "NameForm": Grammar(NAME_FORM, "is not a name for a form of the organisation's name",
                        "use lower-case letters and _ only, starting with a letter (at most 32), e.g. du or the"),
    "Ref": Grammar(REF, "is not a reference",
                   "write kind:id, where kind is one of " + ", ".join(REF_KINDS) + " (e.g. form:learning-plan)"),
}

# Characters that reorder what is shown (embeddings, overrides, isolates):
# "‮gpj.exe" shows as "exe.jpg"; no text of a programme needs them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def anchored(pattern: re.Pattern) -> str:
    """`pattern` matching whole values only, for a JSON Schema."""
    return f"^(?:{pattern.pattern})$"


def ident_problem(value: str) -> tuple[str, str] | None:
    """(what, how) if `value` cannot be an id, which names files and pages."""
    if not IDENT.fullmatch(value):
        return "is not a valid identifier", "use lower-case letters, digits and hyphens only, e.g. learning-plan"
    if len(value) > MAX_IDENT:
        return (f"is {len(value)} characters long, too long for the names of the files it makes "
                f"(the limit is {MAX_IDENT})", "choose a shorter id")
    if value in WINDOWS_RESERVED:
        return ("is a name Windows reserves for a device, so no file can be called so there",
                f"choose another id, e.g. {value}-1")
    return None


def bidi_control(value: str) -> re.Match | None:
    return BIDI_CONTROLS.search(value)


# -- link targets ------------------------------------------------------------------

def link_scheme(target: str) -> str | None:
    """The scheme of a link target as a browser reads it (entities decoded,
    spaces and control characters dropped), lower-case; None if it has none."""
    plain = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(target)).lstrip("<")
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", plain)
    if match:
        return match.group(1).lower()
    return "" if re.match(r"[^/?#]*:", plain) else None  # "jav&#97;script:", "&colon;": a scheme in disguise


def web_target_problem(target: str) -> str | None:
    """What is wrong with an http(s): or mailto: link target, or None."""
    scheme = link_scheme(target)
    if scheme == "mailto":
        address = target.split(":", 1)[1].split("?", 1)[0]
        if target.split(":", 1)[0].lower() != "mailto" or not EMAIL.fullmatch(address):
            return "is not a mailto: link to one e-mail address"
        return None
    if not WEB.fullmatch(target):
        return "is not a whole web address (http:// or https://, a host, and no spaces, quotes or brackets)"
    return None


# `![alt](…)`, `![alt][ref]`: an image, in every Markdown reader (`![alt]` alone
# is text, since the definitions [ref]: … are refused).
IMAGE = re.compile(r"(!\[[^\[\]\n]*\])(\([^)\n]*\)?|\[[^\]\n]*\])")


def images(text: str) -> list[re.Match]:
    return list(IMAGE.finditer(text))


# -- placeholders ------------------------------------------------------------------

_BRACE = re.compile(r"[{}]")
_NAME = re.compile(r"\{([a-z_]+)\}")
# `{org:du}`: a text's use of a name form (NAME_FORM); written with a
# capital (`{org:The}`), the form starts a sentence.
_NAME_WITH_FORM = re.compile(r"\{([a-z_]+):([A-Za-z][a-z_]{0,31})\}")
_MALFORMED = re.compile(r"\{[^{}\n]{0,40}\}?")


def placeholder_tokens(text: str, spans: bool = False):
    """(start, end, kind, shown) for each brace of `text`: kind "literal" for
    `{{` or `}}` (a brace printed as such), "name" for `{name}` (shown: the
    name), "malformed" for any other brace (`{org`, `{org[0]}`, `{org:>9}`,
    `{org.__class__}`, a lone `}`; shown: what was written), "form" for
    `{name:form}` (shown: "name:form" as written).  With `spans`
    (a Markdown text), "span" for the `{lang=…}` of `[words]{lang=…}`
    (shown: the tag as written)."""
    i = 0
    while True:
        match = _BRACE.search(text, i)
        if not match:
            return
        j = match.start()
        span = LANG_SPAN_ATTR.match(text, j) if spans else None
        if span:
            yield j, span.end(), "span", span.group(1)
            i = span.end()
            continue
        if text.startswith(("{{", "}}"), j):
            yield j, j + 2, "literal", text[j:j + 2]
            i = j + 2
            continue
        name = _NAME.match(text, j)
        if name:
            yield j, name.end(), "name", name.group(1)
            i = name.end()
            continue
        form = _NAME_WITH_FORM.match(text, j)
        if form:
            yield j, form.end(), "form", f"{form.group(1)}:{form.group(2)}"
            i = form.end()
            continue
        bad = _MALFORMED.match(text, j) if text[j] == "{" else None
        end = bad.end() if bad else j + 1
        yield j, end, "malformed", text[j:end]
        i = end


def fill(text: str, values: dict[str, str], spans: bool = False) -> str:
    """`text` with each `{name}` (and `{name:form}`) of `values` replaced and
    `{{`, `}}` made single braces; anything else stays as written."""
    out, i = [], 0
    for start, end, kind, shown in placeholder_tokens(text, spans):
        out.append(text[i:start])
        out.append(shown[0] if kind == "literal" else values.get(shown, text[start:end]) if kind in ("name", "form")
                   else text[start:end])
        i = end
    out.append(text[i:])
    return "".join(out)


# -- logos -------------------------------------------------------------------------

_SVG_SCRIPT = re.compile(rb"<\s*(?:[\w-]+:)?(?:script|foreignObject|iframe|object|embed|handler)\b", re.I)
_SVG_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_SVG_EVENT = re.compile(rb"[\s\"'/]on[a-z]+\s*=", re.I)
# href, xlink:href, src: only "#name", a part of the logo itself.
_SVG_REF = re.compile(rb"""(?:\b(?:[\w-]+:)?href|\bsrc)\s*=\s*["']?\s*(?![#"'\s])""", re.I)
_SVG_URL = re.compile(rb"""url\(\s*["']?\s*(?![#"'\s])|@import""", re.I)


def svg_problem(data: bytes) -> str | None:
    """What makes an SVG logo unsafe to publish (it is served as a file of
    the site, and an SVG opened on its own runs its scripts), or None."""
    if _SVG_DTD.search(data):
        return "declares a DTD or entities"
    if _SVG_SCRIPT.search(data):
        return "holds a script or embedded content"
    if _SVG_EVENT.search(data):
        return "holds an event handler (an on…= attribute)"
    if _SVG_REF.search(data) or _SVG_URL.search(data):
        return "refers to another file or address (href, src or url() not starting with #)"
    return None


# -- outputs -------------------------------------------------------------------------

def url_for_html(url: str) -> str:
    """A checked web address with anything that could end an HTML attribute
    or a script string percent-encoded (the checks already refuse them, so a
    valid address comes out unchanged)."""
    return urllib.parse.quote(url, safe="/:?#[]@!$&()*+,;=%~-._")
