"""The typed document model: what every writer reads, and nothing else.

The classes double as the description of the YAML sources: the reader
(`dyade.sources`) converts YAML nodes into them by walking their type hints,
and `dyade.schema` derives the JSON Schema from the same hints.  A field's
`metadata["doc"]` is the description an editor shows while typing.

Conventions:
- `Text` is a short translated string, `Markdown` a long translated text;
  both hold one entry per declared language.
- A field with a default is optional in the YAML.
- Fields named `pos` are filled by the reader (file, line, column) and are
  not part of the YAML.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from typing import ClassVar, Iterator, Literal, NewType, Optional, Union


@dataclass(frozen=True)
class Pos:
    """Where a node starts in a source file (1-based line and column)."""
    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass
class Text:
    """A short human-facing string, one entry per declared language."""
    values: dict[str, str]
    pos: Optional[Pos] = None
    value_pos: dict[str, Pos] = field(default_factory=dict, repr=False)

    def __getitem__(self, lang: str) -> str:
        return self.values[lang]


@dataclass
class Markdown(Text):
    """A long human-facing text in Markdown, one entry per declared language.

    Links may point at other items with `[words](form:ID)`, `annex:ID`,
    `chapter:ID`, `chapter:ID#SECTION`, `workshop:ID`, `glossary:ID`,
    `flashcards:` or `home:`; the reader checks them, each writer turns them
    into its own kind of link.
    """


def markdown_texts(obj) -> Iterator[Markdown]:
    """Every Markdown text inside `obj` (a model, an item, a list), in order."""
    if isinstance(obj, Markdown):
        yield obj
    elif isinstance(obj, list):
        for item in obj:
            yield from markdown_texts(item)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name != "pos":
                yield from markdown_texts(getattr(obj, f.name))


@dataclass
class NameForms:
    """The organisation's name as sentences need it, per language: for each
    language, form name -> words, e.g. fr: {du: du Réseau…}, en: {the: the …
    Network}.  A text writes `{org:du}` (`{org:Du}` at the start of a
    sentence); each language has the forms its own texts use."""
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    pos: Optional[Pos] = None
    value_pos: dict[tuple[str, str], Pos] = field(default_factory=dict, repr=False)


# Scalar kinds with their own validation; plain `str` at run time.
Ident = NewType("Ident", str)          # lower-case letters, digits, hyphens
AssetPath = NewType("AssetPath", str)  # a file inside the project
Colour = NewType("Colour", str)        # "#rrggbb"
Email = NewType("Email", str)
WebAddress = NewType("WebAddress", str)  # "https://example.org/path/"
Phone = NewType("Phone", str)          # "613-555-0147"
Lang = NewType("Lang", str)            # "fr", "en", "es", ...
Ref = NewType("Ref", str)              # "form:ID", "annex:ID", ...


def doc(text: str, **extra) -> dict:
    return {"doc": text, **extra}


# --------------------------------------------------------------------------
# programme.yml


@dataclass(kw_only=True)
class Organisation:
    name: Text = field(metadata=doc("Full name of the organisation, per language."))
    short_name: Text = field(metadata=doc("Short name or acronym, per language."))
    logo: AssetPath = field(metadata=doc("Logo file (SVG or PNG), relative to the project folder."))
    logo_alt: Text = field(metadata=doc("What the logo shows, for screen readers."))
    website: Optional[WebAddress] = field(default=None, metadata=doc("The organisation's web address, e.g. https://example.org/."))
    name_forms: NameForms = field(default_factory=NameForms, metadata=doc(
        "The name as sentences need it, per language (with its article and contractions): "
        "fr: {le: le Réseau…, du: du Réseau…}, en: {the: the … Network}; texts write {org:du}, or {org:Du} "
        "to start a sentence."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Colours:
    primary: Colour = field(default=Colour("#1d4e6e"), metadata=doc("Main colour, \"#rrggbb\"; keep it dark so white text on it stays readable."))
    accent: Colour = field(default=Colour("#a3442a"), metadata=doc("Accent colour for links and highlights, \"#rrggbb\"."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Coordinator:
    name: str = field(metadata=doc("Name of the programme coordinator."))
    title: Text = field(metadata=doc("Job title, per language."))
    email: Email = field(metadata=doc("Address where participants send forms and questions."))
    phone: Optional[Phone] = field(default=None, metadata=doc("Telephone number, e.g. 613-555-0147."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Milestone:
    id: Ident = field(metadata=doc("Stable identifier."))
    date: _dt.date = field(metadata=doc("Date, YYYY-MM-DD."))
    title: Text = field(metadata=doc("What happens, per language."))
    description: Markdown = field(metadata=doc("Details, per language."))
    forms: list[Ref] = field(default_factory=list, metadata=doc("Forms to fill by this date, e.g. form:self-assessment."))
    pos: Optional[Pos] = None


@dataclass(frozen=True)
class Paper:
    """A paper size as the writers need it."""
    typst: str          # typst's name for it
    width_mm: float
    height_mm: float
    card_rows: int      # flashcards per column on a sheet (two columns): cards stay about 6.5 cm tall

    def twips(self) -> tuple[int, int]:
        """Width and height in twentieths of a point (Word's unit)."""
        return round(self.width_mm * 1440 / 25.4), round(self.height_mm * 1440 / 25.4)


PageSize = Literal["letter", "legal", "a4", "a5"]
PAPERS: dict[str, Paper] = {
    "letter": Paper("us-letter", 215.9, 279.4, 4),
    "legal": Paper("us-legal", 215.9, 355.6, 5),
    "a4": Paper("a4", 210, 297, 4),
    "a5": Paper("a5", 148, 210, 3),
}


@dataclass(kw_only=True)
class Programme:
    organisation: Organisation = field(metadata=doc("Who runs the programme."))
    colours: Colours = field(default_factory=Colours, metadata=doc("Brand colours."))
    coordinator: Coordinator = field(metadata=doc("Who coordinates the programme."))
    title: Text = field(metadata=doc("Name of the programme, per language."))
    languages: list[Lang] = field(default_factory=lambda: [Lang("fr"), Lang("en")],
                                  metadata=doc("Languages, first one is the default.", min_items=1))
    page_size: PageSize = field(default="letter", metadata=doc(
        "Paper size of DOCX and PDF outputs: letter (8.5 x 11 in), legal (8.5 x 14 in), a4 (210 x 297 mm) "
        "or a5 (148 x 210 mm)."))
    start: _dt.date = field(metadata=doc("First day of the programme, YYYY-MM-DD."))
    end: _dt.date = field(metadata=doc("Last day of the programme, YYYY-MM-DD."))
    duration: Text = field(metadata=doc("How long the programme lasts, in words, per language."))
    calendar: list[Milestone] = field(default_factory=list, metadata=doc("The programme's calendar, in date order."))
    forms_protection: bool = field(default=False, metadata=doc(
        "Protect DOCX forms so only the fields can be edited. Off by default: LibreOffice then makes the whole form read-only."))
    site_url: Optional[WebAddress] = field(default=None, metadata=doc("Public address of the published site, e.g. https://example.org/mentoring/."))
    pos: Optional[Pos] = None


# --------------------------------------------------------------------------
# home.yml, guide chapters


@dataclass(kw_only=True)
class Home:
    intro: Markdown = field(metadata=doc("What the programme is."))
    audience: Markdown = field(metadata=doc("Who it is for."))
    getting_started: Markdown = field(metadata=doc("How to start."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Section:
    id: Ident = field(metadata=doc("Stable identifier, unique in the chapter."))
    title: Text = field(metadata=doc("Section heading, per language."))
    body: Markdown = field(metadata=doc("Section text in Markdown, per language."))
    related: list[Ref] = field(default_factory=list, metadata=doc("Items this section points to, e.g. form:learning-plan, annex:problem-solving."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Chapter:
    id: Ident = field(metadata=doc("Stable identifier of the chapter."))
    title: Text = field(metadata=doc("Chapter title, per language."))
    summary: Optional[Text] = field(default=None, metadata=doc("One-sentence summary, per language."))
    sections: list[Section] = field(metadata=doc("The chapter's sections, in order.", min_items=1))
    pos: Optional[Pos] = None


# --------------------------------------------------------------------------
# Form fields


@dataclass(kw_only=True)
class Option:
    value: Ident = field(metadata=doc("Stable value stored when this option is chosen."))
    label: Text = field(metadata=doc("What the reader sees, per language."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class _Field:
    """A fillable field.  Each subclass is a field kind: its `type` is the
    name written in the YAML, and the class variables say what every writer
    and reader needs to know of it (see FIELD_KINDS below; the writers'
    own renderings are looked up by that name and checked at start-up)."""
    id: Ident = field(metadata=doc("Stable identifier, unique in the form; becomes the Word content control's tag."))
    label: Text = field(metadata=doc("The question or label, per language."))
    help: Optional[Text] = field(default=None, metadata=doc("A hint shown under the label, per language."))
    placeholder: Optional[Text] = field(default=None, metadata=doc("Grey text shown in the empty field, per language."))
    pos: Optional[Pos] = None

    # The kind of control that holds its answer (see dyade.controls), or
    # None for a field made of several controls (checklist, table, signature).
    control: ClassVar[Optional[str]] = None
    in_tables: ClassVar[bool] = False  # may be a table column
    # What read_form gives back for it, for documentation and the schema of answers.
    answer: ClassVar[str] = ""


@dataclass(kw_only=True)
class TextField(_Field):
    type: Literal["text"] = "text"
    control: ClassVar[Optional[str]] = "text"
    in_tables: ClassVar[bool] = True
    answer: ClassVar[str] = "the text typed, \"\" when empty"


@dataclass(kw_only=True)
class LongTextField(_Field):
    type: Literal["long_text"] = "long_text"
    lines: int = field(default=4, metadata=doc("How many handwriting lines the printed form leaves.", minimum=1, maximum=30))
    control: ClassVar[Optional[str]] = "long_text"
    in_tables: ClassVar[bool] = True
    answer: ClassVar[str] = "the text typed, lines separated by \"\\n\", \"\" when empty"


@dataclass(kw_only=True)
class DateField(_Field):
    type: Literal["date"] = "date"
    control: ClassVar[Optional[str]] = "date"
    in_tables: ClassVar[bool] = True
    answer: ClassVar[str] = "an ISO date \"YYYY-MM-DD\", None when empty"


@dataclass(kw_only=True)
class NumberField(_Field):
    """A whole or decimal number, such as a count of meetings or hours a
    month, optionally bounded and with a unit shown beside the box."""
    type: Literal["number"] = "number"
    min: Optional[float] = field(default=None, metadata=doc("Smallest number accepted, e.g. 0."))
    max: Optional[float] = field(default=None, metadata=doc("Largest number accepted, e.g. 20."))
    unit: Optional[Text] = field(default=None, metadata=doc("Unit shown after the number, per language, e.g. h, hours."))
    control: ClassVar[Optional[str]] = "number"
    in_tables: ClassVar[bool] = True
    answer: ClassVar[str] = ("the number typed, an int or a Decimal, None when empty; a readback.Flagged "
                             "holding the text when it is not a number or is out of range")


@dataclass(kw_only=True)
class ChoiceField(_Field):
    type: Literal["choice"] = "choice"
    options: list[Option] = field(metadata=doc("The choices, in order.", min_items=2))
    control: ClassVar[Optional[str]] = "choice"
    in_tables: ClassVar[bool] = True
    answer: ClassVar[str] = "the chosen option's value, None when empty"


@dataclass(kw_only=True)
class RatingField(_Field):
    type: Literal["rating"] = "rating"
    scale: int = field(default=5, metadata=doc("Number of points on the scale (1 to scale).", minimum=2, maximum=10))
    low: Optional[Text] = field(default=None, metadata=doc("Meaning of the lowest point, per language."))
    high: Optional[Text] = field(default=None, metadata=doc("Meaning of the highest point, per language."))
    control: ClassVar[Optional[str]] = "rating"
    in_tables: ClassVar[bool] = True
    answer: ClassVar[str] = "the point chosen, an int from 1 to scale, None when empty"


@dataclass(kw_only=True)
class CheckboxField(_Field):
    type: Literal["checkbox"] = "checkbox"
    control: ClassVar[Optional[str]] = "checkbox"
    in_tables: ClassVar[bool] = True
    answer: ClassVar[str] = "True when ticked, else False"


@dataclass(kw_only=True)
class ChecklistField(_Field):
    type: Literal["checklist"] = "checklist"
    items: list[Option] = field(metadata=doc("One checkbox per item.", min_items=1))
    answer: ClassVar[str] = "{item value: True or False} for every item"


@dataclass(kw_only=True)
class TableField(_Field):
    type: Literal["table"] = "table"
    columns: list[TableColumn] = field(metadata=doc("The table's columns.", min_items=1))
    rows: int = field(default=5, metadata=doc("Number of blank rows.", minimum=1, maximum=50))
    answer: ClassVar[str] = "a list of rows, each {column id: that column's answer}"


@dataclass(kw_only=True)
class SignatureField(_Field):
    """Name, signature line and date; the name and date are fillable as
    `<id>-name` and `<id>-date`."""
    type: Literal["signature"] = "signature"
    answer: ClassVar[str] = "two answers: <id>-name (text) and <id>-date (ISO date or None)"


@dataclass(kw_only=True)
class Heading:
    type: Literal["heading"] = "heading"
    text: Text = field(metadata=doc("Section heading inside the form, per language."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Instructions:
    type: Literal["instructions"] = "instructions"
    text: Markdown = field(metadata=doc("Instructions shown between fields, per language."))
    pos: Optional[Pos] = None


# The field kinds, in the order the documentation lists them: the one list
# every writer and reader is checked against (tests/test_field_kinds.py).
# Adding a kind is a class above, one entry here, and one rendering in each
# writer and reader, which say at start-up what they lack.
FIELD_KINDS: tuple[type[_Field], ...] = (
    TextField, LongTextField, DateField, NumberField, ChoiceField, RatingField, CheckboxField,
    ChecklistField, TableField, SignatureField,
)
FIELD_CLASSES = FIELD_KINDS
KIND_NAMES: tuple[str, ...] = tuple(k.type for k in FIELD_KINDS)  # the dataclass default is the YAML name
TableColumn = Union[tuple(k for k in FIELD_KINDS if k.in_tables)]  # type: ignore[valid-type]
FormField = Union[FIELD_KINDS]  # type: ignore[valid-type]
FormItem = Union[FIELD_KINDS + (Heading, Instructions)]  # type: ignore[valid-type]


def require_kinds(renderings, who: str, names=KIND_NAMES):
    """`renderings` (anything with `in`) covers every field kind in `names`,
    or a writer or reader lacks one: fail at start-up, never print a blank."""
    missing = [name for name in names if name not in renderings]
    if missing:
        raise RuntimeError(f"{who} has no rendering for the field kind(s) {', '.join(missing)}")
    return renderings


@dataclass(kw_only=True)
class Form:
    id: Ident = field(metadata=doc("Stable identifier; names the output files."))
    number: int = field(metadata=doc("Form number shown on the form.", minimum=1))
    title: Text = field(metadata=doc("Form title, per language."))
    purpose: Markdown = field(metadata=doc("Why this form exists, per language."))
    who: Text = field(metadata=doc("Who fills it in, per language."))
    when: Text = field(metadata=doc("When it is filled in, per language."))
    fields: list[FormItem] = field(metadata=doc("Fields, headings and instructions, in order.", min_items=1))
    identifies: list[Ident] = field(default_factory=list, metadata=doc(
        "Ids of the fields that name the person or pair a returned copy belongs to (text or signature fields), "
        "the person it is filed under first; `dyade collect` groups returns by them."))
    pos: Optional[Pos] = None

    def input_fields(self) -> list:
        """The fillable fields (not headings or instructions), in order."""
        return [f for f in self.fields if isinstance(f, FIELD_CLASSES)]


# --------------------------------------------------------------------------
# Annexes, workshops, flashcards, glossary


@dataclass(kw_only=True)
class Annex:
    id: Ident = field(metadata=doc("Stable identifier; names the output files."))
    number: int = field(metadata=doc("Annex number.", minimum=1))
    title: Text = field(metadata=doc("Annex title, per language."))
    summary: Optional[Text] = field(default=None, metadata=doc("One-sentence summary, per language."))
    body: Markdown = field(metadata=doc("The annex text in Markdown, per language."))
    fields: list[FormItem] = field(default_factory=list, metadata=doc("Optional fields to fill in (e.g. a rated checklist)."))
    pos: Optional[Pos] = None

    def input_fields(self) -> list:
        return [f for f in self.fields if isinstance(f, FIELD_CLASSES)]


@dataclass(kw_only=True)
class Step:
    id: Ident = field(metadata=doc("Stable identifier, unique in the workshop."))
    title: Text = field(metadata=doc("Step title, per language."))
    minutes: int = field(metadata=doc("Planned duration in minutes.", minimum=1))
    participant: Markdown = field(metadata=doc("What participants read and do, per language."))
    questions: list[Text] = field(default_factory=list, metadata=doc("Questions participants discuss in this step."))
    facilitator: Markdown = field(metadata=doc("Notes for the facilitator, per language."))
    key_points: list[Text] = field(default_factory=list, metadata=doc("Points a good answer covers (facilitator only)."))
    with_previous: bool = field(default=False, metadata=doc(
        "True when this step runs at the same time as the one before (e.g. two groups working in parallel)."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Workshop:
    id: Ident = field(metadata=doc("Stable identifier; names the output files."))
    title: Text = field(metadata=doc("Workshop title, per language."))
    summary: Markdown = field(metadata=doc("What the workshop is about, per language."))
    duration_minutes: int = field(metadata=doc("Total duration in minutes.", minimum=1))
    group_size: Text = field(metadata=doc("How many people, in what groups, per language."))
    objectives: list[Text] = field(metadata=doc("What participants will be able to do.", min_items=1))
    materials: list[Text] = field(default_factory=list, metadata=doc("What to bring or prepare."))
    steps: list[Step] = field(metadata=doc("Timed steps, in order.", min_items=1))
    facilitator_notes: Markdown = field(metadata=doc("General notes for the facilitator, per language."))
    pos: Optional[Pos] = None

    def timeline(self) -> list[tuple[int, "Step"]]:
        """Each step with its start, in minutes from the beginning; a step
        `with_previous` starts with the step before it."""
        out, start, last_start = [], 0, 0
        for step in self.steps:
            if step.with_previous:
                out.append((last_start, step))
                start = max(start, last_start + step.minutes)
            else:
                last_start = start
                out.append((start, step))
                start += step.minutes
        return out

    def planned_minutes(self) -> int:
        return max((s + step.minutes for s, step in self.timeline()), default=0)


@dataclass(kw_only=True)
class Flashcard:
    id: Ident = field(metadata=doc("Stable identifier."))
    question: Text = field(metadata=doc("The question (front of the card), per language."))
    answer: Markdown = field(metadata=doc("The answer (back of the card), per language."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Flashcards:
    title: Text = field(metadata=doc("Title of the self-quiz, per language."))
    intro: Markdown = field(metadata=doc("How to use the cards, per language."))
    cards: list[Flashcard] = field(metadata=doc("Question and answer cards.", min_items=1))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Term:
    id: Ident = field(metadata=doc("Stable identifier."))
    term: Text = field(metadata=doc("The term, per language."))
    definition: Markdown = field(metadata=doc("Its definition, per language."))
    pos: Optional[Pos] = None


@dataclass(kw_only=True)
class Glossary:
    title: Text = field(metadata=doc("Title of the glossary, per language."))
    terms: list[Term] = field(metadata=doc("The terms.", min_items=1))
    pos: Optional[Pos] = None


# --------------------------------------------------------------------------
# The whole model


@dataclass(kw_only=True)
class Model:
    root: str
    programme: Programme
    home: Home
    chapters: list[Chapter]
    forms: list[Form]
    annexes: list[Annex]
    workshops: list[Workshop]
    flashcards: Optional[Flashcards]
    glossary: Optional[Glossary]
    strings: dict[str, Text] = field(default_factory=dict)  # interface text, templates/strings.yml
    source_files: list[str] = field(default_factory=list)
    # What `check` says but does not refuse (dyade.errors.Problem: path:line:col — how to fix).
    warnings: list = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        return list(self.programme.languages)

    def ui(self, key: str, lang: str) -> str:
        """Interface text (button labels, running heads) in `lang`."""
        return self.strings[key][lang]

    def count(self, key: str, n: int, lang: str) -> str:
        """`n` things as `lang` writes it: "1 chapitre", "0 chapitre",
        "0 chapters".  The interface text `key` is "singular|plural" with
        {n}; `singular_numbers` lists the counts the singular is used for
        (French: 0 and 1; English: 1)."""
        forms = self.ui(key, lang).split("|")
        singular = str(n) in self.ui("singular_numbers", lang).split()
        return (forms[0] if singular or len(forms) == 1 else forms[1]).strip().format(n=n)

    def long_date(self, day: _dt.date, lang: str) -> str:
        """A date in words, as every output writes it: "1er septembre 2026",
        "September 1, 2026"."""
        month = self.ui("month_names", lang).split()[day.month - 1]
        number = self.ui("first_day", lang) if day.day == 1 else str(day.day)
        return self.ui("long_date", lang).format(day=number, month=month, year=day.year)

    def number(self, value: float, lang: str) -> str:
        """A number as `lang` writes it: "2,5" in French, "2.5" in English."""
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
        return text.replace(".", self.ui("site_decimal_mark", lang))

    def number_range(self, f: NumberField, lang: str) -> Optional[str]:
        """"A number from 0 to 20" (or at least, at most), None without bounds."""
        if f.min is not None and f.max is not None:
            key = "number_between"
        elif f.min is not None:
            key = "number_at_least"
        elif f.max is not None:
            key = "number_at_most"
        else:
            return None
        bounds = {"min": self.number(f.min, lang) if f.min is not None else "",
                  "max": self.number(f.max, lang) if f.max is not None else ""}
        return self.ui(key, lang).format(**bounds)

    def find(self, kind: str, ident: str):
        """The item a reference `kind:ident` points to, or None."""
        pools = {"chapter": self.chapters, "form": self.forms, "annex": self.annexes,
                 "workshop": self.workshops,
                 "glossary": self.glossary.terms if self.glossary else []}
        for item in pools.get(kind, []):
            if item.id == ident:
                return item
        return None


# Which file holds which root class: used by the reader and the schema.
FILE_KINDS = {
    "programme": Programme,
    "home": Home,
    "chapter": Chapter,
    "form": Form,
    "annex": Annex,
    "workshop": Workshop,
    "flashcards": Flashcards,
    "glossary": Glossary,
}
