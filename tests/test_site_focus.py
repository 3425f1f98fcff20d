"""Keyboard focus on the website, in Chromium: every tab stop of the home
page and a form page, at desktop and phone widths, has a focus indicator of
at least 3:1 against every background it is drawn on, unclipped, on an
element that can be seen; the phone menu opened from the keyboard.

Fails (never skips) when Chromium is missing (see conftest.py).
"""
from __future__ import annotations

import re

import pytest

from sitetools import serve_dir

# What the focused element shows, from computed styles.  The backgrounds are
# the layers from the element (inside) or its parent (outside) up to the
# first opaque one, nearest first.
FOCUS_STATE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const path = [];
  for (let n = el; n && n.parentElement; n = n.parentElement) {
    path.unshift(n.tagName + ":" + [...n.parentElement.children].indexOf(n));
  }
  const layers = (node) => {
    const out = [];
    for (let n = node; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      out.push(c);
      const alpha = c.startsWith("rgba") ? parseFloat(c.split(",")[3]) : 1;
      if (alpha >= 1) { break; }
    }
    return out;
  };
  const s = getComputedStyle(el);
  // As a browser does for the focused element: a cell of a table that
  // scrolls sideways is brought into its view.
  el.scrollIntoView({block: "nearest", inline: "nearest"});
  const r = el.getBoundingClientRect();
  const offset = parseFloat(s.outlineOffset) || 0, width = s.outlineStyle === "none" ? 0 : parseFloat(s.outlineWidth);
  const grow = Math.max(0, offset + width);
  const ring = {left: r.left - grow, top: r.top - grow, right: r.right + grow, bottom: r.bottom + grow};
  // An ancestor that clips its overflow clips the ring, unless an absolutely
  // placed element between them is placed from further up (its offsetParent).
  let clipped = null, placedFrom = s.position === "absolute" ? el.offsetParent : null;
  for (let n = el.parentElement; n && s.position !== "fixed"; n = n.parentElement) {
    const o = getComputedStyle(n);
    if (placedFrom && n !== placedFrom) { continue; }
    if (n === placedFrom) { placedFrom = null; }
    if (o.position === "fixed") { break; }
    const clips = (o.overflowX !== "visible" || o.overflowY !== "visible") && n !== document.documentElement && n !== document.body;
    if (o.position === "absolute") { placedFrom = n.offsetParent; }
    if (clips) {
      const c = n.getBoundingClientRect();
      if (ring.left < c.left - 0.5 || ring.right > c.right + 0.5 || ring.top < c.top - 0.5 || ring.bottom > c.bottom + 0.5) {
        clipped = n.tagName + "." + n.className; break;
      }
    }
  }
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1), y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    desc: el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " " + JSON.stringify((el.getAttribute("aria-label") || el.getAttribute("for") || el.textContent || "").trim().slice(0, 40)),
    path: path.join("/"),
    size: [r.width, r.height],
    on_screen: r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
    seen: !!top && (top === el || el.contains(top) || top.contains(el)),
    outline: [s.outlineStyle, width, s.outlineColor, offset],
    inside: layers(el), outside: layers(el.parentElement),
    clipped: clipped, cover: top ? top.tagName + "." + top.className : null, rect: [r.left, r.top, r.right, r.bottom],
  };
}"""


def rgba(css: str) -> tuple[float, float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    r, g, b = values[:3]
    return r, g, b, (values[3] if len(values) > 3 else 1.0)


def composite(layers: list[str]) -> tuple[float, float, float]:
    """The colour seen through the layers (nearest first) over white."""
    colour = (255.0, 255.0, 255.0)
    for layer in reversed(layers):
        r, g, b, a = rgba(layer)
        colour = tuple(c * (1 - a) + n * a for c, n in zip(colour, (r, g, b)))
    return colour


def luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ring_problems(state: dict) -> list[str]:
    """What is wrong with the focus indicator of one tab stop."""
    problems = []
    width, height = state["size"]
    if width < 1 or height < 1:
        return [f"an invisible tab stop ({width:.0f}×{height:.0f} px)"]
    if not state["on_screen"] or not state["seen"]:
        problems.append(f"focused but hidden (off screen or under {state['cover']})")
    style, thickness, colour, offset = state["outline"]
    if style == "none" or thickness < 2:
        return problems + [f"no focus outline of 2 px or more ({style} {thickness} px)"]
    if state["clipped"]:
        problems.append(f"focus outline clipped by {state['clipped']}")
    places = []
    if offset < 0:
        places.append(("inside", state["inside"]))  # drawn over the element's own background
    if offset + thickness > 0:
        places.append(("outside", state["outside"]))  # drawn around it, over its parent's
    for where, layers in places:
        background = composite(layers)
        ring = composite([colour] + layers)  # the outline's own alpha over that background
        ratio = contrast(ring, background)
        if ratio < 3:
            problems.append(f"focus outline {colour} on {where} background "
                            f"rgb{tuple(round(c) for c in background)}: {ratio:.2f}:1 (3:1 needed)")
    return problems


def tab_stops(tab, limit: int = 400) -> list[dict]:
    """Press Tab from the top of the page until the focus comes round again;
    the state of every stop."""
    stops: list[dict] = []
    for _ in range(limit):
        tab.keyboard.press("Tab")
        state = tab.evaluate(FOCUS_STATE)
        if state and ring_problems(state):  # a panel or an overlay may still be sliding or fading away
            tab.wait_for_timeout(400)
            state = tab.evaluate(FOCUS_STATE)
        if state is None or (stops and state["path"] == stops[0]["path"]):
            break
        stops.append(state)
    return stops


@pytest.fixture(scope="module")
def base(built):
    with serve_dir(built / "site") as url:
        yield url


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("path", ["en/", "fr/forms/learning-plan/"])
def test_every_tab_stop_shows_a_visible_focus(browser, base, width, path):
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    try:
        tab.goto(base + path, wait_until="networkidle")
        stops = tab_stops(tab)
        assert len(stops) > 15, [s["desc"] for s in stops]
        assert any(s["desc"].startswith("a.md-skip") for s in stops)
        report = [f"{s['desc']}: {p}" for s in stops for p in ring_problems(s)]
        assert not report, "\n".join(report)
    finally:
        context.close()


def test_header_focus_meets_3_to_1_on_the_brand_colour(browser, base):
    # the case of the issue: the logo and the language button on the header
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    try:
        tab.goto(base + "en/", wait_until="networkidle")
        seen = {s["desc"].split(" ")[0] for s in tab_stops(tab) if "md-header__button" in s["desc"] and not ring_problems(s)}
        assert any("md-logo" in d for d in seen) and any(d.startswith("button.") for d in seen), seen
    finally:
        context.close()


def focused(tab) -> dict:
    return tab.evaluate("""() => { const e = document.activeElement, menu = document.querySelector('.md-nav--primary');
        return {in_menu: menu.contains(e), menu_button: e.matches('.dyade-menu-button'),
                open: document.getElementById('__drawer').checked,
                expanded: document.querySelector('.dyade-menu-button').getAttribute('aria-expanded'),
                text: (e.textContent || '').trim().replace(/\\s+/g, ' ')}; }""")


@pytest.mark.parametrize("width", [375, 320])
def test_phone_menu_from_the_keyboard(browser, base, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 740})
    tab = context.new_page()
    try:
        tab.goto(base + "en/forms/feedback/", wait_until="networkidle")
        for _ in range(5):
            tab.keyboard.press("Tab")
            if focused(tab)["menu_button"]:
                break
        assert focused(tab)["menu_button"] and focused(tab)["expanded"] == "false"

        # Enter opens it; the focus is on its first item that can be seen
        tab.keyboard.press("Enter")
        tab.wait_for_timeout(400)  # the menu slides in
        now = focused(tab)
        assert now["open"] and now["in_menu"] and now["expanded"] == "true", now
        first = tab.evaluate(FOCUS_STATE)
        assert not ring_problems(first), (first["desc"], ring_problems(first))
        tab.screenshot(path=str(tmp_path / f"menu-{width}.png"))

        # every stop of the menu can be seen, until the focus leaves it, which closes it
        inside = 0
        for _ in range(40):
            tab.keyboard.press("Tab")
            now = focused(tab)
            if not now["in_menu"]:
                break
            inside += 1
            tab.wait_for_timeout(50)
            state = tab.evaluate(FOCUS_STATE)
            assert not ring_problems(state), (state["desc"], ring_problems(state))
        assert inside >= 5, inside
        tab.wait_for_timeout(400)
        assert not focused(tab)["open"], "the menu stays open behind the focus"
        state = tab.evaluate(FOCUS_STATE)
        assert not ring_problems(state), (state["desc"], ring_problems(state))

        # Space opens it again; up a level with the title, then Escape closes it
        # and gives the focus back to its button
        tab.locator(".dyade-menu-button").focus()
        tab.keyboard.press(" ")
        tab.wait_for_timeout(400)
        assert focused(tab)["open"] and focused(tab)["in_menu"]
        title = focused(tab)["text"]
        tab.keyboard.press("Enter")  # the title leads back to the first level
        tab.wait_for_timeout(400)
        now = focused(tab)
        assert now["open"] and now["in_menu"] and now["text"] != title, now
        state = tab.evaluate(FOCUS_STATE)
        assert not ring_problems(state), (state["desc"], ring_problems(state))
        tab.keyboard.press(" ")  # and Space on the entry goes down again
        tab.wait_for_timeout(400)
        assert focused(tab)["text"] == title
        tab.keyboard.press("Escape")
        tab.wait_for_timeout(400)
        now = focused(tab)
        assert not now["open"] and now["menu_button"] and now["expanded"] == "false", now
    finally:
        context.close()
