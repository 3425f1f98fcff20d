"""Checks across items, once every file is converted: unique ids and
numbers, references and links, placeholders and the forms of the
organisation's name (filled in as they are checked), the calendar."""
from __future__ import annotations

import collections
import dataclasses
import difflib
import html
import re
import urllib.parse
from pathlib import Path

from .. import markdown
from .. import model as m
from .. import safety
from ..errors import Problem
from .convert import Reader, type_hints
from .messages import show, suggest
from .positions import offset_pos

REF_KINDS = safety.REF_KINDS
REF_RE = safety.REF
LINK_SCHEMES = safety.LINK_SCHEMES
PLACEHOLDERS = ("org", "org_short", "programme", "coordinator", "coordinator_email", "duration")
# `{Org}`, `{ org }`: meant as a placeholder, but only `{org}` is one.
LOOSE_PLACEHOLDER_RE = re.compile(r"\{\s*([A-Za-z_]+)\s*\}")
# Every link target of a Markdown text: inline `](target "title")`, `](<target>)`
# and reference definitions `[label]: target` at the start of a line; a target
# may hold balanced parentheses, as pandoc reads it (`javascript:alert(1)`).
ANY_LINK_RE = re.compile(r"\]\(\s*(<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))*)([^)\n]*)\)|^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)", re.M)
# Page names the site uses itself: an item with this id would replace them.
RESERVED_IDS = {"chapter": ("index",), "form": ("index",), "annex": ("index",)}


def check_model(model: m.Model, reader: Reader, incomplete: set[str] = frozenset(),
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
    texts = [*walk_texts(model, reader.at), *(pair for t in orphans for pair in walk_texts(t))]
    written = {id(text): dict(text.values) for text, _ in texts if text is not None}
    for text, _ in texts:
        _fill_placeholders(text, placeholders, reader, name_forms)

    def fill(lang: str, value: str) -> str:
        return safety.fill(value, {**{n: v.get(lang, "") for n, v in placeholders.items()},
                                   **name_forms.get(lang, {})}) if "{" in value else value

    # Links are what pandoc reads as links, in the very texts the writers
    # render: `[x](form:y)` in code is printed as typed, never checked.
    trees = markdown_trees(texts, model.root)
    for text, refs in texts:
        for ref, pos, style in links_in_tree(text, refs, trees, written.get(id(text), {}), fill):
            if style != "plain":
                _check_link_form(ref, pos, style, reader)
            elif ref.split(":")[0] not in incomplete:  # its target may be in the unreadable file
                _check_ref(model, ref, pos, reader)


def _check_calendar(prog: m.Programme, reader: Reader) -> None:
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


def _check_number_bounds(item, reader: Reader) -> None:
    for f in item.input_fields():
        for number in [f, *getattr(f, "columns", [])]:
            if isinstance(number, m.NumberField) and None not in (number.min, number.max) and number.min > number.max:
                reader.problem(reader.at(number, "max"), f"the largest number of {number.id!r} ({_number(number.max)}) "
                               f"is below its smallest ({_number(number.min)})", "swap min and max, or correct one")


def _check_identifies(form: m.Form, reader: Reader) -> None:
    """The fields that say whose a returned copy is must be names: a text
    field, or a signature (its typed name)."""
    fields = {f.id: f for f in form.input_fields()}
    names = sorted(i for i, f in fields.items() if isinstance(f, (m.TextField, m.SignatureField)))
    for i, ident in enumerate(form.identifies):
        f = fields.get(ident)
        if f is None:
            close = suggest(ident, names)
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


def _check_field_ids(item, reader: Reader) -> None:
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


def walk_texts(obj, at=None):
    """Yield (Text, [(ref, pos, style, lang)]) for every translated text in
    the model, plus the `related`/`forms` reference lists as (None, refs)
    (their `lang` is None).  A Markdown text's refs are what its source
    seems to hold (`_link_candidates`); `links_in_tree` keeps those pandoc
    reads as links.  `style` is "plain" for a reference the writers turn
    into a link, else how the link is written; `at(record, key, i)` says
    where entry i of a list is written."""
    if isinstance(obj, m.Text):
        refs = []
        if isinstance(obj, m.Markdown):
            for lang, value in obj.values.items():
                for offset, target, style in _link_candidates(value):
                    refs.append((target, offset_pos(obj.value_pos.get(lang) or obj.pos, value, offset), style, lang))
        yield obj, refs
        return
    if isinstance(obj, list):
        for item in obj:
            yield from walk_texts(item, at)
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        hints = type_hints(type(obj))
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if hints.get(f.name) == list[m.Ref]:
                yield None, [(r, at(obj, f.name, i) if at else obj.pos, "plain", None) for i, r in enumerate(value)]
            elif f.name != "pos":
                yield from walk_texts(value, at)


def _link_candidates(text: str):
    """(offset, target, style) of everything in a Markdown source that looks
    like a link pointing at one of Dyade's items, or surely meant to
    (`Form:…`, `from:…`), or like an image; code included: pandoc's tree
    decides which are links (`links_in_tree`).
    style: "plain" for `[words](kind:id)`, the only form every writer turns
    into a link; "titled", "angle" or "definition" for the other ways
    Markdown writes a link; "capitals" or "unknown" for a misspelt kind;
    "relative" for a path or a bare #anchor; "image" for an image (its `!`);
    "scheme" for any other kind of address (javascript:, data:, tel:…),
    "web" for an http(s): or mailto: address that is not a whole one."""
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
        written = ("definition" if group == 3 else "angle" if raw.startswith("<")
                   else "titled" if match.group(2).strip() else "inline")
        style = link_style(target, written)
        if style:
            yield offset, target, style


def link_style(target: str, written: str = "inline") -> str | None:
    """How a link to `target` is wrong (a style of `_link_candidates`), or
    "plain" for a reference to an item written as every writer links it;
    None for a whole web or e-mail address.  `written`: "inline",
    "angle", "titled" or "definition"."""
    if not target:
        return None
    scheme, colon, _ = target.partition(":")
    if not colon or "/" in scheme or target.startswith("#"):
        # `#part`, `page.md`, `../file.pdf`, an image: no writer can follow
        # it (the site's pages and the PDFs are not laid out like sources).
        return "relative"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme) or scheme.lower() not in REF_KINDS:
        # Only http:, https: and mailto: addresses besides Dyade's own links.
        known = safety.link_scheme(target)
        if known in LINK_SCHEMES:
            return "web" if safety.web_target_problem(target) else None
        if known is not None:
            close = difflib.get_close_matches(scheme.lower(), REF_KINDS + LINK_SCHEMES, n=1, cutoff=0.7)
            return "unknown" if close and known == scheme.lower() else "scheme"
        return None
    if scheme not in REF_KINDS:
        return "capitals"
    return "plain" if written == "inline" else written


def markdown_trees(texts, root) -> dict[str, list]:
    """{Markdown source: pandoc's tree} of every Markdown value of `texts`
    (as filled in, so the writers find them in the same cache)."""
    values = list(dict.fromkeys((lang, value) for text, _ in texts if isinstance(text, m.Markdown)
                                for lang, value in text.values.items()))
    trees = markdown.parse(values, Path(root) / ".dyade" / "cache")
    return {value: tree for (_, value), tree in zip(values, trees)}


def _same_target(target: str) -> str:
    # pandoc decodes character references (&#97;) and writes spaces and
    # non-ASCII letters percent-encoded: compare targets as both read them.
    return " ".join(urllib.parse.unquote(html.unescape(target)).split())


def links_in_tree(text, refs, trees: dict[str, list], sources: dict[str, str], fill) -> list:
    """The (ref, pos, style) of `refs` that pandoc's tree of the text holds
    as links or images: text in code spans and code blocks, or escaped
    (`\\[…](…)`), is printed as typed by every writer, so it is no link.
    A link of the tree the source scan missed is reported too, where its
    target is first written.  A reference definition (`[label]: …`) or an
    image leaves no trace in the tree when nothing uses it: it is kept
    unless a code block holds it (the writers would drop it silently).
    `sources`: lang -> the text as written (before its placeholders were
    filled in); `fill(lang, s)`: s with the placeholders filled in."""
    if not isinstance(text, m.Markdown):
        return [(ref, pos, style) for ref, pos, style, _ in refs]
    kept = []
    for lang, value in text.values.items():
        tree = trees.get(value, [])
        found = {"Link": collections.defaultdict(list), "Image": collections.defaultdict(list)}
        for node in markdown.nodes(tree):
            if node["t"] in found:
                target = node["c"][2][0]
                found[node["t"]][_same_target(target)].append(target)
        code = "\n".join(markdown.code_texts(tree))
        for ref, pos, style, ref_lang in refs:
            if ref_lang != lang:
                continue
            if style == "image":
                src = re.match(r"!\[[^\]]*\]\(\s*<?([^\s)>]*)", ref)
                pool = found["Image"]
                key = _same_target(fill(lang, src.group(1))) if src else next((k for k, v in pool.items() if v), None)
            else:
                pool = found["Link"]
                key = _same_target(fill(lang, ref))
            if key is not None and pool.get(key):
                pool[key].pop(0)
                kept.append((ref, pos, style))
            elif style in ("definition", "image") and ref not in code:
                kept.append((ref, pos, style))
        base = text.value_pos.get(lang) or text.pos
        source = sources.get(lang, value)
        for kind, pool in found.items():
            for key, targets in pool.items():
                for target in targets:
                    style = "image" if kind == "Image" else link_style(target)
                    if style is None:
                        continue
                    at = max(source.find(target), source.find(key))
                    kept.append((target, offset_pos(base, source, at) if at >= 0 and base else base, style))
    return kept


def _check_link_form(target: str, pos: m.Pos, style: str, reader: Reader) -> None:
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
        reader.problem(pos, f"the link {show(target)} is a {shown!r} address, which Dyade does not publish"
                       if shown != ":" else f"the link {show(target)} is not an address Dyade can publish",
                       "link to a web page with its full address (https://… or http://…), to an e-mail address "
                       "with mailto:…, or to an item as chapter:ID, form:ID, annex:ID, workshop:ID or glossary:ID")
    elif style == "web":
        reader.problem(pos, f"the link {show(target)} {safety.web_target_problem(target)}",
                       "write the whole address, e.g. https://example.org/page or mailto:name@example.org, "
                       "without spaces, quotes or angle brackets")
    elif style == "image":
        reader.problem(pos, f"texts cannot hold images ({show(target)})",
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


def _fill_placeholders(text, placeholders, reader: Reader, name_forms=None) -> None:
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
                reader.problem(offset_pos(pos, value, match.start()),
                               f"{match.group(0)} is not a placeholder, so it would be printed as it is",
                               f"write {{{meant}}}, in lower case and without spaces")
        spans = isinstance(text, m.Markdown)
        for start, _, kind, written in safety.placeholder_tokens(value, spans):
            if kind == "span" and not safety.LANG_TAG.fullmatch(written):
                reader.problem(offset_pos(pos, value, start + len("{lang=")),
                               f"{written!r} is not a language tag, so the phrase's language cannot be marked",
                               "write a BCP 47 tag: the language's two- or three-letter code (en, fr, haw), "
                               "then optionally a script and a region (en-GB, es-419, zh-Hant-TW)")
            elif kind == "name" and written not in placeholders:
                reader.problem(offset_pos(pos, value, start), f"unknown placeholder {{{written}}}",
                               "use one of " + shown + suggest(written, PLACEHOLDERS))
            elif kind == "form":
                _check_name_form(written, lang, name_forms, offset_pos(pos, value, start), reader, forms)
            elif kind == "malformed" and start not in loose:
                reader.problem(offset_pos(pos, value, start),
                               f"{written.strip()!r} is not a placeholder: a brace starts one of {shown}, "
                               "with nothing else between the braces",
                               "write the placeholder exactly so, or write a brace that is meant as such twice ({{ or }})")
        values = {name: values[lang] for name, values in placeholders.items()}
        text.values[lang] = safety.fill(value, {**values, **forms}, spans)


def _check_name_form(written: str, lang: str, name_forms: dict, pos: m.Pos, reader: Reader, forms: dict) -> None:
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
                       (("use one of " + ", ".join("{org:%s}" % f for f in given) + suggest(lower, given) + ", or ")
                        if given else "") + f"add '{lower}: …' under organisation: name_forms: {lang}: in content/programme.yml")


def _check_ref(model: m.Model, ref: str, pos: m.Pos, reader: Reader) -> None:
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
                       f"use the id of an existing {kind}" + suggest(ident, known))
        return
    if anchor and kind == "chapter" and not any(s.id == anchor for s in target.sections):
        reader.problem(pos, f"link to section {anchor!r} of chapter {ident!r}, which has no such section",
                       "use one of: " + ", ".join(s.id for s in target.sections))


def logo_warnings(model: m.Model, reader: Reader) -> list[Problem]:
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


