"""PDF handouts (issue 5): every PDF exists, shows its titles, headings and
form labels, declares PDF/A-2b and PDF/UA-1 with a title and a language,
embeds its fonts; the guide has bookmarks and internal links; flashcards
print each answer behind its question; author text is printed literally;
builds are byte-identical."""
from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import run_dyade
from dyade import document, layout
from dyade import model as m
from dyade.writers import pdf as pdfwriter

NNBSP = "\u202f"
NBSP = "\u00a0"


# -- helpers -------------------------------------------------------------------

def pdf_outputs(model):
    return [o for o in layout.outputs(model) if o.format == "pdf"]


def squash(text: str) -> str:
    """Text compared without spaces, hyphens or quote styles: line breaks,
    hyphenation and typographic apostrophes do not count."""
    text = text.replace("’", "'").replace("\u00ad", "")
    text = re.sub("[“”«»]", '"', text)
    return re.sub(r"[\s\-‐–—]+", "", text).casefold()


_TEXT_CACHE: dict[Path, str] = {}


def pdf_text(path: Path) -> str:
    if path not in _TEXT_CACHE:
        if shutil.which("pdftotext"):
            out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
            _TEXT_CACHE[path] = out.stdout.decode("utf-8")
        else:
            _TEXT_CACHE[path] = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
    return _TEXT_CACHE[path]


def assert_contains(path: Path, expected: list[str]) -> None:
    text = squash(pdf_text(path))
    missing = [e for e in expected if e and squash(e) not in text]
    assert not missing, f"{path.name} lacks {missing[:5]}"


def field_texts(item, lang: str) -> list[str]:
    """Every label a printed form shows for a field (or heading)."""
    if isinstance(item, m.Heading):
        return [item.text[lang]]
    if isinstance(item, m.Instructions):
        return []
    out = [item.label[lang]]
    if isinstance(item, m.ChoiceField):
        out += [o.label[lang] for o in item.options]
    if isinstance(item, m.ChecklistField):
        out += [o.label[lang] for o in item.items]
    if isinstance(item, m.RatingField):
        out += [x[lang] for x in (item.low, item.high) if x]
    if isinstance(item, m.TableField):
        for col in item.columns:
            out.append(col.label[lang])
            if isinstance(col, m.ChoiceField):
                out += [o.label[lang] for o in col.options]
    return out


def outline_titles(reader: PdfReader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)
    walk(reader.outline)
    return titles


def dist(built: Path, lang: str) -> Path:
    return built / "dist" / lang


# -- every PDF -----------------------------------------------------------------

def test_every_pdf_is_made_in_every_language(built, model):
    for lang in model.languages:
        for out in pdf_outputs(model):
            path = dist(built, lang) / out.path
            assert path.is_file(), path
            assert path.read_bytes().startswith(b"%PDF-")
            assert len(PdfReader(path).pages) >= 1


def test_pdfs_declare_pdfa_and_pdfua_with_title_and_language(built, model):
    for lang in model.languages:
        for out in pdf_outputs(model):
            reader = PdfReader(dist(built, lang) / out.path)
            xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
            assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp, out.path
            assert "<pdfuaid:part>1</pdfuaid:part>" in xmp, out.path
            root = reader.trailer["/Root"]
            assert root["/Lang"] == lang, out.path
            assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root, out.path
            assert root["/ViewerPreferences"].get("/DisplayDocTitle"), out.path
            title = reader.metadata.title
            assert title and title.strip(), out.path
            assert f"<rdf:li xml:lang=\"x-default\">{title}</rdf:li>" in xmp.replace("&amp;", "&")
            assert f"<rdf:li>{lang}</rdf:li>" in xmp


def test_fonts_are_embedded(built, model):
    for lang in model.languages:
        for out in pdf_outputs(model):
            reader = PdfReader(dist(built, lang) / out.path)
            seen = 0
            for page in reader.pages:
                fonts = page["/Resources"].get("/Font") or {}
                for font in fonts.values():
                    font = font.get_object()
                    descendants = font.get("/DescendantFonts")
                    desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
                    assert desc is not None, (out.path, font.get("/BaseFont"))
                    desc = desc.get_object()
                    assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), (out.path, font["/BaseFont"])
                    seen += 1
            assert seen, f"{out.path} has no text"


def test_page_size_follows_the_programme(built, model):
    expected = {"letter": (612, 792), "a4": (595, 842)}[model.programme.page_size]
    for lang in model.languages:
        for out in pdf_outputs(model):
            for page in PdfReader(dist(built, lang) / out.path).pages:
                box = page.mediabox
                size = sorted((round(float(box.width)), round(float(box.height))))
                assert tuple(size) == expected, (out.path, size)


def test_second_build_is_byte_identical_and_warning_free(built, model, tmp_path):
    """Same sources, another run (another temporary folder): same bytes;
    and typst reports no warning (such as content it had to drop)."""
    from dyade.state import source_epoch

    (tmp_path / "dist").mkdir()
    messages: list[str] = []
    # The build dates the documents by the sources' last change; same date here.
    pdfwriter.write(model, tmp_path, messages.append, epoch=source_epoch(built))
    assert not [msg for msg in messages if "warning" in msg.lower()], messages
    for lang in model.languages:
        for out in pdf_outputs(model):
            first = (dist(built, lang) / out.path).read_bytes()
            second = (tmp_path / "dist" / lang / out.path).read_bytes()
            assert first == second, f"{lang}/{out.path} differs between two builds"


def test_creation_date_is_fixed(model, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    start = model.programme.start
    stamp = pdfwriter.creation_timestamp(model)
    assert stamp % 86400 == 0 and stamp // 86400 == (start - start.__class__(1970, 1, 1)).days
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert pdfwriter.creation_timestamp(model) == 1700000000


# -- the guide -----------------------------------------------------------------

def test_guide_shows_cover_contents_and_every_heading(built, model):
    for lang in model.languages:
        path = dist(built, lang) / "guide.pdf"
        prog = model.programme
        cover = pdf_text_page(path, 0)
        for text in (prog.title[lang], prog.organisation.name[lang], str(prog.start.year), str(prog.end.year)):
            assert squash(text) in squash(cover), text
        expected = [model.ui("contents", lang), model.ui("forms", lang), model.ui("annexes", lang)]
        for ch in model.chapters:
            expected.append(ch.title[lang])
            expected += [s.title[lang] for s in ch.sections]
        for form in model.forms:
            expected.append(form.title[lang])
            for item in form.fields:
                expected += field_texts(item, lang)
        for annex in model.annexes:
            expected.append(annex.title[lang])
        if model.glossary:
            expected += [model.glossary.title[lang]] + [t.term[lang] for t in model.glossary.terms]
        assert_contains(path, expected)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    if shutil.which("pdftotext"):
        return pdf_text(path).split("\f")[:-1]
    return [p.extract_text() or "" for p in PdfReader(path).pages]


def pdf_text_page(path: Path, index: int) -> str:
    return pdf_pages(path)[index]


def test_guide_has_numbered_pages_and_running_headers(built, model):
    for lang in model.languages:
        path = dist(built, lang) / "guide.pdf"
        reader = PdfReader(path)
        total = len(reader.pages)
        assert total > 20
        texts = [squash(t) for t in pdf_pages(path)]
        assert len(texts) == total
        for i in range(1, total):   # the cover has neither header nor footer
            assert squash(model.ui("page_x_of_y", lang).format(page=i + 1, pages=total)) in texts[i], f"page {i + 1}"
            assert squash(model.programme.title[lang]) in texts[i], f"page {i + 1} has no running header"
        # Pages after a chapter's first page carry its title in the header.
        starts = {}
        for item in reader.outline:
            if not isinstance(item, list):
                starts[squash(item.title)] = reader.get_destination_page_number(item)
        ordered = sorted(starts.values())
        checked = 0
        for ch in model.chapters:
            key = next(k for k in starts if squash(ch.title[lang]) in k)
            first = starts[key]
            following = [p for p in ordered if p > first]
            end = following[0] if following else total
            for page in range(first + 1, end):
                assert squash(ch.title[lang]) in texts[page], f"page {page + 1} lacks the header {ch.title[lang]!r}"
                checked += 1
        assert checked, "no chapter spans two pages: the running header was not checked"


def test_guide_bookmarks_every_chapter_form_and_annex(built, model):
    for lang in model.languages:
        titles = [squash(t) for t in outline_titles(PdfReader(dist(built, lang) / "guide.pdf"))]
        wanted = [ch.title[lang] for ch in model.chapters] + [f.title[lang] for f in model.forms] \
            + [a.title[lang] for a in model.annexes]
        for title in wanted:
            assert any(squash(title) in t for t in titles), f"no bookmark for {title!r}"


def _link_targets(path: Path) -> list[str]:
    targets = []
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and isinstance(annot.get("/Dest"), str):
                targets.append(str(annot["/Dest"]))
    return targets


def test_guide_cross_references_are_internal_links(built, model):
    for lang in model.languages:
        path = dist(built, lang) / "guide.pdf"
        reader = PdfReader(path)
        named = set(reader.named_destinations)
        targets = _link_targets(path)
        assert targets and set(targets) <= named, set(targets) - named
        kinds = {t.split("-")[0] for t in targets}
        # The bundled guide links to forms, annexes, chapters, sections, glossary terms and
        # the programme calendar (home:#calendar).
        assert {"form", "annex", "chapter", "section", "glossary", "calendar"} <= kinds, kinds
        # Workshops are not in the guide: links to them are plain text.
        assert not any(t.startswith("workshop-") for t in targets)


def test_standalone_documents_have_no_dangling_links(built, model):
    for lang in model.languages:
        for out in pdf_outputs(model):
            path = dist(built, lang) / out.path
            named = set(PdfReader(path).named_destinations)
            assert set(_link_targets(path)) <= named, out.path


def test_french_spacing_in_the_french_guide(built, model):
    if "fr" not in model.languages:
        pytest.skip("no French")
    reader = PdfReader(dist(built, "fr") / "guide.pdf")
    text = "".join((p.extract_text() or "") for p in reader.pages[4:12])
    assert NBSP + ":" in text and NNBSP + "?" in text
    assert not re.search(r"\w [;:!?]", text), re.search(r".{20}\w [;:!?].{5}", text)
    english = "".join((p.extract_text() or "") for p in PdfReader(dist(built, "en") / "guide.pdf").pages[4:12])
    assert NBSP + ":" not in english and NNBSP + "?" not in english


# -- forms, annexes, workshops, flashcards ---------------------------------------

def test_each_form_pdf_shows_its_title_and_every_label(built, model):
    for lang in model.languages:
        for form in model.forms:
            path = dist(built, lang) / f"forms/{form.id}.pdf"
            expected = [form.title[lang], form.who[lang], form.when[lang], model.ui("form", lang)]
            for item in form.fields:
                expected += field_texts(item, lang)
                if isinstance(item, m.SignatureField):
                    expected += [model.ui("name", lang), model.ui("signature", lang), model.ui("date", lang)]
            assert_contains(path, expected)
            assert len(PdfReader(path).pages) <= 6


def test_rating_scales_print_every_point(built, model):
    for lang in model.languages:
        for form in model.forms:
            ratings = [f for f in form.input_fields() if isinstance(f, m.RatingField)]
            if ratings:
                text = pdf_text(dist(built, lang) / f"forms/{form.id}.pdf")
                top = max(r.scale for r in ratings)
                assert re.search(r"\b1\s+2\s+3", text) and str(top) in text


def test_annex_pdfs(built, model):
    for lang in model.languages:
        for annex in model.annexes:
            path = dist(built, lang) / f"annexes/{annex.id}.pdf"
            expected = [annex.title[lang]]
            for item in annex.fields:
                expected += field_texts(item, lang)
            assert_contains(path, expected)


def test_workshop_sheets_split_participant_and_facilitator_text(built, model):
    for lang in model.languages:
        for w in model.workshops:
            part = dist(built, lang) / f"workshops/{w.id}-participant.pdf"
            faci = dist(built, lang) / f"workshops/{w.id}-facilitator.pdf"
            common = [w.title[lang], *(o[lang] for o in w.objectives), *(s.title[lang] for s in w.steps)]
            assert_contains(part, common + [model.ui("participant_sheet", lang)]
                            + [q[lang] for s in w.steps for q in s.questions])
            key_points = [k[lang] for s in w.steps for k in s.key_points]
            assert_contains(faci, common + [model.ui("facilitator_sheet", lang)] + key_points
                            + [x[lang] for x in w.materials])
            text = squash(pdf_text(part))
            assert not [k for k in key_points if squash(k) in text], "key points belong to the facilitator only"


def test_trainer_pack_bundles_both_workshops_and_the_flashcards(built, model):
    for lang in model.languages:
        path = dist(built, lang) / "trainer-pack.pdf"
        reader = PdfReader(path)
        assert len(reader.pages) >= 2 + 2 * len(model.workshops) + (4 if model.flashcards else 0)
        expected = [w.title[lang] for w in model.workshops]
        expected += [s.title[lang] for w in model.workshops for s in w.steps]
        expected += [k[lang] for w in model.workshops for s in w.steps for k in s.key_points]
        if model.flashcards:
            expected += [c.question[lang] for c in model.flashcards.cards]
        assert_contains(path, expected)
        titles = [squash(t) for t in outline_titles(reader)]
        for w in model.workshops:
            assert any(squash(w.title[lang]) in t for t in titles)


def _card_labels(path: Path, total: int) -> dict[int, dict[int, tuple[float, float]]]:
    """For each page, where each card's "n / total" label is (x, y of the '/')."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout.decode()
    pages: dict[int, dict[int, tuple[float, float]]] = {}
    for index, page in enumerate(out.split("<page ")[1:]):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)
        found = {}
        for i in range(len(words) - 2):
            if words[i + 1][4] == "/" and words[i + 2][4] == str(total) and words[i][4].isdigit():
                found[int(words[i][4])] = (float(words[i + 1][0]), float(words[i + 1][1]))
        pages[index] = found
    return pages


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext -bbox")
def test_flashcard_answers_print_behind_their_questions(built, model):
    if not model.flashcards:
        pytest.skip("no flashcards")
    cards = model.flashcards.cards
    n = len(cards)
    for lang in model.languages:
        path = dist(built, lang) / "flashcards.pdf"
        reader = PdfReader(path)
        width = float(reader.pages[0].mediabox.width)
        sheets = math.ceil(n / 8)
        assert len(reader.pages) == 2 + 2 * sheets   # title page and its blank back, then front/back pairs
        labels = _card_labels(path, n)
        for sheet in range(sheets):
            front, back = labels[2 + 2 * sheet], labels[3 + 2 * sheet]
            assert front and set(front) == set(back)
            for card, (x, y) in front.items():
                bx, by = back[card]
                assert abs(by - y) < 1, f"card {card}: back is not on the same row"
                # Long-edge flip: the back of the left column is the right column.
                assert (x < width / 2) != (bx < width / 2), f"card {card}: back is not mirrored"
            front_text = squash(pdf_text_page(path, 2 + 2 * sheet))
            back_text = squash(pdf_text_page(path, 3 + 2 * sheet))
            for card in cards[sheet * 8:(sheet + 1) * 8]:
                assert squash(card.question[lang]) in front_text
                assert squash(card.question[lang]) not in back_text
        assert_contains(path, [model.flashcards.title[lang], *(c.question[lang] for c in cards)])

        # In the trainer pack too, each front is a recto (odd page) followed by its back.
        if model.workshops:
            pack = _card_labels(dist(built, lang) / "trainer-pack.pdf", n)
            card_pages = sorted(i for i, found in pack.items() if found)
            assert len(card_pages) == 2 * sheets
            for front, back in zip(card_pages[::2], card_pages[1::2]):
                assert front % 2 == 0 and back == front + 1, "fronts must be on odd pages (1-based)"
                assert set(pack[front]) == set(pack[back])


def test_cut_lines_only_around_cards(built, model):
    """The last sheet, not full, has no dashed cut lines around its empty places."""
    n = len(model.flashcards.cards)
    assert n % 8, "the bundled flashcards fill their last sheet: this test needs a partial one"
    reader = PdfReader(dist(built, model.languages[0]) / "flashcards.pdf")

    def segments(page) -> int:
        return len(re.findall(rb"\bl\b", page.get_contents().get_data()))

    full, last = reader.pages[2], reader.pages[-2]
    assert segments(last) * 8 < segments(full) * (n % 8) * 2, (segments(last), segments(full))


# -- layout seen by a trainer who prints ------------------------------------------

def test_addresses_are_never_hyphenated(built, model):
    """An e-mail or web address split by a hyphen at a line end would be
    copied with the hyphen."""
    split = re.compile(r"\S+[\u00ad\u2010-]\n\S*(@|\.org|\.com)")
    for lang in model.languages:
        for out in pdf_outputs(model):
            text = pdf_text(dist(built, lang) / out.path)
            found = split.search(text)
            assert not found, f"{lang}/{out.path}: {found.group(0)!r}"
    email = model.programme.coordinator.email
    assert email in pdf_text(dist(built, model.languages[0]) / "guide.pdf")


def test_plain_texts_have_typographic_quotes(built, model):
    for lang in model.languages:
        for out in pdf_outputs(model):
            text = pdf_text(dist(built, lang) / out.path)
            assert '"' not in text, f"{lang}/{out.path}: {text[text.index(chr(34)) - 30:text.index(chr(34)) + 30]!r}"


def _page_words(path: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, xMax, word) of each word of a page (0-based)."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],
                         capture_output=True, check=True).stdout.decode()
    return [(float(a), float(b), float(c), w) for a, b, c, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext -bbox")
def test_calendar_milestones_are_not_stretched(built, model):
    """The milestone column is narrow: justified, its lines gaped around long
    words ("d'autoévaluation"); it is set ragged right."""
    if not model.programme.calendar:
        pytest.skip("no calendar")
    for lang in model.languages:
        path = dist(built, lang) / "guide.pdf"
        reader = PdfReader(path)
        page = reader.get_destination_page_number(reader.named_destinations["calendar"])
        words = _page_words(path, page)
        column, top = next((x0, y0) for x0, y0, _, w in words if w == model.ui("pdf_milestone", lang).split()[0])
        bottom = float(reader.pages[page].mediabox.height) - 60   # above the footer
        lines: dict[float, list] = {}
        for x0, y0, x1, w in words:
            if x0 >= column - 1 and top <= y0 < bottom:
                lines.setdefault(round(y0), []).append((x0, x1, w))
        for y, line in lines.items():
            line.sort()
            gaps = [(b[0] - a[1], a[2], b[2]) for a, b in zip(line, line[1:])]
            widest = max(gaps, default=(0, "", ""))
            assert widest[0] < 6, f"{lang}: calendar line at y={y} has a {widest[0]:.1f} pt gap {widest[1:]}"


def _page_of(path: Path, text: str) -> int:
    pages = [squash(t) for t in pdf_pages(path)]
    return next(i for i, t in enumerate(pages) if squash(text) in t)


def test_a_landscape_table_shares_its_page_with_its_heading_and_legend(built, model):
    """A table printed on a landscape page of its own takes the heading and
    instructions that introduce it, and fits on that page with its legend."""
    checked = 0
    for lang in model.languages:
        for form in model.forms:
            for path in (dist(built, lang) / f"forms/{form.id}.pdf", dist(built, lang) / "guide.pdf"):
                reader = PdfReader(path)
                start = _page_of(path, form.title[lang])
                for i, f in enumerate(form.fields):
                    if not isinstance(f, m.TableField):
                        continue
                    pages = [squash(t) for t in pdf_pages(path)]
                    page = next(p for p in range(start, len(pages)) if squash(f.label[lang]) in pages[p])
                    box = reader.pages[page].mediabox
                    if float(box.width) < float(box.height):
                        continue   # portrait: in the flow of the form
                    j = i - 1
                    while j >= 0 and isinstance(form.fields[j], m.Instructions):
                        j -= 1
                    if j >= 0 and isinstance(form.fields[j], m.Heading):
                        assert squash(form.fields[j].text[lang]) in pages[page], \
                            f"{lang}/{path.name}: {form.fields[j].text[lang]!r} is not on the page of its table"
                    for col in f.columns:
                        for o in getattr(col, "options", None) or []:
                            assert squash(o.label[lang]) in pages[page], f"{lang}/{path.name}: {o.label[lang]!r} spills over"
                    checked += 1
    assert checked, "no landscape table was checked"


def test_signatures_of_a_form_stay_on_one_page(built, model):
    checked = 0
    for lang in model.languages:
        for form in model.forms:
            for path in (dist(built, lang) / f"forms/{form.id}.pdf", dist(built, lang) / "guide.pdf"):
                pages = [squash(t) for t in pdf_pages(path)]
                start = _page_of(path, form.title[lang])
                for a, b in zip(form.fields, form.fields[1:]):
                    if isinstance(a, m.SignatureField) and isinstance(b, m.SignatureField):
                        page = next(p for p in range(start, len(pages)) if squash(b.label[lang]) in pages[p])
                        assert squash(a.label[lang]) in pages[page], f"{lang}/{path.name}: {a.label[lang]!r} and " \
                            f"{b.label[lang]!r} are on different pages"
                        checked += 1
    assert checked


def test_french_workshop_times_are_written_the_french_way(built, model):
    if "fr" not in model.languages or not model.workshops:
        pytest.skip("no French workshop")
    for w in model.workshops:
        text = pdf_text(dist(built, "fr") / f"workshops/{w.id}-facilitator.pdf")
        assert re.search(r"\b0\s*h\s*00\s*–", text) and not re.search(r"\b\d:\d\d\b", text), w.id
        assert re.search(r"\b0:00–", pdf_text(dist(built, "en") / f"workshops/{w.id}-facilitator.pdf"))


# -- typography and escaping (unit level) ------------------------------------------

@pytest.mark.parametrize("raw, lang, expected", [
    ('Where does the word "mentor" come from?', "en", "Where does the word “mentor” come from?"),
    ('D\'où vient le mot "mentor" ?', "fr", f"D’où vient le mot «{NBSP}mentor{NBSP}»{NNBSP}?"),
    ('#read("/etc/passwd") x = ""', "en", '#read("/etc/passwd") x = ""'),
])
def test_plain_text_quotes(raw, lang, expected):
    assert document.Document(None, lang, {}).plain(raw) == expected


def test_french_quotes_and_spacing_in_markdown():
    batch = pdfwriter.MarkdownBatch()
    fr = batch.add(m.Markdown(values={"fr": 'Il dit "oui" : **bien** ! Voir https://example.org/?q=1 à 10:30.'}), "fr")
    en = batch.add(m.Markdown(values={"en": 'He says "yes": **good**! See https://example.org/?q=1 at 10:30.'}), "en")
    batch.convert(1)
    assert "«~oui~»~:" in batch.typst[fr]  # typst writes a no-break space as ~
    assert f"{NNBSP}!" in batch.typst[fr] and "10:30" in batch.typst[fr] and "/?q=1" in batch.typst[fr].replace("\\", "")
    assert NNBSP not in batch.typst[en]


def test_markdown_cannot_run_typst_code(tmp_path):
    """Markdown is converted by pandoc, which escapes typst syntax; raw blocks,
    HTML, math and images are not let through."""
    hostile = ('#set page(width: 1cm) $x^2$ #read("/etc/passwd") <b>html</b> @cite a_b_c\n\n'
               '```{=typst}\n#set text(red)\n```\n\n![alt text](content/assets/logo.png) '
               '[a form](form:intake) [a site](https://example.org)')
    batch = pdfwriter.MarkdownBatch()
    key = batch.add(m.Markdown(values={"en": hostile}), "en")
    batch.convert(1)
    assert "image(" not in batch.typst[key]
    for name in pdfwriter.TEMPLATE_FILES:
        shutil.copy(pdfwriter.TEMPLATE_DIR / name, tmp_path / name)
    (tmp_path / "md.typ").write_text(pdfwriter.md_module([key], batch, set()), encoding="utf-8")
    (tmp_path / "main.typ").write_text('#import "md.typ": md\n#set document(title: "t")\n#md.at("%s")\n' % key,
                                       encoding="utf-8")
    import typst
    (tmp_path / "out.pdf").write_bytes(typst.compile(str(tmp_path / "main.typ"), root=str(tmp_path),
                                                     pdf_standards=pdfwriter.PDF_STANDARDS))
    reader = PdfReader(tmp_path / "out.pdf")
    # Markdown has smart quotes: "x" prints as “x”.
    text = re.sub(r"\s+", " ", pdf_text(tmp_path / "out.pdf")).replace("“", '"').replace("”", '"')
    for literal in ('#set page(width: 1cm) $x^2$ #read("/etc/passwd") <b>html</b> @cite a_b_c',
                    "#set text(red)", "alt text", "a form", "a site"):
        assert literal in text, literal
    assert round(float(reader.pages[0].mediabox.width)) > 500   # the page was not resized
    # The form is not in this document: its link is plain text; the web link stays.
    links = [a.get_object() for a in reader.pages[0].get("/Annots") or []]
    assert [a["/A"]["/URI"] for a in links] == ["https://example.org"]


# -- a modified project ------------------------------------------------------------

HOSTILE = '#set text(fill: red) #read("/etc/passwd") $x^2$ *bold* _it_ <lbl> @ref \\ [x] ` ~ //'


def test_author_syntax_is_printed_verbatim_and_a4_is_honoured(project):
    """Typst and Markdown syntax typed in plain text fields is printed as typed;
    Markdown fields are Markdown; the paper size comes from programme.yml."""
    prog = project / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("page_size: letter", "page_size: a4"), encoding="utf-8")
    form_file = next((project / "forms").glob("*-self-assessment.yml"))
    text = form_file.read_text(encoding="utf-8")
    yaml_value = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    # The first field label (a Text) becomes the hostile string in both languages.
    label_en = re.search(r"\n    label:\n      fr: (.*)\n      en: (.*)\n", text)
    text = text.replace(label_en.group(0), f'\n    label:\n      fr: "{yaml_value}"\n      en: "{yaml_value}"\n', 1)
    # The purpose (Markdown) gets typst code that must not run either.
    text = re.sub(r"purpose:\n  fr: \|\n", 'purpose:\n  fr: |\n    #set page(width: 2cm) $y$ Prix : 5 $.\n', text, count=1)
    form_file.write_text(text, encoding="utf-8")

    result = run_dyade(project, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    nospace = lambda t: re.sub(r"\s+", "", t.replace(NNBSP, ""))
    for lang in ("fr", "en"):
        for path in (project / "dist" / lang / "forms" / "self-assessment.pdf", project / "dist" / lang / "guide.pdf"):
            assert nospace(HOSTILE) in nospace(pdf_text(path)), f"{lang}/{path.name}: the label is not printed verbatim"
            reader = PdfReader(path)
            size = sorted((round(float(reader.pages[1].mediabox.width)), round(float(reader.pages[1].mediabox.height))))
            assert size == [595, 842]
    fr_form = nospace(pdf_text(project / "dist" / "fr" / "forms" / "self-assessment.pdf"))
    assert nospace("#set page(width: 2cm) $y$") in fr_form


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_page_of_the_chapters_holds_only_a_chapter_tail(built, lang):
    # A chapter starts below the previous one when a quarter of the page is
    # left: no page of the chapters (up to the glossary) holds only the few
    # last lines of one, and the glossary follows the last chapter the same way.
    guide = built / "dist" / lang / "guide.pdf"
    pages = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(guide), "-"],
                            capture_output=True, text=True, check=True).stdout
             for n in range(1, len(PdfReader(guide).pages) + 1)]
    glossary = next(i for i, text in enumerate(pages) if re.search(r"^\s*(Glossaire|Glossary)\s*$", text, re.M))
    first_chapter = next(i for i, text in enumerate(pages) if re.search(r"^\s*(CHAPITRE|CHAPTER) 1\s*$", text, re.M))
    for number in range(first_chapter, glossary):
        # lines with words, the running head and the footer left out
        body = [line for line in pages[number].splitlines() if re.search(r"\w", line)][1:-1]
        assert len(body) >= 8, f"{lang} guide, page {number + 1}: only {len(body)} lines"
