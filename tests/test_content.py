"""The bundled programme (issue 6): what its content must hold, checked on
the model the real loader makes of content/ and forms/.

These tests fail when an edit removes something the programme promises:
a chapter of the outline, a form field the coordinator relies on, an annex,
flashcards, length in either language, or when the two languages drift
apart or the organisation's name is typed into the text.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from conftest import ROOT
from dyade import model as m

LANGS = ("fr", "en")
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
LINK_TARGET = re.compile(r"\]\([^)]*\)")

# The outline of the guide, in reading order (seed 001), with the coordinator
# chapter (seed 003) and the obstacles chapter (seed 000) where they belong.
CHAPTERS = [
    "context",                # context of the programme
    "purpose",                # purpose of the guide
    "coordination-matching",  # coordination; steps of matching; failed matches
    "leadership-framework",   # five core capacities; personal resources
    "what-is-mentoring",      # what it is and is not; kinds of support
    "mentoring-vs-coaching",  # mentoring vs coaching; flexible delivery
    "key-elements",           # for the mentor, for the mentee
    "mutual-expectations",    # what each may expect of the other
    "in-action",              # for whom, by whom, when and how, how long
    "roles",                  # roles and responsibilities
    "learning-needs",         # learning needs of newly appointed leaders
    "orientation",
    "mentoring-cycle",
    "forms",                  # the forms and when each is filled
    "coordinator",            # coordinator's role, follow-up calendar
    "obstacles",              # obstacles and ways to overcome them
    "questions",              # favourite questions of experienced mentors
    "resources",
]

# Sections the outline names, in the order they must appear in their chapter.
SECTIONS = {
    "coordination-matching": ["coordination", "matching-steps", "when-a-match-fails"],
    "leadership-framework": ["core-capacities", "personal-resources"],
    "what-is-mentoring": ["what-it-is", "kinds-of-support", "what-it-is-not"],
    "mentoring-vs-coaching": ["mentoring", "coaching", "flexible-delivery"],
    "key-elements": ["for-the-mentor", "for-the-mentee"],
    "mutual-expectations": ["mentee-expects", "mentor-expects"],
    "in-action": ["for-whom", "by-whom", "when-and-how", "how-long"],
    "roles": ["mentor-role", "mentee-role"],
    "forms": ["self-assessment", "confidentiality", "learning-plan", "feedback", "checklist", "triad-follow-up",
              "year-end-review"],
    "coordinator": ["responsibilities", "follow-up-calendar"],
    "obstacles": ["obstacles", "overcoming"],
    "questions": ["favourite-questions"],
}

FORMS = ["self-assessment", "confidentiality", "learning-plan", "feedback", "checklist", "triad-follow-up",
         "year-end-review"]
CAPACITIES = ["goals", "resources", "culture", "data", "conversations"]
RESOURCES = ["cognitive", "social", "psychological"]
ANNEXES = ["personal-balance", "problem-solving", "reflection-article", "mentor-competencies",
           "choosing-a-mentor", "reading"]
GLOSSARY = ["mentor", "mentee", "coach", "coachee", "dyad", "triad", "matching", "learning-plan",
            "community-of-practice", "reverse-mentoring"]


def words(text: str) -> int:
    """Words a reader sees: link targets such as `(form:feedback)` not counted."""
    return len(WORD.findall(LINK_TARGET.sub("]", text)))


def chapter_words(chapter: m.Chapter, lang: str) -> int:
    n = words(chapter.title[lang]) + (words(chapter.summary[lang]) if chapter.summary else 0)
    return n + sum(words(s.title[lang]) + words(s.body[lang]) for s in chapter.sections)


def fields(form: m.Form) -> dict[str, str]:
    """{field id: type} of a form's fillable fields."""
    return {f.id: f.type for f in form.input_fields()}


def field(form: m.Form, ident: str):
    return next(f for f in form.input_fields() if f.id == ident)


def all_texts(item, path: str = ""):
    """(path, Text) for every translated text inside a model item."""
    if isinstance(item, m.Text):
        yield path, item
    elif dataclasses.is_dataclass(item):
        for f in dataclasses.fields(item):
            yield from all_texts(getattr(item, f.name), f"{path}.{f.name}")
    elif isinstance(item, list):
        for i, sub in enumerate(item):
            yield from all_texts(sub, f"{path}[{i}]")


# -- the guide ---------------------------------------------------------------

def test_the_guide_follows_the_outline_in_order(model):
    assert [c.id for c in model.chapters] == CHAPTERS


@pytest.mark.parametrize("chapter_id", sorted(SECTIONS))
def test_each_part_of_the_outline_has_its_section(model, chapter_id):
    chapter = model.find("chapter", chapter_id)
    ids = [s.id for s in chapter.sections]
    present = [s for s in ids if s in SECTIONS[chapter_id]]
    assert present == SECTIONS[chapter_id], f"chapter {chapter_id}: sections {ids}"


def test_the_follow_up_calendar_has_its_five_meetings(model):
    section = next(s for s in model.find("chapter", "coordinator").sections if s.id == "follow-up-calendar")
    for lang in LANGS:
        headings = re.findall(r"^### ", section.body[lang], flags=re.M)
        assert len(headings) == 5, f"{lang}: first, second and third follow-ups, mentee group, year-end review"
    milestones = [ms.id for ms in model.programme.calendar]
    for ident in ("triad-1", "triad-2", "mentee-group", "triad-3", "year-end"):
        assert ident in milestones


def test_the_mentor_profile_states_availability_and_experience(model):
    section = next(s for s in model.find("chapter", "in-action").sections if s.id == "by-whom")
    assert "three years" in section.body["en"] and "one to two years" in section.body["en"]
    assert "trois ans" in section.body["fr"] and "un à deux ans" in section.body["fr"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_guide_has_at_least_6000_words(model, lang):
    total = sum(chapter_words(c, lang) for c in model.chapters)
    assert total >= 6000, f"{lang}: {total} words"


@pytest.mark.parametrize("chapter_id", CHAPTERS)
def test_each_chapter_has_a_comparable_length_in_both_languages(model, chapter_id):
    chapter = model.find("chapter", chapter_id)
    fr, en = chapter_words(chapter, "fr"), chapter_words(chapter, "en")
    assert 0.6 <= en / fr <= 1.6, f"{chapter_id}: {fr} words in French, {en} in English"


def test_every_text_has_a_comparable_length_in_both_languages(model):
    """English between 0.6 and 1.6 times the French, in characters, for
    every text of the programme (the interface strings are not content)."""
    wrong = []
    for part in ("programme", "home", "chapters", "forms", "annexes", "workshops", "flashcards", "glossary"):
        for path, text in all_texts(getattr(model, part), part):
            fr, en = len(text["fr"]), len(text["en"])
            if not 0.6 * fr <= en <= 1.6 * fr:
                wrong.append(f"{path}: {text['fr']!r} / {text['en']!r}")
    assert not wrong, "\n".join(wrong)


# -- the seven forms ------------------------------------------------------------

def test_there_are_seven_forms_numbered_1_to_7(model):
    assert [(f.number, f.id) for f in model.forms] == list(enumerate(FORMS, start=1))
    for form in model.forms:
        for text in (form.title, form.purpose, form.who, form.when):
            assert all(text[lang].strip() for lang in LANGS), form.id


def test_form_1_self_assessment(model):
    got = fields(model.find("form", "self-assessment"))
    expected = {"name": "text", "position": "text", "school": "text", "email": "text", "appointed": "date",
                **{f"resource-{r}": "rating" for r in RESOURCES},
                **{f"capacity-{c}": "rating" for c in CAPACITIES},
                "strengths": "long_text", "need-1": "long_text", "need-2": "long_text", "need-3": "long_text",
                "experience-sought": "long_text", "availability": "choice", "meeting-mode": "choice"}
    assert {k: got.get(k) for k in expected} == expected


def test_form_2_confidentiality_agreement(model):
    form = model.find("form", "confidentiality")
    got = fields(form)
    assert got["commitments"] == "checklist"
    assert len(field(form, "commitments").items) >= 5
    assert got["limits-understood"] == "checkbox"
    assert got["mentee-signature"] == "signature" and got["mentor-signature"] == "signature"
    limits = " ".join(i.text["en"] for i in form.fields if isinstance(i, m.Instructions)).lower()
    assert "harm" in limits and "safety" in limits, "the limits of confidentiality are spelled out"


def test_form_3_learning_plan(model):
    form = model.find("form", "learning-plan")
    got = fields(form)
    assert got["objectives"] == "table"
    columns = {c.id: c.type for c in field(form, "objectives").columns}
    assert columns == {"objective": "long_text", "capacity": "choice", "strategies": "long_text",
                       "resources": "long_text", "target-date": "date", "indicators": "long_text",
                       "progress": "choice"}
    capacity = next(c for c in field(form, "objectives").columns if c.id == "capacity")
    assert [o.value for o in capacity.options] == CAPACITIES
    assert got["meetings"] == "table"
    assert {c.type for c in field(form, "meetings").columns} >= {"date"}
    assert got["mentee-signature"] == "signature" and got["mentor-signature"] == "signature"


def test_the_capacities_have_the_same_names_everywhere(model):
    """Form 1 rates, form 3 offers and chapter 4 explains the same five capacities."""
    rated = model.find("form", "self-assessment")
    offered = next(c for c in field(model.find("form", "learning-plan"), "objectives").columns if c.id == "capacity")
    chapter = next(s for s in model.find("chapter", "leadership-framework").sections if s.id == "core-capacities")
    for lang in LANGS:
        names = [field(rated, f"capacity-{c}").label[lang] for c in CAPACITIES]
        assert [o.label[lang] for o in offered.options] == names
        assert re.findall(r"^\d\. \*\*(.+?)\*\*", chapter.body[lang], flags=re.M) == names


def test_form_4_feedback(model):
    got = fields(model.find("form", "feedback"))
    expected = {"meeting-date": "date", "meeting-number": "number", "topics": "long_text",
                "observations": "long_text", "suggestions": "long_text", "next-steps": "long_text",
                "next-meeting": "date", "mentee-reflection": "long_text"}
    assert {k: got.get(k) for k in expected} == expected


def test_form_5_verification_checklist(model):
    got = fields(model.find("form", "checklist"))
    for n in range(1, 5):
        assert (got.get(f"form{n}-done"), got.get(f"form{n}-date"), got.get(f"form{n}-by")) == \
            ("checkbox", "date", "text"), f"form {n}: completed, date, by whom"
    assert got.get("coordinator-signature") == "signature"


def test_form_6_triad_follow_up_record(model):
    """Seed 003's three follow-ups: which one, the match, training needs,
    meetings counted and dated, goals, topics, how it went, and at the
    third the mentee's well-being against the start."""
    form = model.find("form", "triad-follow-up")
    got = fields(form)
    expected = {"mentee-name": "text", "mentor-name": "text", "follow-up": "choice", "follow-up-date": "date",
                "match-mentee": "rating", "match-mentor": "rating", "training-mentee": "long_text",
                "training-mentor": "long_text", "meetings-count": "number", "meetings": "table",
                "goals": "long_text", "topics": "long_text", "good-moments": "long_text",
                "difficulties": "long_text", "challenges-learning": "long_text", "wellbeing-now": "rating",
                "wellbeing-change": "choice", "wellbeing-notes": "long_text", "next-steps": "long_text",
                "next-date": "date", "coordinator-signature": "signature"}
    assert got == expected
    assert [o.value for o in field(form, "follow-up").options] == ["first", "second", "third"]
    count = field(form, "meetings-count")
    assert (count.min, count.max) == (0, 60)
    assert {c.id: c.type for c in field(form, "meetings").columns} == {"date": "date", "hours": "number"}
    assert [o.value for o in field(form, "wellbeing-change").options] == ["much-better", "better", "same", "worse"]
    assert form.identifies == ["mentee-name", "mentor-name"]


def test_form_7_year_end_review(model):
    """What the coordinator's annual report needs from each participant."""
    form = model.find("form", "year-end-review")
    got = fields(form)
    parts = ["matching", "orientation", "meetings", "triads", "mentee-group", "workshops", "forms", "guide",
             "overall"]
    expected = {"name": "text", "role": "choice", "meetings-held": "number", "hours-per-month": "number",
                **{f"rate-{p}": "rating" for p in parts}, "keep": "long_text", "change": "long_text",
                "again-mentor": "choice", "again-mentee": "choice", "comments": "long_text", "quote-ok": "checkbox"}
    assert got == expected
    assert all(field(form, f"rate-{p}").scale == 5 for p in parts)
    assert [o.value for o in field(form, "role").options] == ["mentor", "mentee"]
    for ident in ("again-mentor", "again-mentee"):
        assert [o.value for o in field(form, ident).options] == ["yes", "maybe", "no"]
    assert field(form, "meetings-held").min == 0 and field(form, "hours-per-month").unit["en"] == "h"
    assert form.identifies == ["name"]


def test_forms_6_and_7_are_in_the_calendar_and_linked_from_the_chapters(model):
    calendar = {ms.id: ms.forms for ms in model.programme.calendar}
    for milestone in ("triad-1", "triad-2", "triad-3"):
        assert "form:triad-follow-up" in calendar[milestone], milestone
    assert "form:year-end-review" in calendar["year-end"]
    sections = {s.id: s for s in model.find("chapter", "forms").sections}
    follow_ups = next(s for s in model.find("chapter", "coordinator").sections if s.id == "follow-up-calendar")
    for ident in ("triad-follow-up", "year-end-review"):
        for lang in LANGS:
            # Texts are read from the sources: links are still written (form:ID).
            assert f"(form:{ident})" in sections[ident].body[lang], (ident, lang)
            assert f"(form:{ident})" in follow_ups.body[lang], (ident, lang)


# -- annexes, flashcards, workshops, glossary -------------------------------------

def test_there_are_six_annexes_numbered_1_to_6(model):
    assert [(a.number, a.id) for a in model.annexes] == list(enumerate(ANNEXES, start=1))


def test_the_reflection_article_is_600_to_1000_words(model):
    article = model.find("annex", "reflection-article")
    for lang in LANGS:
        assert 600 <= words(article.body[lang]) <= 1000, lang


def test_the_mentor_competency_self_check_is_rated(model):
    annex = model.find("annex", "mentor-competencies")
    assert len([f for f in annex.input_fields() if f.type == "rating"]) >= 10


def test_yes_or_no_conditions_of_the_self_check_are_ticked_not_rated(model):
    # "I have no authority over my mentee" is true or false, never practised "with ease"
    annex = model.find("annex", "mentor-competencies")
    fields = {f.id: f for f in annex.input_fields()}
    assert [i.value for i in fields["conditions"].items] == ["available", "training", "no-authority"]
    assert fields["conditions"].type == "checklist"
    assert not {"available", "training", "no-authority"} & {i for i, f in fields.items() if f.type == "rating"}


def test_there_are_at_least_12_flashcards(model):
    assert model.flashcards is not None
    assert len(model.flashcards.cards) >= 12


def test_the_workshops_exist(model):
    assert sorted(w.id for w in model.workshops) == ["learning-situations", "mentoring-coaching"]
    steps = [s.id for s in model.find("workshop", "mentoring-coaching").steps]
    assert steps == ["opening", "definitions", "group-a", "group-b", "plenary", "synthesis"]


def test_the_glossary_defines_the_programme_terms(model):
    ids = {t.id for t in model.glossary.terms}
    assert set(GLOSSARY) <= ids, sorted(set(GLOSSARY) - ids)


# -- the organisation's name ------------------------------------------------------

def source_files() -> list[Path]:
    files = sorted((ROOT / "forms").rglob("*.yml")) + sorted((ROOT / "content").rglob("*.yml"))
    return [f for f in files if f != ROOT / "content" / "programme.yml"]


def test_no_organisation_name_is_typed_in_the_text(model):
    """Names come from programme.yml through {org}, {org_short},
    {coordinator} and {coordinator_email}, so an organisation that edits
    programme.yml sees its own name everywhere."""
    prog = model.programme
    names = {*prog.organisation.name.values.values(), *prog.organisation.short_name.values.values(),
             prog.coordinator.name, prog.coordinator.email}
    found = []
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        for name in names:
            for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert source_files(), "no source files found"
    assert not found, "\n".join(found)


def test_the_text_uses_the_placeholders(model):
    text = "\n".join(p.read_text(encoding="utf-8") for p in source_files())
    # The bundled texts name the organisation inside sentences, with its article: {org:le}, {org:the}.
    for placeholder in ("{org:le}", "{org:the}", "{org_short}", "{programme}", "{coordinator}", "{coordinator_email}"):
        assert placeholder in text, placeholder


def test_the_mentor_exchange_has_a_date_and_a_place_in_the_follow_up_calendar(model):
    # Chapters 10, 17, 18 and annex 4 send mentors to "the mentor exchange":
    # the calendar must say when it is, and chapter 15 what happens there.
    milestone = next(ms for ms in model.programme.calendar if ms.id == "mentee-group")
    assert "mentor exchange" in milestone.title["en"] and "échange entre mentors" in milestone.title["fr"]
    section = next(s for s in model.find("chapter", "coordinator").sections if s.id == "follow-up-calendar")
    assert "mentor exchange" in section.body["en"] and "échange entre mentors" in section.body["fr"]
    for ident in ("roles", "questions", "resources"):
        texts = [s.body for s in model.find("chapter", ident).sections]
        assert any("mid-year mentor exchange" in t["en"] for t in texts), ident
        assert any("échange entre mentors de mi-parcours" in t["fr"] for t in texts), ident


def test_the_pilot_year_says_who_holds_the_coordinators_role(model):
    section = next(s for s in model.find("chapter", "coordinator").sections if s.id == "profile")
    name = model.programme.coordinator.name
    assert f"this year, {name}." in section.body["en"] and f"cette année, {name}." in section.body["fr"]
    assert "chapter:coordination-matching#coordination" in section.body["en"]
    assert "In a pilot year, the outside specialist holds it." in section.body["en"]
    assert "Pendant une année pilote, c'est la ressource externe qui le tient." in section.body["fr"]
