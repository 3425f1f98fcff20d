"""Where each output lives, relative to `dist/<lang>/`.

The site writer links to the files the DOCX and PDF writers make, so both
sides take the names from here rather than agreeing by convention.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import model as m


@dataclass(frozen=True)
class Output:
    path: str        # relative to dist/<lang>/
    kind: str        # "guide", "form", "annex", "workshop", "flashcards", "pack", "calendar"
    item_id: str     # the model item it comes from ("" for the guide)
    format: str      # "docx", "pdf" or "ics"
    variant: str = ""  # "participant" / "facilitator" for workshops


CALENDAR = "calendar.ics"  # the milestones, for calendar programs


def form_docx(form: m.Form) -> str:
    return f"forms/{form.id}.docx"


def outputs(model: m.Model) -> list[Output]:
    """Every file in dist/<lang>/, in the order the downloads page lists them."""
    out = [Output("guide.pdf", "guide", "", "pdf")]
    for form in model.forms:
        out.append(Output(form_docx(form), "form", form.id, "docx"))
        out.append(Output(f"forms/{form.id}.pdf", "form", form.id, "pdf"))
    for annex in model.annexes:
        out.append(Output(f"annexes/{annex.id}.pdf", "annex", annex.id, "pdf"))
    for workshop in model.workshops:
        for variant in ("participant", "facilitator"):
            out.append(Output(f"workshops/{workshop.id}-{variant}.pdf", "workshop", workshop.id, "pdf", variant))
    if model.flashcards:
        out.append(Output("flashcards.pdf", "flashcards", "", "pdf"))
    if model.workshops:
        out.append(Output("trainer-pack.pdf", "pack", "", "pdf"))
    if model.programme.calendar:
        out.append(Output(CALENDAR, "calendar", "", "ics"))
    return out
