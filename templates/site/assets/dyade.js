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

  // Narrow screens: the theme's menu button is a <label> that the keyboard
  // cannot reach, while the links of the closed menu (hidden off screen)
  // take the focus one by one.  The closed menu is hidden (dyade.css) and
  // its button made a real button.
  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector(".md-nav--primary");
  document.querySelectorAll('label.md-header__button[for="__drawer"]').forEach(function (button) {
    if (!drawer) { return; }
    button.setAttribute("role", "button");
    button.setAttribute("tabindex", "0");
    if (menu && !button.hasAttribute("aria-label")) {
      button.setAttribute("aria-label", menu.getAttribute("aria-label") || "");
    }
    var expanded = function () { button.setAttribute("aria-expanded", drawer.checked ? "true" : "false"); };
    expanded();
    drawer.addEventListener("change", expanded);
    // Enter: the theme already clicks a focused <label>; Space is added here.
    button.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        drawer.click();
        expanded();
      }
      if (event.key === " " || event.key === "Enter") {
        setTimeout(function () {  // once open, the focus goes into the menu
          var first = drawer.checked && menu && menu.querySelector("a[href]");
          if (first) { first.focus(); }
        }, 0);
      }
    });
  });

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
