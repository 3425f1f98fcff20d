"""answers.json: every answer, typed, with the file it came from, its
language, the form version and what needs a look."""
from __future__ import annotations

import json
from pathlib import Path

from .. import controls as ctl
from .output import write_bytes
from .values import as_json


def write(collection, out: Path) -> list[str]:
    model = collection.model
    data = {
        "programme": model.programme.title.values.get(model.languages[0]),
        "as_of": collection.today.isoformat(),
        "forms": {f.id: {"version": ctl.form_version(f), "identifies": list(f.identifies)} for f in model.forms},
        "returns": [{
            "file": r.path, "form": r.form.id, "language": r.lang, "version": r.version,
            "current_version": r.current, "returned": r.returned.isoformat(), "who": r.who,
            "answers": as_json(r.answers), "signatures": r.signatures, "problems": r.problems,
        } for r in collection.records],
        "unread": [{"file": path, "problem": why} for path, why in collection.unread],
        "notes": collection.notes,
    }
    write_bytes(out / "answers.json", json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return ["answers.json"]
