"""Helpers shared by the website tests: a static server for a built site/
folder and a small HTML reader (links, resources, ids)."""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import json
import socket
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@contextlib.contextmanager
def serve_dir(folder: Path):
    """Serve `folder` on a free localhost port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site (the 404 page is not linked from pages)."""
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def page_url(site: Path, path: Path) -> str:
    """The URL path of a page, relative to the site root (`fr/forms/x/`)."""
    rel = path.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


class Page(HTMLParser):
    """What the tests need from one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.lang = None
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])
        if a.get("name") and tag == "a":
            self.ids.add(a["name"])
        if tag == "html":
            self.lang = a.get("lang")
        for attr in ("href", "src"):
            if a.get(attr) is not None:
                self.links.append((tag, attr, a[attr]))


def read_page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def resolve(site: Path, page: Path, link: str) -> tuple[Path | None, str]:
    """The file an internal link of `page` points to and its anchor; (None, "")
    for links that leave the site (mailto:, other origins)."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None, ""
    base = "http://site/" + page.relative_to(site).as_posix()
    target = urlsplit(urljoin(base, link))
    path = site / unquote(target.path.lstrip("/"))
    if target.path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path, target.fragment


def search_fragments(site: Path) -> dict[str, str]:
    """Pagefind's text of every page of one language's built site (its
    fragments: gzip, a signature, then JSON), by page URL."""
    out = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        out[fragment["url"]] = fragment["content"]
    return out
