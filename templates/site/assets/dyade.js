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
  // label stays.  The closed menu is hidden (dyade.css).
  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector(".md-nav--primary");
  var label = document.querySelector('label.md-header__button[for="__drawer"]');
  if (drawer && label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = label.className + " dyade-menu-button";
    button.setAttribute("aria-label", (menu && menu.getAttribute("aria-label")) || "");
    while (label.firstChild) { button.appendChild(label.firstChild); }  // the theme's icon
    label.parentNode.replaceChild(button, label);
    var expanded = function () { button.setAttribute("aria-expanded", drawer.checked ? "true" : "false"); };
    expanded();
    drawer.addEventListener("change", expanded);
    button.addEventListener("click", function () {
      drawer.click();  // the theme follows the check box
      expanded();
      var first = drawer.checked && menu && menu.querySelector("a[href]");
      if (first) { setTimeout(function () { first.focus(); }, 0); }  // once open, the focus goes into the menu
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
