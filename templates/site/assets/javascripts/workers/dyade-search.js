/* Dyade: the theme's search worker, answered by Pagefind.

   The theme (mkdocs-material) talks to its search worker in four messages:
   SETUP (the lunr index, here emptied to its configuration: see
   dyade/writers/site_search.py), READY, QUERY (the text typed) and RESULT
   (the pages found, grouped with their sections).  This worker takes its
   place (templates/site/overrides/main.html), so the theme's search box,
   keyboard use (/ or s, arrows, Enter, Escape), strings in the page's
   language and highlighting on the page landed on stay as they were.

   Pagefind's runtime and index (../../../pagefind/, this language's only)
   are loaded at the first search, not with every page.  Before searching:
   - elisions are dropped ("d'apprentissage" searches "apprentissage"), and
     so are lone letters (not digits), which would begin every other word,
     and the commonest words ("de", "the") when the query holds others;
   - a word of five letters or more that no page holds, nor begins, is
     corrected into the most frequent word of the site one edit away
     (../../../search/words.txt), as Pagefind forgives no typo.
   Each result says which words of the page matched: the theme marks them
   on the page landed on (never a lone letter). */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var SHOWN = 20;        // results whose excerpts are fetched: each costs a request
  var SECTIONS = 2;      // sections shown under a page; the others are folded
  var TYPO_MIN = 5;      // letters a word needs before a typo in it is corrected
  var WAIT = 150;        // ms after the last key before searching, so typing costs one search
  // Elided words, per language: the part before the apostrophe is dropped.
  var ELISIONS = {
    fr: ["c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"],
    it: ["c", "d", "l", "m", "n", "s", "t", "v", "all", "dall", "dell", "nell", "sull", "un", "quest", "quell"],
    ca: ["d", "l", "m", "n", "s", "t"]
  };

  // Words too common to search, per language: dropped unless the query
  // holds nothing else (Pagefind takes each word as the start of a word:
  // "de" would find "deux", "des", "décrire"…).
  var STOP_WORDS = {
    fr: ["à", "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "en", "et", "la",
         "le", "les", "ou", "par", "pour", "sa", "se", "ses", "son", "sur", "un", "une"],
    en: ["a", "an", "and", "as", "at", "by", "for", "from", "in", "is", "it", "its", "of", "on", "or", "the", "to",
         "with"]
  };

  var site = new URL("../../../", self.location.href);  // this language's site
  var lang = "en";
  var loaded = null;      // Promise of {pagefind, words, known}
  var latest = 0;         // number of the last query: older answers are dropped
  var timer = null;

  function plain(word) {  // as dyade/writers/site_search.py's plain()
    return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function escapeHTML(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function unescapeHTML(text) {
    var named = { lt: "<", gt: ">", quot: "\"", amp: "&", "#39": "'" };
    return text.replace(/&(lt|gt|quot|#39|amp);/g, function (_, name) { return named[name]; });
  }

  // Pagefind's excerpt, with nothing but its <mark> elements as markup.
  function safeExcerpt(excerpt) {
    return excerpt.split(/(<mark>|<\/mark>)/).map(function (part) {
      return part === "<mark>" || part === "</mark>" ? part : escapeHTML(unescapeHTML(part));
    }).join("");
  }

  function unelided(word) {
    var parts = /^([^'’]+)['’](.+)$/u.exec(word);
    var elided = ELISIONS[lang.split("-")[0]] || [];
    return parts && elided.indexOf(plain(parts[1])) >= 0 ? parts[2] : word;
  }

  function bare(word) {  // without the punctuation around it
    return word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  }

  // The words of a query, as Pagefind should search them.
  function queryWords(query) {
    var words = query.split(/[\s,;:!?()«»"“”]+/u).map(function (word) {
      return bare(unelided(bare(word)));
    }).filter(function (word) { return [...word].length > 1 || /\p{N}/u.test(word); });  // "Formulaire 3"
    var common = STOP_WORDS[lang.split("-")[0]] || [];
    var meaningful = words.filter(function (word) { return common.indexOf(word.toLowerCase()) < 0; });
    return meaningful.length ? meaningful : words;
  }

  function oneEditApart(a, b) {
    if (Math.abs(a.length - b.length) > 1) { return false; }
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) { i++; }
    if (a.length === b.length) {
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  function corrected(word, words, known) {
    var key = plain(word);
    if ([...key].length < TYPO_MIN || known.has(key)) { return word; }
    for (var i = 0; i < words.length; i++) {
      if (words[i].lastIndexOf(key, 0) === 0) { return word; }  // Pagefind finds what a word begins
    }
    for (i = 0; i < words.length; i++) {  // most frequent first
      if (oneEditApart(key, words[i])) { return words[i]; }
    }
    return word;
  }

  function load() {
    if (!loaded) {
      var pagefind = import(new URL("pagefind/pagefind.js", site).href).then(function (module) {
        return module.options({ baseUrl: site.pathname }).then(function () { return module; });
      });
      var words = fetch(new URL("search/words.txt", site).href)
        .then(function (response) { return response.ok ? response.text() : ""; })
        .catch(function () { return ""; })
        .then(function (text) { return text.split("\n").filter(Boolean); });
      loaded = Promise.all([pagefind, words]).then(function (both) {
        return { pagefind: both[0], words: both[1], known: new Set(both[1]) };
      });
      loaded.catch(function () { loaded = null; });  // try again at the next search
    }
    return loaded;
  }

  // The page's own address, relative to this language's site.
  function location(url) {
    return url.lastIndexOf(site.pathname, 0) === 0 ? url.slice(site.pathname.length) : url;
  }

  // The words of the page that matched, as written there (elisions
  // dropped, two letters at least): what the theme marks on the page.
  function matched(data) {
    var words = data.content.split(/\s+/);
    var found = {};
    data.locations.forEach(function (at) {
      var word = bare(unelided(bare(words[at] || "")));
      if ([...word].length > 1) { found[word.toLowerCase()] = true; }
    });
    return found;
  }

  function marked(title, terms) {
    var words = Object.keys(terms).map(function (w) { return escapeHTML(w).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    var text = escapeHTML(title);
    if (!words.length) { return text; }
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}])(" + words.join("|") + ")", "giu");
    return text.replace(pattern, "$1<mark>$2</mark>");
  }

  function item(data, score, terms) {
    var sections = data.sub_results.filter(function (sub) {
      return sub.url.indexOf("#") >= 0 && !(sub.anchor && sub.anchor.element === "h1");
    }).sort(function (a, b) { return b.locations.length - a.locations.length; });
    var page = {
      location: location(data.url), title: marked(data.meta.title || "", terms),
      text: safeExcerpt(data.excerpt), score: score, terms: terms
    };
    return [page].concat(sections.map(function (sub, i) {
      return {
        location: location(sub.url), title: marked(sub.title, terms), text: safeExcerpt(sub.excerpt),
        score: i < SECTIONS ? score : score / 2, terms: terms
      };
    }));
  }

  function search(query, number) {
    var words = queryWords(query);
    if (!words.length) {
      self.postMessage({ type: RESULT, data: { items: [] } });
      return;
    }
    load().then(function (index) {
      if (number !== latest) { return null; }
      var text = words.map(function (w) { return corrected(w, index.words, index.known); }).join(" ");
      return index.pagefind.search(text).then(function (found) {
        if (number !== latest) { return null; }
        var best = found.results.slice(0, SHOWN);
        return Promise.all(best.map(function (r) { return r.data(); })).then(function (pages) {
          if (number !== latest) { return; }
          var items = pages.map(function (data, i) { return item(data, best[i].score, matched(data)); });
          self.postMessage({ type: RESULT, data: { items: items } });
        });
      });
    }).catch(function () {
      if (number === latest) { self.postMessage({ type: RESULT, data: { items: [] } }); }
    });
  }

  self.addEventListener("message", function (event) {
    var message = event.data;
    if (message.type === SETUP) {
      var langs = message.data && message.data.config && message.data.config.lang;
      lang = (langs && langs[0]) || lang;
      self.postMessage({ type: READY });
    } else if (message.type === QUERY) {
      var number = ++latest;
      clearTimeout(timer);
      if (!String(message.data).trim()) {  // the box emptied: at once, nothing to fetch
        self.postMessage({ type: RESULT, data: { items: [] } });
        return;
      }
      timer = setTimeout(function () { search(String(message.data), number); }, WAIT);
    }
  });
})();
