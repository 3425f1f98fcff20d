/* Dyade site behaviour; same origin, no dependencies. */
(function () {
  "use strict";

  // Language switcher: the links already point at the same page in the other
  // language (built by the theme override).  Material would otherwise replace
  // them by the other language's home page when its sitemap does not list
  // the page, so keep its click handler away from these links.
  document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.stopPropagation(); });
  });

  // Narrow screens: the theme's menu button is a <label> for the drawer's
  // check box, which the keyboard cannot reach (and ARIA on such a label is
  // invalid HTML).  A real button takes its place; without JavaScript the
  // label stays.  Only the menu level shown can take the focus (dyade.css).
  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector(".md-nav--primary");
  var label = document.querySelector('label.md-header__button[for="__drawer"]');
  if (drawer && menu && label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = label.className + " dyade-menu-button";
    button.setAttribute("aria-label", menu.getAttribute("aria-label") || "");
    while (label.firstChild) { button.appendChild(label.firstChild); }  // the theme's icon
    label.parentNode.replaceChild(button, label);
    var expanded = function () { button.setAttribute("aria-expanded", drawer.checked ? "true" : "false"); };
    expanded();

    // The level shown: the deepest one whose toggle is checked.
    var shownLevel = function () {
      var level = menu;
      for (;;) {
        var open = null;
        level.querySelectorAll(":scope > .md-nav__list > .md-nav__item > .md-nav__toggle:checked ~ nav.md-nav")
          .forEach(function (nav) { open = open || nav; });
        if (!open) { return level; }
        level = open;
      }
    };
    var focusShownLevel = function () {
      var level = shownLevel();
      var stops = level.querySelectorAll('a[href], label[tabindex="0"], button');
      for (var i = 0; i < stops.length; i++) {
        if (stops[i].closest("nav.md-nav") === level) { stops[i].focus(); return; }
      }
    };
    // Tab stops on narrow screens too: the title of a level below the first
    // (it goes back up), the current page's entry (it opens the page's
    // contents) and the open section's entry, which the theme leaves out of
    // the tab order since wide screens show that section's pages anyway.
    var narrow = window.matchMedia("(max-width: 76.234375em)");
    var levelLabels = [];
    menu.querySelectorAll('label.md-nav__title[for]:not([for="__drawer"]), label.md-nav__link[for]')
      .forEach(function (title) {
        if (title.hasAttribute("tabindex")) { return; }
        levelLabels.push(title);
      });
    // The theme clicks a focused label on Enter; Space does the same here.
    menu.querySelectorAll("label[for]").forEach(function (title) {
      title.addEventListener("keydown", function (event) {
        if (event.key === " " && title.getAttribute("tabindex") === "0") { event.preventDefault(); title.click(); }
      });
    });
    var levelStops = function () {
      levelLabels.forEach(function (title) {
        if (narrow.matches) { title.setAttribute("tabindex", "0"); } else { title.removeAttribute("tabindex"); }
      });
    };
    levelStops();
    narrow.addEventListener("change", levelStops);

    button.addEventListener("click", function () {
      drawer.click();  // the theme follows the check box
    });
    drawer.addEventListener("change", function () {
      expanded();
      if (drawer.checked) {
        setTimeout(focusShownLevel, 0);
      } else if (menu.contains(document.activeElement)) {
        button.focus();  // closed by a click beside it: the focus goes back to the button
      }
    });
    // Going down or up a level moves the focus into the level shown.
    menu.querySelectorAll(".md-nav__toggle").forEach(function (toggle) {
      toggle.addEventListener("change", function () {
        if (!drawer.checked) { return; }
        if (toggle.checked) {
          setTimeout(focusShownLevel, 0);
        } else {
          var opener = menu.querySelector('label.md-nav__link[for="' + toggle.id + '"][tabindex="0"]');
          setTimeout(function () { if (opener) { opener.focus(); } else { focusShownLevel(); } }, 0);
        }
      });
    });
    // The focus leaving the menu (Tab past its end) closes it: left open,
    // it would hide the element the focus moved to.
    document.addEventListener("focusin", function (event) {
      if (drawer.checked && !menu.contains(event.target)) { drawer.click(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.checked) {
        drawer.click();
        button.focus();
      }
    });
  }

  // Printing: show the answers of the flashcards and every folded block.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.setAttribute("open", "");
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.removeAttribute("open"); });
    opened = [];
  });
})();
