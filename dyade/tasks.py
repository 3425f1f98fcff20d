"""What the writers hand to the build engine: one `Task` per output, with a
key that changes exactly when what the output is made from changes.

A writer plans its tasks from the model; the engine (`dyade.pipeline`)
compares each key with the one recorded by the previous build and either
reuses the previous file or runs the task, on all cores.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import model as m
from .errors import BuildError


@dataclass
class Task:
    name: str                 # what the progress line shows, e.g. "dist/fr/forms/f1.docx"
    lang: str
    outputs: list[str]        # files or folders it makes, relative to the project ("dist/fr/guide.pdf", "site/fr")
    key: str                  # digest of everything the outputs are made from
    # Writes the outputs under the staging folder it is given; returns
    # warnings.  Must be picklable (a module-level function or a
    # functools.partial of one) so a worker process can run it.
    run: Callable[[Path], list[str]] | None = None
    weight: float = 1.0       # rough cost, so the biggest tasks start first
    writer: str = ""          # the writer that planned it (set by the engine)


# The model of the build in progress, as worker processes see it: forked
# workers inherit it from the engine, spawned ones receive one copy when
# they start (`use_model`).  A task's `run` reads it with `current_model`
# instead of receiving a copy of the model with every task.
_MODEL: m.Model | None = None


def use_model(model: m.Model | None) -> None:
    global _MODEL
    _MODEL = model


def current_model() -> m.Model:
    if _MODEL is None:
        raise BuildError("no model is loaded (a writer task ran outside a build)")
    return _MODEL


@dataclass(frozen=True)
class Context:
    """What every writer may know about the build besides the model."""
    root: Path
    staging: Path             # holds dist/ and site/ of the build in progress
    epoch: int                # the date written into the documents (seconds, UTC)
    salt: str                 # Dyade's code and tool versions: part of every key


def plain(value, lang: str | None = None):
    """The model (or part of it) as JSON-able data, for a digest.

    Positions are left out (moving a text to another line changes no output);
    with `lang`, translated texts keep only that language, so editing the
    English of a form leaves the French outputs' keys unchanged."""
    if isinstance(value, (m.Text, m.NameForms)):  # both hold one entry per language
        return value.values.get(lang) if lang else dict(sorted(value.values.items()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), lang) for f in dataclasses.fields(value)
                if f.name not in ("pos", "value_pos", "source_files")}
    if isinstance(value, dict):
        return {str(k): plain(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, lang) for v in value]
    if isinstance(value, (dt.date, Path)):
        return str(value)
    return value


def digest(*parts) -> str:
    """sha256 of JSON-able parts (bytes are hashed as they are)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, (bytes, bytearray)):
            h.update(b"b%d:" % len(part))
            h.update(part)
        else:
            data = json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
            h.update(b"j%d:" % len(data))
            h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_digest(folder: Path, exclude: Callable[[Path], bool] = lambda p: False) -> str:
    """Digest of every file under `folder` (names and contents)."""
    h = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not exclude(p)):
            h.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            h.update(file_digest(path).encode("ascii"))
    return h.hexdigest()
