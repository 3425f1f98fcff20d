"""The resolved document: the one layer every writer reads between the
model and its own format.

    doc = document.of(model, "fr")
    doc.tree(chapter.body)          # pandoc's tree of a Markdown text
    doc.plain(form.title)           # a plain text as printed in French
    doc.numbered("form", form)      # "Formulaire 3 – Plan d’apprentissage"

For each language of the model, a `Document` holds
- the tree of every Markdown text of the model in that language (see
  `dyade.markdown`): the texts of all languages are parsed once per build,
  in one pandoc run (or read from the cache), before the workers are forked,
  so every writer renders the same tree and none parses Markdown itself;
- the texts as printed: the language's typography (`dyade.typography`) on
  plain texts and interface strings;
- what is derived the same way for every output: numbered titles of forms
  and annexes, what a reference is called, the glossary in the language's
  dictionary order.

The placeholders ({org}, {org:du}) are already filled and the references
checked by the reader (`dyade.sources`).  A writer only chooses the dash
of its titles (the PDF sets them with an em dash, the site and the DOCX
with a spaced en dash) and turns the rest into its format.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import markdown, typography
from . import model as m

EN_DASH = "–"


@dataclass
class Document:
    model: Optional[m.Model]  # None: texts made up outside a model (tests)
    lang: str
    trees: dict[str, list]  # a Markdown text in this language -> its blocks

    # -- Markdown -------------------------------------------------------------
    def tree(self, text: m.Markdown | str) -> list:
        """The blocks of a Markdown text (of the model, or one a writer or a
        test makes up: that one is parsed on first use)."""
        value = text if isinstance(text, str) else text[self.lang]
        found = self.trees.get(value)
        if found is None:
            found = self.trees[value] = markdown.parse([(self.lang, value)], cache_dir(self.model))[0]
        return found

    # -- plain texts ------------------------------------------------------------
    def value(self, text: m.Text | str | None) -> str:
        """A text in this language, as written."""
        if text is None:
            return ""
        return text if isinstance(text, str) else text[self.lang]

    def plain(self, text: m.Text | str | None) -> str:
        """A plain (not Markdown) text as printed: curly apostrophes, the
        language's quotes and spacing (`typography.plain`)."""
        return typography.plain(self.value(text), self.lang)

    def spaced(self, text: str) -> str:
        """Words taken from a tree, whose quotes are already typographic:
        only the language's spacing."""
        return typography.spacing(text, self.lang)

    def ui(self, key: str, **values) -> str:
        """An interface string as printed, its {placeholders} filled."""
        text = self.model.ui(key, self.lang)
        return self.plain(text.format(**values) if values else text)

    def with_colon(self, key: str, colon_key: str = "site_colon") -> str:
        """"Who fills it in:", with the language's space before the colon."""
        return self.plain(self.model.ui(key, self.lang) + self.model.ui(colon_key, self.lang))

    # -- titles -------------------------------------------------------------------
    def numbered(self, kind: str, item, dash: str = EN_DASH) -> str:
        """"Form 3 – Learning plan": a form's or an annex's numbered title."""
        return f"{self.ui(kind)} {item.number} {dash} {self.plain(item.title)}"

    def ref_title(self, ref: str, dash: str = EN_DASH) -> str:
        """What a link to a reference (`form:x`, `chapter:y#z`…) is called."""
        kind, _, rest = ref.partition(":")
        ident, _, anchor = rest.partition("#")
        model = self.model
        if kind == "home":
            return self.ui("home")
        if kind == "flashcards":
            return self.plain(model.flashcards.title) if model.flashcards else self.ui("flashcards")
        item = model.find(kind, ident)
        if kind in ("form", "annex"):
            return self.numbered(kind, item, dash)
        if kind == "glossary":
            return self.plain(item.term)
        if kind == "chapter" and anchor:
            section = next(s for s in item.sections if s.id == anchor)
            return f"{self.plain(item.title)} {dash} {self.plain(section.title)}"
        return self.plain(item.title)

    # -- order -----------------------------------------------------------------------
    def glossary_terms(self) -> list:
        """The glossary's terms in this language's dictionary order."""
        if not self.model.glossary:
            return []
        return sorted(self.model.glossary.terms, key=lambda term: sort_key(term.term[self.lang]))


def sort_key(text: str) -> str:
    """Dictionary order that ignores accents and case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def cache_dir(model: m.Model | None) -> Path | None:
    return Path(model.root) / ".dyade" / "cache" if model is not None else None


# The documents of the last model resolved: the build resolves them once in
# the engine's process, and the workers forked after it inherit them.
_resolved: Optional[tuple[m.Model, dict[str, Document]]] = None


def resolve(model: m.Model) -> dict[str, Document]:
    """{language: Document} of `model`, every Markdown text of every
    language parsed in one pandoc run (or read from the cache)."""
    global _resolved
    if _resolved is not None and _resolved[0] is model:
        return _resolved[1]
    pairs = list(dict.fromkeys((lang, text.values[lang]) for text in m.markdown_texts(model)
                               for lang in model.languages if lang in text.values))
    documents = {lang: Document(model, lang, {}) for lang in model.languages}
    for (lang, value), tree in zip(pairs, markdown.parse(pairs, cache_dir(model))):
        documents[lang].trees[value] = tree
    _resolved = (model, documents)
    return documents


def of(model: m.Model, lang: str) -> Document:
    """The document of one language (resolving the model's first, if needed)."""
    documents = resolve(model)
    if lang not in documents:  # a language the model does not declare (a test's): its own
        documents[lang] = Document(model, lang, {})
    return documents[lang]
