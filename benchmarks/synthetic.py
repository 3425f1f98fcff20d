"""A synthetic programme N times the size of a project's own, for the benchmark.

`replicate(root, factor)` rewrites the project in `root` (a copy: its guide,
forms, annexes and workshops folders are regenerated) so that it holds
`factor` copies of every guide chapter, form, annex, workshop, flashcard and
glossary term.  Copy 1 is the original, unchanged; copy k (k >= 2):

- gets new ids (`<id>-r<k>`), new form and annex numbers and new file names;
- has every cross-reference (`form:…`, `chapter:…#section`, `annex:…`,
  `workshop:…`, `glossary:…`, in Markdown links and in `related:` lists)
  pointing at the items of the same copy, so every reference stays valid;
- has every translated text made unique (" (k)" after a one-line text, a
  last paragraph "Variant k." after a multi-line one), so nothing is shared
  with another copy: the PDF writer converts each distinct text once, and a
  programme of copies that are identical word for word would be cheaper to
  build than a real programme of the same size.

The programme, home page, interface strings and templates stay as they are
(the calendar keeps pointing at the original forms).  Only ruamel.yaml, a
dependency of Dyade, is needed besides the standard library.
"""
from __future__ import annotations

import copy
import re
import shutil
import sys
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

REF_RE = re.compile(r"\b(chapter|form|annex|workshop|glossary):([a-z0-9-]+)")
VARIANT = {"fr": "Variante {k}.", "en": "Variant {k}."}
FILE_KINDS = {  # kind: (folder, file name of copy k)
    "chapter": "content/guide",
    "form": "forms",
    "annex": "content/annexes",
    "workshop": "content/workshops",
}


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096          # never fold a long line into a different scalar style
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _read(yaml: YAML, path: Path):
    with open(path, encoding="utf-8-sig") as fh:
        return yaml.load(fh)


def _write(yaml: YAML, data, path: Path) -> None:
    # Comments, the schema hint among them, are kept by the round trip.
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


def _languages(root: Path) -> list[str]:
    data = _read(_yaml(), root / "content" / "programme.yml")
    return [str(lang) for lang in data.get("languages") or ["fr", "en"]]


def _retext(value: str, new: str) -> str:
    """`new`, in the same YAML scalar style as `value`."""
    return type(value)(new) if type(value) is not str else new


def _rewrite(node, k: int, ids: dict[str, set[str]], languages: list[str]):
    """Copy k of a parsed YAML tree: references renamed and texts made unique."""
    def ref(match: re.Match) -> str:
        kind, ident = match.groups()
        return f"{kind}:{ident}-r{k}" if ident in ids[kind] else match.group(0)

    def walk(n):
        if isinstance(n, CommentedMap):
            is_text = bool(n) and all(str(key) in languages for key in n) \
                and all(isinstance(v, str) for v in n.values())
            for key in list(n.keys()):
                value = n[key]
                if isinstance(value, str):
                    new = REF_RE.sub(ref, value)
                    if is_text:
                        body = new.rstrip("\n")
                        tail = new[len(body):]
                        if "\n" in body:
                            new = body + "\n\n" + VARIANT.get(str(key), "Variant {k}.").format(k=k) + tail
                        else:
                            new = f"{body} ({k}){tail}"
                    if new != value:
                        n[key] = _retext(value, new)
                else:
                    walk(value)
        elif isinstance(n, CommentedSeq):
            for i, value in enumerate(n):
                if isinstance(value, str):
                    new = REF_RE.sub(ref, value)
                    if new != value:
                        n[i] = _retext(value, new)
                else:
                    walk(value)
        return n

    return walk(node)


def replicate(root: Path, factor: int) -> dict[str, int]:
    """Make the project in `root` `factor` times its size (see the module
    docstring); the number of items of each kind it then holds."""
    root = Path(root)
    if factor < 1:
        raise ValueError("factor must be at least 1")
    yaml = _yaml()
    languages = _languages(root)
    items: dict[str, list[tuple[Path, object]]] = {}
    ids: dict[str, set[str]] = {"chapter": set(), "form": set(), "annex": set(), "workshop": set(),
                                "glossary": set()}
    for kind, folder in FILE_KINDS.items():
        paths = sorted((root / folder).glob("*.yml"))
        items[kind] = [(p, _read(yaml, p)) for p in paths]
        ids[kind] = {str(data["id"]) for _, data in items[kind]}
    glossary_path = root / "content" / "glossary.yml"
    flashcards_path = root / "content" / "flashcards.yml"
    glossary = _read(yaml, glossary_path) if glossary_path.exists() else None
    flashcards = _read(yaml, flashcards_path) if flashcards_path.exists() else None
    if glossary is not None:
        ids["glossary"] = {str(t["id"]) for t in glossary["terms"]}

    # The file-based items: every copy written anew, with sortable names.
    counts = {}
    for kind, folder in FILE_KINDS.items():
        originals = items[kind]
        for path, _ in originals:
            path.unlink()
        top = max((int(data.get("number", 0)) for _, data in originals), default=0)
        n = 0
        for k in range(1, factor + 1):
            for data in (d for _, d in originals):
                n += 1
                if k == 1:
                    item = data
                else:
                    item = _rewrite(copy.deepcopy(data), k, ids, languages)
                    item["id"] = f"{data['id']}-r{k}"
                    if "number" in item:
                        item["number"] = int(data["number"]) + (k - 1) * top
                if kind == "chapter":
                    name = f"{n:03d}-{item['id']}.yml"
                elif "number" in item:
                    name = f"{int(item['number']):03d}-{item['id']}.yml"
                else:
                    name = f"{item['id']}.yml"
                _write(yaml, item, root / folder / name)
        counts[kind] = n

    # Glossary terms and flashcards: more entries in the same file.
    for path, data, key in ((glossary_path, glossary, "terms"), (flashcards_path, flashcards, "cards")):
        if data is None:
            continue
        originals = list(data[key])
        for k in range(2, factor + 1):
            for entry in originals:
                new = _rewrite(copy.deepcopy(entry), k, ids, languages)
                new["id"] = f"{entry['id']}-r{k}"
                data[key].append(new)
        _write(yaml, data, path)
        counts["glossary" if key == "terms" else "flashcards"] = len(data[key])
    return counts


def main(argv: list[str] | None = None) -> int:
    """`python benchmarks/synthetic.py SOURCE DEST [FACTOR]`: copy a project's
    sources and make the copy FACTOR (default 10) times bigger."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print(main.__doc__, file=sys.stderr)
        return 2
    source, dest = Path(args[0]), Path(args[1])
    factor = int(args[2]) if len(args) == 3 else 10
    if dest.exists():
        print(f"{dest} exists already; name a new folder", file=sys.stderr)
        return 2
    for part in ("content", "forms", "templates", "schema", "mkdocs.yml"):
        src = source / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.exists():
            shutil.copy2(src, dest / part)
    counts = replicate(dest, factor)
    print(", ".join(f"{n} {kind}" for kind, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
