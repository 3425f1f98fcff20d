"""`dyade translate export --lang es [--out FILE]` writes every text of the
programme and the interface strings as XLIFF 1.2 for a translator or a
translation tool; `dyade translate import FILE` writes the translations
back into the YAML sources, changing only the lines translated.

Import writes nothing unless every unit is good: a unit is checked by
reading the sources with it as `check` does, and a problem on its lines is
reported where the unit is in the returned file.  A language the programme
does not declare yet is added to `languages` in content/programme.yml."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from .. import safety, sources, translation, xliff
from ..errors import Problem, SourceErrors, UsageError

TAKES_FOLDER = True  # export or import (cli.py names the positional "folder")
TAKES_FILE = True    # import: the XLIFF file
HELP = ("export the texts as XLIFF for translators (translate export --lang es [--out FILE]) and import "
        "their translations (translate import FILE)")
PROGRAMME = "content/programme.yml"


def add_arguments(parser) -> None:
    parser.add_argument("--lang", default=None, metavar="CODE",
                        help="translate export: the language to translate into, e.g. es")


def run(args, root: Path, log) -> int:
    action = args.folder
    if action == "export":
        if args.file is not None:
            raise UsageError(f"'{args.file}': export takes no file; name the file to write with --out FILE")
        return export(root, args.lang, args.out, log)
    if action == "import":
        if args.file is None:
            raise UsageError("say which file to import, for example: dyade translate import translations/es.xlf")
        if args.lang is not None:
            raise UsageError("import takes its language from the file; leave out --lang")
        return import_(root, Path(args.file), args.file, log)
    raise UsageError("say what to do: dyade translate export --lang es [--out FILE], or dyade translate import FILE"
                     if action is None else f"'{action}' is not export or import: write dyade translate export "
                     "--lang es, or dyade translate import FILE")


def _languages(root: Path) -> list[str]:
    return sources.declared_languages(root)


def _check_lang(lang: str | None, languages: list[str]) -> str:
    if lang is None:
        raise UsageError("say which language to translate into, e.g. dyade translate export --lang es")
    if not safety.LANG.fullmatch(lang):
        raise UsageError(f"'{lang}' is not a language code: write its two or three lower-case letters, e.g. es")
    if lang == languages[0]:
        raise UsageError(f"'{lang}' is the programme's first language, the one the texts are translated from: "
                         "choose another")
    return lang


def _fail(problems: list[Problem], what: str) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    n = len(problems)
    print(f"{n} problem{'s' if n != 1 else ''} found; {what}", file=sys.stderr)
    return 1


def export(root: Path, lang: str | None, out: Path | None, log) -> int:
    languages = _languages(root)
    lang = _check_lang(lang, languages)
    try:
        units = translation.units(root, languages, lang)
    except translation.TranslationProblems as exc:
        return _fail(exc.problems, "nothing was exported.")
    out = (out or root / "translations" / f"{lang}.xlf")
    if out.suffix.lower() not in (".xlf", ".xliff"):
        raise UsageError(f"'{out}': name the file with .xlf at the end (translation tools recognise XLIFF so)")
    out.parent.mkdir(parents=True, exist_ok=True)
    data = xliff.write(units, languages[0], lang)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    done = sum(u.target is not None and not u.needs_work for u in units)
    print(f"Wrote {_shown(out, root)}: {len(units)} texts from {languages[0]} to {lang}, {done} already translated, "
          f"{len(units) - done} to translate. Give it to the translator or a translation tool (XLIFF 1.2), then "
          f"run dyade translate import {_shown(out, root)}.", flush=True)
    if lang not in languages:
        log(f"Note: {lang} is not in 'languages' of {PROGRAMME} yet; dyade translate import adds it there when the "
            "translations come back.")
    return 0


def import_(root: Path, path: Path, shown: str, log) -> int:
    try:
        with path.open("rb") as f:
            raw = f.read(xliff.MAX_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {shown} ({exc.strerror or exc}): give the XLIFF file to import") from None
    try:
        source_lang, lang, returned = xliff.read(raw, shown)
    except xliff.Unreadable as exc:
        return _fail(exc.problems, "nothing was written.")
    languages = _languages(root)
    code = lang.replace("_", "-").split("-")[0].lower()
    if lang not in languages and code in languages or (not safety.LANG.fullmatch(lang) and safety.LANG.fullmatch(code)):
        lang = code  # es-ES from a tool, for the programme's es
    if not safety.LANG.fullmatch(lang):
        return _fail([Problem(shown, 1, 1, f"the file's target-language {lang!r} is not a language code Dyade uses",
                              "export with dyade translate export --lang CODE (two or three letters) and translate "
                              "that file")], "nothing was written.")
    if source_lang and source_lang.replace("_", "-").split("-")[0].lower() != languages[0]:
        return _fail([Problem(shown, 1, 1, f"the file translates from {source_lang}, but this programme's texts are "
                              f"written in {languages[0]} first", "import it into the project it was exported from "
                              "(--root DIR), or export this project's texts with dyade translate export")],
                     "nothing was written.")
    if lang == languages[0]:
        return _fail([Problem(shown, 1, 1, f"the file translates into {lang}, the programme's first language",
                              "export for another language with dyade translate export --lang CODE")],
                     "nothing was written.")
    try:
        files = [translation.read_source(root, k, p) for k, p in translation.project_files(root)]
        known = {u.id: u for u in translation.units(root, languages, lang, files)}
    except translation.TranslationProblems as exc:
        return _fail(exc.problems, "nothing was written.")

    def ours(unit) -> bool:
        return unit.id in known and (unit.source is None or unit.source.split() == known[unit.id].source.split())
    # Interface strings are alike in every project, and a few names may be:
    # when nearly no text is this project's, the file is another's, said once.
    texts = [u for u in returned if not u.id.startswith(translation.STRINGS_FILE + "#")] or returned
    matched = sum(1 for unit in texts if ours(unit))
    if len(texts) > 1 and matched * 10 < len(texts):
        first = next(unit for unit in texts if not ours(unit))
        return _fail([Problem(shown, first.line, first.col, f"{'none' if not matched else f'only {matched}'} of the "
                              f"file's {len(texts)} texts {'is a text' if not matched else 'are texts'} of this "
                              f"project (the first that is not: {first.id!r})", "import it into the project it was "
                              "exported from (--root DIR), or export this project's texts with dyade translate "
                              "export")], "nothing was written.")
    problems: list[Problem] = []
    stale: list[Problem] = []
    edits: dict[str, dict[str, str]] = {}
    where: dict[str, translation.Unit] = {}
    seen: set[str] = set()
    for unit in returned:
        if unit.id in seen:
            problems.append(Problem(shown, unit.line, unit.col, f"the unit {unit.id!r} is in the file twice",
                                    "keep one of them"))
            continue
        seen.add(unit.id)
        ours = known.get(unit.id)
        if ours is None:
            problems.append(Problem(shown, unit.line, unit.col, f"unknown unit {unit.id!r}: the sources have no such "
                                    "text (it was renamed or removed since the export, or the id was changed)",
                                    "export again with dyade translate export and translate the new file"))
            continue
        if unit.target is None:
            if unit.final:
                problems.append(Problem(shown, unit.line, unit.col, f"the unit {unit.id!r} is marked final but has "
                                        "no translation", "translate it, or mark it as not translated"))
            continue
        if unit.state in xliff.SKIPPED_STATES:
            continue
        if unit.source is not None and unit.source.split() != ours.source.split():  # a tool may re-space it
            stale.append(Problem(shown, unit.line, unit.col, f"the {languages[0]} text of {unit.id!r} changed since "
                                 "this file was exported; its translation was not imported",
                                 "export again and translate the new text"))
            continue
        bad = sources.INVISIBLE_RE.search(unit.target) or safety.bidi_control(unit.target)
        if bad:
            problems.append(Problem(shown, unit.line, unit.col, f"the translation of {unit.id!r} holds an invisible "
                                    f"character (U+{ord(bad.group()):04X})", "delete it (it often comes with "
                                    "pasted text)"))
            continue
        if ours.target is not None and ours.target == unit.target:
            continue  # already so in the sources (or in Dyade's own interface texts)
        edits.setdefault(ours.path, {})[ours.key] = unit.target
        where[unit.id] = unit
    if problems:
        return _fail(problems, "nothing was written.")

    written: dict[str, str] = {}
    by_rel = {f.rel: f for f in files}
    for rel, texts in edits.items():
        source = by_rel[rel]
        if source.indent is None:
            problems.append(Problem(rel, 1, 1, "Dyade cannot write translations into this file without changing "
                                    "the layout of lines it does not translate",
                                    "indent it as the bundled sources are (2 spaces per level, list entries' "
                                    "'- ' indented by 2), or add the translations by hand"))
            continue
        written[rel] = translation.apply(source, languages, lang, texts)
    added = lang not in languages
    if added and edits:
        programme = by_rel[PROGRAMME]
        written[PROGRAMME] = translation.add_language(programme, lang) if PROGRAMME not in written else \
            translation.add_language(translation.read_source(root, "programme", programme.path,
                                                             written[PROGRAMME]), lang)
    lacking_forms = _name_forms_lacking(by_rel[PROGRAMME], lang, edits)
    if lacking_forms:
        programme = by_rel[PROGRAMME] if PROGRAMME not in written else \
            translation.read_source(root, "programme", by_rel[PROGRAMME].path, written[PROGRAMME])
        written[PROGRAMME] = translation.add_name_forms(programme, lang, lacking_forms)
    if problems:
        return _fail(problems, "nothing was written.")
    problems = _check(root, written, languages + ([lang] if added else []), lang, where, shown)
    if problems:
        return _fail(problems, "nothing was written.")

    for warning in stale:
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    for rel, text in written.items():
        translation.save(by_rel[rel], text)
    n = sum(len(t) for t in edits.values())
    print(f"Imported {n} translation{'s' if n != 1 else ''} into {lang} from {shown}, in {len(edits)} "
          f"file{'s' if len(edits) != 1 else ''}"
          + (f"; {len(stale)} left out (their source changed)" if stale else "") + ".", flush=True)
    lacking = sum(1 for u in known.values() if u.target is None and u.id not in where)
    if added and edits:
        log(f"Added {lang} to 'languages' in {PROGRAMME}.")
    if lacking_forms:
        log(f"Added the name's form{'s' if len(lacking_forms) != 1 else ''} "
            f"{', '.join(sorted(lacking_forms))} under organisation: name_forms: {lang}: in {PROGRAMME}, each "
            f"marked '# to translate': write the organisation's name as {lang} sentences need it there.")
    if lacking and (added or lang in languages) and edits:
        log(f"{lacking} text{'s' if lacking != 1 else ''} still lack {lang}: dyade check lists "
            f"{'them' if lacking != 1 else 'it'}; export again to translate {'them' if lacking != 1 else 'it'}.")
    else:
        log("Run dyade check, then dyade build.")
    return 0


def _name_forms_lacking(programme, lang: str, edits: dict[str, dict[str, str]]) -> set[str]:
    """The name forms ({org:the}) the imported texts write that programme.yml
    does not give for `lang` yet."""
    used = translation.name_forms_used(t for texts in edits.values() for t in texts.values())
    org = programme.data.get("organisation") if hasattr(programme.data, "get") else None
    every = org.get("name_forms") if hasattr(org, "get") else None
    given = every.get(lang) if hasattr(every, "get") else None
    return used - set(given or ())


def _check(root: Path, written: dict[str, str], languages: list[str], lang: str, where: dict, shown: str):
    """The problems `check` finds on the lines the import changes, with the
    sources as they would be: each reported where its unit is in `shown`."""
    with tempfile.TemporaryDirectory(prefix="dyade-translate-") as tmp:
        copy = Path(tmp) / "project"
        for part in ("content", "forms"):
            if (root / part).is_dir():
                shutil.copytree(root / part, copy / part, symlinks=True)
        (copy / "templates").mkdir(parents=True)
        if (root / translation.STRINGS_FILE).is_file():
            shutil.copy2(root / translation.STRINGS_FILE, copy / translation.STRINGS_FILE)
        for rel, text in written.items():
            (copy / rel).write_text(text, encoding="utf-8")
        try:
            sources.load(copy)
            return []
        except SourceErrors as exc:
            found = exc.problems
        files = [translation.read_source(copy, k, p) for k, p in translation.project_files(copy)]
        lines = {(u.path, n): u for u in translation.units(copy, languages, lang, files)
                 if u.id in where and u.target_lines for n in range(u.target_lines[0], u.target_lines[1] + 1)}
    out = []
    for problem in found:
        unit = lines.get((problem.path, problem.line))
        if unit is not None:
            at = where[unit.id]
            out.append(Problem(shown, at.line, at.col, f"the translation of {unit.id!r}: {problem.what}",
                               problem.how))
    return out


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
