"""site/index.html: the page at the site's root, which sends visitors to
the website in their browser's language (the pages themselves are the
site writer's)."""
from __future__ import annotations

import functools

from .. import model as m
from ..tasks import Context, Task, digest
from .base import Writer, write_file
from .site import chooser_page

OUT = "site/index.html"


def plan(model: m.Model, ctx: Context, log=None, lang=None) -> list[Task]:
    page = chooser_page(model)
    return [Task(name=OUT, lang="", outputs=[OUT], key=digest("index", ctx.salt, page), weight=0.01,
                 run=functools.partial(write_file, OUT, page))]


WRITER = Writer(name="site_index", plan=plan)
