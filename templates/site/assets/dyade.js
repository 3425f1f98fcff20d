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
