"""Live reload for `serve`: what the preview tells the open pages.

The server keeps one `Live` state (a version that grows with every good
build, one per language that grows when the preview renders that
language's pages, whether a build is running, the problems of the last
failed one)
and streams it as Server-Sent Events on EVENTS_PATH.  Every HTML page it
serves gets SCRIPT before `</body>` (only when served: the built site is
never changed): the page reloads when the version grows, keeping its
scroll position in sessionStorage (a page of a language the edit did not
change is left alone), shows a banner while a build runs, and
an overlay with the problems (as text, never as HTML) when a build fails.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

EVENTS_PATH = "/__dyade/events"


class Live:
    def __init__(self):
        self._changed = threading.Condition()
        self.version = 0
        self.languages: dict[str, int] = {}
        self.building = False
        self.problems: list[str] = []

    def state(self) -> dict:
        return {"version": self.version, "languages": dict(self.languages), "building": self.building,
                "problems": self.problems}

    def update(self, **changes) -> None:
        with self._changed:
            for name, value in changes.items():
                setattr(self, name, value)
            self._changed.notify_all()

    def rendered(self, lang: str) -> None:
        """The preview has new pages for `lang`: its open pages reload (and
        the sources were good, so no problem is left to show)."""
        with self._changed:
            self.languages[lang] = self.languages.get(lang, 0) + 1
            self.problems = []
            self._changed.notify_all()

    def wait(self, last: dict, timeout: float = 15.0) -> dict:
        """The state once it differs from `last` (or after `timeout`, for a keep-alive)."""
        with self._changed:
            self._changed.wait_for(lambda: self.state() != last, timeout=timeout)
            return self.state()


def strings(root: Path) -> dict[str, dict[str, str]]:
    """The preview's two sentences in each language, from templates/strings.yml."""
    from ruamel.yaml import YAML

    from .. import bundled
    found: dict[str, dict[str, str]] = {}
    for path in (bundled.TEMPLATES / "strings.yml", Path(root) / "templates" / "strings.yml"):
        try:
            data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        except Exception:  # a broken strings file is reported by check; the preview keeps the others
            continue
        if isinstance(data, dict):
            for key in ("serve_refreshing", "serve_problems"):
                if isinstance(data.get(key), dict):
                    found[key] = {str(k): str(v) for k, v in data[key].items()}
    return found


_SCRIPT = """<script id="dyade-live">(function(){
var S=%s, full=document.documentElement.lang||"en", lang=full.slice(0,2), key="dyade-scroll:"+location.pathname;
function t(k){var e=S[k]||{};return e[lang]||e.en||e.fr||"";}
var y=sessionStorage.getItem(key); if(y!==null){sessionStorage.removeItem(key);
 var go=function(){window.scrollTo(0,+y);}; go(); addEventListener("load",go);}
var seen=null, banner=null, overlay=null;
function box(id,css){var d=document.createElement("div");d.id=id;d.style.cssText=css;document.body.appendChild(d);return d;}
function show(s){
 if(s.building&&!banner){banner=box("dyade-banner","position:fixed;bottom:1em;right:1em;z-index:99999;padding:.5em 1em;background:#fff3cd;color:#333;border:1px solid #c9a227;border-radius:4px;font:14px sans-serif");banner.textContent=t("serve_refreshing");}
 if(!s.building&&banner){banner.remove();banner=null;}
 if(s.problems.length&&!overlay){overlay=box("dyade-overlay","position:fixed;inset:0;z-index:100000;overflow:auto;padding:2em;background:rgba(20,20,20,.92);color:#fff;font:14px monospace;white-space:pre-wrap");}
 if(overlay){if(!s.problems.length){overlay.remove();overlay=null;}else{overlay.textContent=t("serve_problems")+"\\n\\n"+s.problems.join("\\n");}}
}
var es=new EventSource("%s");
es.onmessage=function(m){var s=JSON.parse(m.data), l=s.languages||{};
 var v=s.version+":"+(l[full]||l[lang]||0);
 if(seen!==null&&v!==seen){sessionStorage.setItem(key,String(window.scrollY));location.reload();return;}
 seen=v; show(s);};
})();</script>"""


def script(root: Path) -> bytes:
    # `</` cannot occur in the JSON of the strings once escaped, so the
    # sentences cannot close the script element.
    data = json.dumps(strings(root), ensure_ascii=False).replace("</", "<\\/")
    return (_SCRIPT % (data, EVENTS_PATH)).encode("utf-8")


def inject(html: bytes, tag: bytes) -> bytes:
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


# -- the website first ---------------------------------------------------------

PREVIEW_DIR = ".dyade/preview"  # the preview's own website; site/ and dist/ are left to the build
TEXTS = "texts:"  # in the digests `preview` returns: the digest of a language's texts, by "texts:<lang>"


def preview(root: Path, previous: dict[str, str], log, rendered=lambda lang: None) -> dict[str, str]:
    """Render the website alone into PREVIEW_DIR/site, linking the documents
    of the last good build, and only the languages whose pages changed
    since `previous` (language -> digest of its pages; TEXTS + language ->
    digest of its texts); the new digests.
    Raises SourceErrors, or BuildError when mkdocs finds problems."""
    import shutil

    from .. import sources
    from ..errors import BuildError
    from ..state import source_epoch
    from ..tasks import Context, digest, plain, tree_digest, use_model
    from ..writers import site

    root = Path(root)
    model = sources.load(root)
    work = root / PREVIEW_DIR
    (work / "dist").mkdir(parents=True, exist_ok=True)
    for lang in model.languages:  # the documents offered are those of the last good build
        link = work / "dist" / lang
        if not link.is_symlink() and (root / "dist" / lang).is_dir():
            shutil.rmtree(link, ignore_errors=True)
            link.symlink_to(root / "dist" / lang, target_is_directory=True)
    ctx = Context(root=root, staging=work, epoch=source_epoch(root), salt="preview")
    # The languages whose own texts changed are rendered first, so that the
    # page being edited reloads before the others are even written out to
    # find whether they changed (the pages' digest stays the judge).
    texts = {lang: digest(plain(model, lang)) for lang in model.languages}
    digests = {TEXTS + lang: texts[lang] for lang in model.languages}
    use_model(model)
    try:
        for lang in sorted(model.languages, key=lambda lang: texts[lang] == previous.get(TEXTS + lang)):
            task = site.prepare(model, ctx, lang)
            config = Path(task.run.args[0])
            digests[lang] = tree_digest(config.parent / "docs")
            if digests[lang] == previous.get(lang) and (work / "site" / lang).is_dir():
                continue
            problems = site.build_one(str(config))
            if problems:
                raise BuildError("mkdocs found problems in the generated website:\n  "
                                 + "\n  ".join(f"[{lang}] {msg}" for msg in problems))
            log(f"  preview: website of {lang} rendered")
            rendered(lang)  # its open pages reload now, before the other languages are looked at
    finally:
        use_model(None)
    (work / "site" / "index.html").write_bytes(site.chooser_page(model))
    return digests
