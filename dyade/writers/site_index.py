"""site/index.html, the page at the site's root, which sends visitors to
the website in their browser's language, and site/404.html, which hosts
serve for a missing address (the pages themselves are the site writer's)."""
from __future__ import annotations

import functools

from .. import model as m
from ..tasks import Context, Task, digest
from .base import Writer, write_file
from .site import chooser_page, not_found_page

OUT = "site/index.html"
NOT_FOUND = "site/404.html"


def plan(model: m.Model, ctx: Context, log=None, lang=None) -> list[Task]:
    tasks = []
    for out, page in ((OUT, chooser_page(model)), (NOT_FOUND, not_found_page(model))):
        tasks.append(Task(name=out, lang="", outputs=[out], key=digest(out, ctx.salt, page), weight=0.01,
                          run=functools.partial(write_file, out, page)))
    return tasks


WRITER = Writer(name="site_index", plan=plan, stage="website")
