"""dist/<lang>/calendar.ics: the programme's milestones (`calendar` in
programme.yml) as an iCalendar file (RFC 5545), so participants add them to
Outlook, Google or Apple calendars in one click.

One all-day event per milestone, in the file's language: its title, its
description as plain text and the forms due that day.  The file is the same
byte for byte from one build to the next: each event's UID is the
milestone's id (stable as long as the id is), and DTSTAMP is the build's
date (SOURCE_DATE_EPOCH or the sources' last change), not the clock's.
"""
from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlsplit

from .. import document, layout
from .. import markdown
from .. import model as m
from ..tasks import Context, Task, digest
from .base import Writer, write_file

MAX_OCTETS = 75  # a content line's length before folding, CRLF excluded (RFC 5545, 3.1)


def escape(text: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and line
    breaks escaped, so a value never ends its property or splits into another."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


def fold(line: str) -> bytes:
    """One content line, UTF-8, folded into lines of at most 75 octets (a
    continuation starts with a space), never inside a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        limit = MAX_OCTETS if not out else MAX_OCTETS - 1  # the leading space counts
        if len(current) + len(encoded) > limit:
            out.append(current)
            current = b""
        current += encoded
    out.append(current)
    return b"\r\n ".join(out) + b"\r\n"


def plain_description(tree: list) -> str:
    """A Markdown text's words, one paragraph per line, formatting dropped
    (a link keeps its words)."""
    paragraphs = []
    for block in tree:
        if block.get("t") in ("Para", "Plain"):
            paragraphs.append(markdown.plain_text(block["c"]))
        elif block.get("t") in ("BulletList", "OrderedList"):
            items = block["c"] if block["t"] == "BulletList" else block["c"][1]
            paragraphs += ["– " + plain_description(item) for item in items]
        else:
            paragraphs.append(markdown.plain_text(block.get("c", [])))
    return "\n".join(p for p in paragraphs if p.strip())


def uid_domain(programme: m.Programme) -> str:
    """The right-hand side of the UIDs: the site's host when it has one."""
    host = urlsplit(programme.site_url).hostname if programme.site_url else None
    return host or "dyade.invalid"


def calendar_bytes(model: m.Model, lang: str, epoch: int) -> bytes:
    prog = model.programme
    stamp = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    domain = uid_domain(prog)
    doc = document.of(model, lang)
    title = doc.plain(prog.title)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//Dyade//{escape(title)}//{lang.upper()}",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(title)}"]
    forms_due = doc.with_colon("calendar_forms_due")
    for milestone in prog.calendar:
        text = plain_description(doc.tree(milestone.description))
        forms = [doc.ref_title(ref) for ref in milestone.forms]
        if forms:
            text += "\n\n" + forms_due + "\n" + "\n".join("– " + f for f in forms)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{milestone.id}@{domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{milestone.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{milestone.date + dt.timedelta(days=1):%Y%m%d}",  # DTEND is exclusive
            f"SUMMARY;LANGUAGE={lang}:{escape(doc.plain(milestone.title))}",
            f"DESCRIPTION;LANGUAGE={lang}:{escape(doc.spaced(text))}",
            "TRANSP:TRANSPARENT",  # a milestone does not make the day busy
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


def plan(model: m.Model, ctx: Context, log=None, lang=None) -> list[Task]:
    calendar = model.programme.calendar
    if not calendar:
        return []
    tasks = []
    for lang in model.languages:
        out = f"dist/{lang}/{layout.CALENDAR}"
        data = calendar_bytes(model, lang, ctx.epoch)
        # Keyed without its date, as the PDF and DOCX are: an edit elsewhere
        # moves the sources' date but must not rewrite this file, nor the
        # website of its language that offers it.
        key = digest(out, ctx.salt, calendar_bytes(model, lang, 0))
        tasks.append(Task(name=out, lang=lang, outputs=[out], key=key, weight=0.01,
                          run=functools.partial(write_file, out, data)))
    return tasks


WRITER = Writer(name="calendar", plan=plan)
