"""The search index as built: what Pagefind is given to read, the word list
for typo correction, and what each language's site holds (the browser
tests are in test_search_browser.py)."""
from __future__ import annotations

import json

from dyade.writers import site_search

PAGE = """<html lang="fr"><body><nav>Accueil Guide</nav>
<article class="md-content__inner md-typeset"><h1>Plan<a class="headerlink" href="#x">&para;</a></h1>
<p class="dyade-buttons"><a class="md-button" download href="x.docx">Télécharger</a></p>
<table><caption>Objectifs</caption><tr><th scope="col">Échéance</th><th scope="col">Indicateurs de réussite</th></tr>
<tr><td><select><option>Choisir</option><option>Non commencé</option></select></td></tr></table>
<div class="dyade-field"><label for="field-a">Date de la première version</label></div>
<label><input type="radio"> Aux deux semaines</label>
<ul><li>triade</li><li>Chacun</li></ul></article></body></html>"""


def test_pages_are_given_to_pagefind_with_their_words_apart_and_labels_weighted():
    prepared = site_search.for_index(PAGE)
    assert '<article class="md-content__inner md-typeset" data-pagefind-body>' in prepared
    assert "Échéance </th>" in prepared and "Choisir </option>" in prepared and "triade </li>" in prepared
    # Pagefind leaves out <label>: labels become weighted spans
    assert "<label" not in prepared
    assert prepared.count(f'<span data-pagefind-weight="{site_search.LABEL_WEIGHT}">') == 2
    assert f'<th data-pagefind-weight="{site_search.LABEL_WEIGHT}" scope="col">' in prepared


def test_the_word_list_holds_the_articles_words_without_accents_most_frequent_first():
    words = site_search.words([PAGE, PAGE.replace("Échéance", "Objectifs")])
    assert words[0] == "objectifs"  # three times
    assert "echeance" in words and "premiere" in words and "reussite" in words
    assert "accueil" not in words  # the navigation is not the page's
    assert "telecharger" not in words  # nor the download buttons
    assert all(len(w) >= site_search.WORD_MIN for w in words)


def test_each_language_has_its_own_index_and_the_theme_index_is_empty(built, model):
    for lang in model.languages:
        site = built / "site" / lang
        entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == [lang]
        pages = sum(1 for _ in site.rglob("index.html"))
        assert entry["languages"][lang]["page_count"] == pages
        lunr = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert lunr["docs"] == [] and lunr["config"]["separator"]
        words = (site / "search" / "words.txt").read_text(encoding="utf-8").split()
        assert len(words) > 1000 and ("confidentialite" if lang == "fr" else "confidentiality") in words
        assert not [name for name in site_search.UNUSED if (site / "pagefind" / name).exists()]


def test_a_language_without_a_stemmer_keeps_the_engine_its_index_needs(tmp_path):
    # Swahili: Pagefind has no stemmer for it and uses its "unknown" engine
    site = tmp_path / "sw"
    for path, title in (("", "Karibu"), ("fomu/", "Fomu ya mpango")):
        (site / path).mkdir(parents=True, exist_ok=True)
        (site / path / "index.html").write_text(
            f'<html lang="sw"><body><article class="md-content__inner md-typeset"><h1>{title}</h1>'
            "<p>Mpango wa kujifunza</p></article></body></html>", encoding="utf-8")
    site_search.index_site(site, tmp_path / "prepared")
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language,) = entry["languages"].values()
    assert language["page_count"] == 2
    assert language["wasm"] is None  # no stemmer: Pagefind's runtime then loads its "unknown" engine
    assert [p.name for p in (site / "pagefind").glob("wasm.*")] == ["wasm.unknown.pagefind"]
    config = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]
    assert config["lang"] == ["sw"]  # the worker's elisions and common words follow it
    assert "kujifunza" in (site / "search" / "words.txt").read_text(encoding="utf-8").split()
