"""dist/<lang>/calendar.ics, the programme's milestones for calendar
programs: read back with the `icalendar` library (as calendar programs
would), byte-identical from build to build, its texts escaped and its lines
folded as RFC 5545 says, and offered on the home and downloads pages."""
from __future__ import annotations

import copy
import datetime as dt

import icalendar
import pytest

from dyade import document
from dyade.writers import calendar as ics
from sitetools import read_page

EPOCH = 1767225600  # 2026-01-01T00:00:00Z


def events(data: bytes) -> list:
    return [c for c in icalendar.Calendar.from_ical(data).walk() if c.name == "VEVENT"]


def render(model, lang: str, epoch: int = EPOCH) -> bytes:
    return ics.calendar_bytes(model, lang, epoch)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_built_calendar_holds_every_milestone_in_its_language(built, model, lang):
    data = (built / "dist" / lang / "calendar.ics").read_bytes()
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    found = events(data)
    steps = model.programme.calendar
    assert len(found) == len(steps) > 5
    assert len({str(e["UID"]) for e in found}) == len(steps)  # unique
    for event, step in zip(found, steps):
        assert str(event["UID"]).startswith(f"{step.id}@")  # stable: the milestone's id
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # all-day: dates, not times, and the end is the next day (exclusive)
        assert type(start) is dt.date and start == step.date and end == step.date + dt.timedelta(days=1)
        assert isinstance(event.decoded("DTSTAMP"), dt.datetime)
        summary = event["SUMMARY"]
        assert summary.params["LANGUAGE"] == lang and event["DESCRIPTION"].params["LANGUAGE"] == lang
        assert summary.replace("’", "'") == step.title[lang]
        description = str(event["DESCRIPTION"])
        assert description.split()[0] in step.description[lang]
        for ref in step.forms:
            assert document.of(model, lang).ref_title(ref) in description
        if step.forms:
            assert model.ui("calendar_forms_due", lang) in description
    # the other language's words are not there
    other = "en" if lang == "fr" else "fr"
    assert not any(str(e["SUMMARY"]) == s.title[other] and s.title[other] != s.title[lang] for e, s in zip(found, steps))


def test_two_builds_give_the_same_bytes_and_the_stamp_is_the_builds_date(model):
    first, second = render(model, "fr"), render(model, "fr")
    assert first == second
    assert all(e.decoded("DTSTAMP") == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) for e in events(first))
    assert render(model, "fr", EPOCH + 86400) != first  # the date does come from the build


def test_uids_name_the_sites_host(model):
    hosted = copy.deepcopy(model)
    hosted.programme.site_url = "https://mentorat.example.org/programme/"
    assert all(str(e["UID"]).endswith("@mentorat.example.org") for e in events(render(hosted, "en")))


def test_texts_are_escaped_and_lines_folded(model):
    tricky = copy.deepcopy(model)
    step = tricky.programme.calendar[0]
    title = "Bilan; suivi, plan \\ fin " + "é" * 60  # separators, a backslash, many two-octet letters
    step.title.values["fr"] = title
    step.description.values["fr"] = "Un premier paragraphe; avec, des signes.\n\nUn second paragraphe."
    data = render(tricky, "fr")
    # folded: no line over 75 octets, every line ends in CRLF, a continuation starts with a space
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")  # never folded inside a character
    # escaped: the raw text shows the escapes, and a reader gets the text back
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert "SUMMARY;LANGUAGE=fr:Bilan\\; suivi\\, plan \\\\ fin" in unfolded
    assert "Un premier paragraphe\\; avec\\, des signes.\\nUn second paragraphe." in unfolded
    event = events(data)[0]
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]).startswith("Un premier paragraphe; avec, des signes.\nUn second paragraphe.")
    assert len(events(data)) == len(model.programme.calendar)  # nothing split an event


def test_fold_counts_octets(model):
    line = "DESCRIPTION:" + "€" * 100  # three octets each
    folded = ics.fold(line)
    parts = folded.split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in parts) and all(p.startswith(b" ") for p in parts[1:])
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode("utf-8") == line


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_and_downloads_pages_offer_the_calendar(built, model, lang):
    site = built / "site" / lang
    home = read_page(site / "index.html")
    assert ("a", "href", "downloads/calendar.ics") in home.links
    downloads = read_page(site / "downloads" / "index.html")
    assert ("a", "href", "calendar.ics") in downloads.links
    assert (site / "downloads" / "calendar.ics").read_bytes() == (built / "dist" / lang / "calendar.ics").read_bytes()
