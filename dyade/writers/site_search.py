"""The website's search index: Pagefind, run on each language's built site.

Material's own search downloads the whole lunr index of a language on the
first search (about 10 times more for a programme 10 times larger) and
builds it on the reader's device.  Pagefind's index is cut into fragments:
a search fetches the runtime, the index chunks of its words and the
excerpts of the pages it shows, so what it costs grows slowly with the
site.  Each language's site gets its own index (results never come from
another language); Pagefind stems the languages it knows and merges
accents ("confidentialite" finds "confidentialité").

Pagefind reads copies of the pages, prepared for it in the staging folder
(the pages served stay as mkdocs wrote them):
- only the article is indexed, not the navigation that every page repeats;
- a space ends every cell, list item, option, label…, so that the words of
  two cells are never indexed glued together ("ÉchéanceIndicateurs");
- typographic apostrophes are indexed as straight ones, so an elided word
  ("d’apprentissage") is found as "apprentissage";
- field labels, table headers and captions weigh like a sub-heading, so a
  form's page comes first for its own field labels; labels become spans,
  as Pagefind leaves out every <label> (and so every option of a choice).

Pagefind forgives no typo: the words of each language (`search/words.txt`,
most frequent first) let the browser correct a word of five letters or
more that no page holds into one at one edit from it
(`assets/javascripts/workers/dyade-search.js`).  Material's lunr index
(`search/search_index.json`) keeps only its configuration, which the theme
still reads.
"""
from __future__ import annotations

import collections
import html
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from ..errors import BuildError

BUNDLE = "pagefind"        # in each language's site: Pagefind's runtime and index
WORDS = "search/words.txt"  # in each language's site: its words, for typo correction
LUNR_INDEX = "search/search_index.json"
# Pagefind writes ready-made interfaces besides its runtime; the site uses
# its own (the theme's search box).  Of its engines (wasm.<language>.pagefind,
# wasm.unknown.pagefind for a language it has no stemmer for) only the one
# its entry file names is kept.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
          "pagefind-worker.js")
# Not words of the page: permalink signs, download buttons.
IGNORED = "a.headerlink, .dyade-buttons"
LABEL_WEIGHT = 5           # as much as an <h3> (Pagefind: h1 7 … h6 2, text 1)
WORD_MIN = 4               # a typo in a word of 5 letters may be one letter too many

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')
_BLOCK_END = re.compile(r"(</(?:th|td|li|dt|dd|option|caption|legend|p|h[1-6]|summary|tr|div|"
                        r"figcaption|blockquote|pre)>)")
_LABEL = re.compile(r"<label\b[^>]*>")
_WEIGHTED = re.compile(r"<(legend|th|caption)\b")
_ARTICLE_TEXT = re.compile(r"<article\b.*?</article>", re.S)
_UNINDEXED = re.compile(r'<a class="headerlink"[^>]*>.*?</a>|<p class="dyade-buttons">.*?</p>|'
                        r"<(script|style)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W\d_]+")


def pagefind_binary() -> Path:
    try:
        import pagefind_bin
        return Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError) as exc:
        raise BuildError(f"search index: Pagefind is missing ({exc}) — install Dyade again: "
                         "pip install -e .") from None


def for_index(page: str) -> str:
    """A built page as Pagefind should read it (see the module's docstring)."""
    page = _ARTICLE.sub(lambda m: m.group(0) + " data-pagefind-body", page, count=1)
    page = _BLOCK_END.sub(r" \1", page)
    # Pagefind splits "d'apprentissage" at a straight apostrophe only: the
    # typographic one the pages print would glue the elided article to the word.
    page = page.replace("’", "'")
    page = _LABEL.sub(f'<span data-pagefind-weight="{LABEL_WEIGHT}">', page).replace("</label>", " </span>")
    return _WEIGHTED.sub(lambda m: f'<{m.group(1)} data-pagefind-weight="{LABEL_WEIGHT}"', page)


def plain(word: str) -> str:
    """Lower case, without accents: how the browser compares words too."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(pages: list[str]) -> list[str]:
    """The words of the pages' articles, of WORD_MIN letters or more, as
    `plain` makes them, most frequent first (then in alphabetical order)."""
    counts: collections.Counter[str] = collections.Counter()
    for page in pages:
        for article in _ARTICLE_TEXT.findall(page):
            text = html.unescape(_TAG.sub(" ", _UNINDEXED.sub(" ", article)))
            counts.update(w for w in _WORD.findall(plain(text)) if len(w) >= WORD_MIN)
    return sorted(counts, key=lambda w: (-counts[w], w))


def index_site(site: Path, scratch: Path) -> None:
    """Give the built site of one language (`site`, in the staging folder)
    its search: Pagefind's bundle, the word list, the emptied lunr index.
    `scratch` is a folder of the staging area for the prepared pages."""
    shutil.rmtree(scratch, ignore_errors=True)
    pages = []
    for source in sorted(site.rglob("index.html")):  # every page; not 404.html, which no search should offer
        rel = source.relative_to(site)
        text = source.read_text(encoding="utf-8")
        pages.append(text)
        target = scratch / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(for_index(text), encoding="utf-8")
    bundle = site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    result = subprocess.run([str(pagefind_binary()), "--site", str(scratch), "--output-path", str(bundle),
                             "--exclude-selectors", IGNORED, "--silent"],
                            capture_output=True, text=True)
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        said = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError(f"search index: Pagefind failed on {site.name} ({said[-1] if said else result.returncode})"
                         " — run the build again; if it fails again, install Dyade again: pip install -e .")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    languages = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
    # (no stemmer: the entry names no engine, and the runtime loads "unknown")
    engines = {f"wasm.{language.get('wasm') or 'unknown'}.pagefind" for language in languages.values()}
    for engine in bundle.glob("wasm.*.pagefind"):
        if engine.name not in engines:
            engine.unlink()
    (site / WORDS).parent.mkdir(parents=True, exist_ok=True)
    (site / WORDS).write_text("\n".join(words(pages)) + "\n", encoding="utf-8")
    lunr = site / LUNR_INDEX
    config = json.loads(lunr.read_text(encoding="utf-8"))["config"] if lunr.is_file() else {}
    # The theme fetches this file on every page and reads its configuration
    # (the separator of words, for highlighting); Pagefind does the search.
    # Its language is the pages' own (lunr's fell back to English for a
    # language lunr lacks): the worker drops elisions and common words by it.
    config["lang"] = sorted(languages)
    lunr.parent.mkdir(parents=True, exist_ok=True)
    lunr.write_text(json.dumps({"config": config, "docs": []}, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
