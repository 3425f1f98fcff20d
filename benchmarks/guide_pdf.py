"""Make the guide PDF of one language the way a Dyade build does, and time it.

Run by benchmarks/run.py, one fresh process per repeat:

    python benchmarks/guide_pdf.py --code DIR --root PROJECT --lang en --out guide.pdf

`--code` is the folder holding the `dyade` package to time.  What is timed
is the PDF writer's path for the guide alone, exactly its steps in a build
(`dyade.writers.pdf._prepare` restricted to the guide's job, then
`_compile`):

1. the guide's document data, and every Markdown text it holds converted by
   pandoc (Markdown -> pandoc AST -> adjusted -> typst markup), batched on
   the same number of pandoc processes as a build, with no conversion cache;
2. its typst sources written out (templates, logo, data, converted texts);
3. the typst compile to PDF/A-2b + PDF/UA-1, in this process (the first
   compile of a process, as in a build's worker: fonts are loaded too).

Not timed: the Python start-up, imports and reading the YAML sources, which
a build pays once for all its outputs.  Prints one JSON line with the
seconds of steps 1 (`markdown`) and 2+3 (`compile`) and their sum
(`total`), and the PDF's size.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--code", type=Path, required=True, help="folder holding the dyade package")
    p.add_argument("--root", type=Path, required=True, help="project folder")
    p.add_argument("--lang", default="en")
    p.add_argument("--out", type=Path, required=True, help="where to write the PDF")
    args = p.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    import typst  # noqa: F401  (a build's workers have it imported already)

    from dyade import sources
    from dyade.state import source_epoch
    from dyade.writers import pdf

    model = sources.load(args.root)
    epoch = source_epoch(Path(model.root))  # the date a build gives it
    with tempfile.TemporaryDirectory(prefix="dyade-bench-guide-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        # 1. data + Markdown conversion (pdf._prepare, for the guide's job only)
        batch = pdf.MarkdownBatch()
        documents = pdf.Documents(model, batch)
        job = documents.guide(args.lang)
        job.path = "guide.pdf"
        batch.convert(max(1, min(4, os.cpu_count() or 1)), cache_dir=None)
        converted = time.perf_counter()
        # 2. the typst sources
        for name in pdf.TEMPLATE_FILES:
            own = Path(model.root) / "templates" / "pdf" / name
            (work / name).write_bytes((own if own.is_file() else pdf.TEMPLATE_DIR / name).read_bytes())
        (work / documents.logo_name).write_bytes((Path(model.root) / model.programme.organisation.logo).read_bytes())
        name = pdf._source_name(job)
        module = pdf.md_module(job.md_keys, batch, pdf._link_targets(job.data))
        (work / f"{name}.json").write_text(json.dumps(job.data, ensure_ascii=False, indent=1), encoding="utf-8")
        (work / f"{name}-md.typ").write_text(module, encoding="utf-8")
        (work / f"{name}.typ").write_text('#import "docs.typ": *\n' f'#import "{name}-md.typ": md\n'
                                          f'#{job.function}(json("{name}.json"), md)\n', encoding="utf-8")
        # 3. compile
        data, _warnings = pdf._compile(work, name, f"dist/{args.lang}/guide.pdf", epoch)
        done = time.perf_counter()
    args.out.write_bytes(data)
    print(json.dumps({"markdown": converted - started, "compile": done - converted, "total": done - started,
                      "bytes": len(data), "texts": len(batch.texts)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
