/* Dyade: fill a form on its web page and download it completed.
 *
 * Loaded by form pages only (templates/site/fields.html.j2, fill_panel).
 * Nothing leaves the browser: the answers are kept in localStorage, one
 * entry per form page (so per form and language), and the completed DOCX is
 * the blank one offered for download, fetched from this site when the page
 * loads and filled here, its content controls as Word fills them, so that
 * `dyade collect` reads it as a form filled in Word.  fflate (vendored from
 * npm into assets/vendor/) unzips and zips it.
 */
(function () {
  "use strict";

  var panel = document.getElementById("dyade-fill");
  if (!panel || !window.fflate) { return; }
  var config = JSON.parse(panel.getAttribute("data-config"));
  var says = config.messages;
  var article = panel.closest("article") || document.body;
  var status = document.getElementById("dyade-fill-status");
  var live = document.getElementById("dyade-fill-live");
  var storageKey = "dyade-fill:" + location.pathname.replace(/index\.html$/, "");

  var W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  var W14 = "http://schemas.microsoft.com/office/word/2010/wordml";
  var XML_NS = "http://www.w3.org/XML/1998/namespace";
  var CHECKED = "\u2612", UNCHECKED = "\u2610";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function say(text) {
    status.textContent = text;
  }

  // -- the controls of the page ---------------------------------------------

  function tables() {
    return Array.prototype.slice.call(article.querySelectorAll(".dyade-field--table[data-kind]"));
  }

  function rowsOf(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  }

  /* Every answer of the page as {tag: value} (the Word controls' tags of
     dyade/controls.py) with the number of rows of each table. */
  function collect() {
    var values = {}, rows = {};
    article.querySelectorAll("[data-tag]").forEach(function (el) {
      values[el.getAttribute("data-tag")] = valueOf(el);
    });
    tables().forEach(function (table) {
      var id = table.getAttribute("data-field");
      var trs = rowsOf(table);
      rows[id] = trs.length;
      trs.forEach(function (tr, i) {
        tr.querySelectorAll("[data-col]").forEach(function (el) {
          values[id + "." + (i + 1) + "." + el.getAttribute("data-col")] = valueOf(el);
        });
      });
    });
    return { values: values, rows: rows };
  }

  function valueOf(el) {
    if (el.tagName === "FIELDSET") {
      var picked = el.querySelector("input:checked");
      return picked ? picked.value : "";
    }
    if (el.type === "checkbox") { return el.checked; }
    return el.value;
  }

  function setValue(el, value) {
    if (el.tagName === "FIELDSET") {
      el.querySelectorAll("input").forEach(function (radio) { radio.checked = radio.value === value; });
    } else if (el.type === "checkbox") {
      el.checked = value === true;
    } else {
      el.value = typeof value === "string" ? value : "";
    }
  }

  function controlFor(tag) {
    var table = /^(.+)\.(\d+)\.([^.]+)$/.exec(tag);
    if (table) {
      var field = article.querySelector('.dyade-field--table[data-field="' + table[1] + '"]');
      var tr = field && rowsOf(field)[Number(table[2]) - 1];
      if (tr) { return tr.querySelector('[data-col="' + table[3] + '"]'); }
    }
    return article.querySelector('[data-tag="' + tag.replace(/["\\]/g, "") + '"]');
  }

  // -- table rows --------------------------------------------------------------

  /* A new row like the last one, empty; its cells named for their row. */
  function addRow(table) {
    var id = table.getAttribute("data-field");
    var trs = rowsOf(table);
    var last = trs[trs.length - 1];
    var row = trs.length + 1;
    var copy = last.cloneNode(true);
    var heads = table.querySelectorAll("thead th");
    copy.querySelectorAll("[data-col]").forEach(function (el, i) {
      setValue(el, el.type === "checkbox" ? false : "");
      look(el);
      var column = heads[i] ? heads[i].getAttribute("data-label") : el.getAttribute("data-col");
      el.setAttribute("aria-label", fill(config.cell, { column: column, row: row }));
      el.removeAttribute("aria-invalid");
      if (el.id) {
        var cid = "field-" + id + "-" + row + "-" + el.getAttribute("data-col");
        el.id = cid;
        el.setAttribute("aria-describedby", cid + "-msg");
        var msg = el.parentNode.querySelector(".dyade-msg");
        if (msg) { msg.id = cid + "-msg"; msg.textContent = ""; }
      }
    });
    last.parentNode.appendChild(copy);
    return copy;
  }

  function ensureRows(table, count) {
    while (rowsOf(table).length < count) { addRow(table); }
  }

  // -- keeping the answers on this device ------------------------------------------

  var storage = null;
  try {
    storage = window.localStorage;
    storage.getItem(storageKey);
  } catch (e) {
    storage = null;
  }

  function save() {
    if (!storage) { return; }
    var answers = collect();
    try {
      storage.setItem(storageKey, JSON.stringify({ version: config.version, values: answers.values, rows: answers.rows }));
    } catch (e) {
      say(says.no_storage);
    }
  }

  function restore() {
    var kept = null;
    try {
      kept = storage && JSON.parse(storage.getItem(storageKey) || "null");
    } catch (e) {
      kept = null;
    }
    if (!kept || typeof kept.values !== "object") { return false; }
    tables().forEach(function (table) {
      var count = kept.rows && Number(kept.rows[table.getAttribute("data-field")]);
      if (count > 0 && count < 1000) { ensureRows(table, count); }
    });
    Object.keys(kept.values).forEach(function (tag) {
      var el = controlFor(tag);
      if (el) { setValue(el, kept.values[tag]); }
    });
    return true;
  }

  function clearAll() {
    if (!window.confirm(says.clear_confirm)) { return; }
    if (storage) { storage.removeItem(storageKey); }
    tables().forEach(function (table) {
      var own = Number(table.querySelector(".dyade-add-row").getAttribute("data-rows"));
      rowsOf(table).slice(own).forEach(function (tr) { tr.parentNode.removeChild(tr); });
    });
    article.querySelectorAll("[data-tag], [data-col]").forEach(function (el) {
      setValue(el, el.type === "checkbox" ? false : "");
    });
    article.querySelectorAll("[data-tag], [data-col]").forEach(function (el) { check(el, false); look(el); });
    say(says.cleared);
  }

  // -- checks as the participant types ----------------------------------------------

  function labelOf(el) {
    if (el.getAttribute("aria-label")) { return el.getAttribute("aria-label"); }
    var label = el.id && article.querySelector('label[for="' + el.id + '"]');
    return label ? label.textContent.trim() : "";
  }

  function plain(number) {
    return String(number).replace(".", config.decimal);
  }

  /* What is wrong with the answer of `el`, in the page's language, or "". */
  function problem(el) {
    if (el.type === "date" && el.validity.badInput) { return says.not_date; }
    if (el.type === "date" && el.value && !/^\d{4}-\d{2}-\d{2}$/.test(el.value)) { return says.not_date; }
    if (el.type === "number") {
      if (el.validity.badInput) { return says.not_number; }
      if (el.value !== "") {
        var n = Number(el.value);
        if (el.min !== "" && n < Number(el.min)) { return fill(says.too_small, { min: plain(el.min) }); }
        if (el.max !== "" && n > Number(el.max)) { return fill(says.too_large, { max: plain(el.max) }); }
      }
    }
    return "";
  }

  var spoken = {};  // what was last announced for each control: said once, not at every key
  /* Show (and, when `speak`, announce) the problem of `el`; true if there is one. */
  function check(el, speak) {
    if (el.type !== "date" && el.type !== "number") { return false; }
    var text = problem(el);
    var msg = el.id && document.getElementById(el.id + "-msg");
    if (msg) { msg.textContent = text; }
    if (text) {
      el.setAttribute("aria-invalid", "true");
    } else {
      el.removeAttribute("aria-invalid");
    }
    if (speak && text && spoken[el.id] !== text) {
      live.textContent = labelOf(el) + config.colon + " " + text;
    }
    if (speak || !text) { spoken[el.id] = text; }
    return Boolean(text);
  }

  /* Empty drop-downs and dates print as blank lines; text boxes grow with
     their text.  An answered text box or drop-down prints as its text, in
     a copy beside it (hidden on screen and from screen readers): on paper
     the columns are narrower than on screen, and neither control wraps
     its text to fit. */
  function look(el) {
    if (el.tagName === "SELECT" || el.type === "date") {
      el.classList.toggle("dyade-empty", el.value === "");
    }
    if (el.tagName === "TEXTAREA") {
      el.style.height = "";
      if (el.scrollHeight > el.clientHeight) { el.style.height = (el.scrollHeight + 4) + "px"; }
    }
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") {
      var copy = el.nextElementSibling;
      if (!copy || !copy.classList.contains("dyade-print")) {
        copy = document.createElement("span");
        copy.className = "dyade-print";
        copy.setAttribute("aria-hidden", "true");
        el.parentNode.insertBefore(copy, el.nextSibling);
      }
      var text = el.tagName === "SELECT" ? (el.value === "" ? "" : el.options[el.selectedIndex].text) : el.value;
      copy.textContent = text;
      el.classList.toggle("dyade-printed", text.trim() !== "");
    }
  }

  // -- the completed DOCX ---------------------------------------------------------------

  var blank = null;
  function loadBlank() {
    if (!config.docx) { return Promise.reject(new Error("no blank form")); }
    return fetch(config.docx, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.arrayBuffer();
    }).then(function (buffer) {
      blank = new Uint8Array(buffer);
      return blank;
    });
  }

  /* Word's date picture (w:dateFormat) for the date `iso`. */
  function wordDate(iso, picture) {
    var parts = iso.split("-").map(Number);
    var year = parts[0], month = parts[1], day = parts[2];
    var tokens = [["yyyy", String(year)], ["yy", String(year).slice(-2)], ["MMMM", config.months[month - 1]],
      ["MMM", config.months[month - 1].slice(0, 3)], ["MM", ("0" + month).slice(-2)], ["M", String(month)],
      ["dd", ("0" + day).slice(-2)], ["d", String(day)]];
    var out = "", i = 0;
    while (i < picture.length) {
      if (picture[i] === "'") {  // quoted literal text
        var end = picture.indexOf("'", i + 1);
        end = end < 0 ? picture.length : end;
        out += picture.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      var token = null;
      for (var t = 0; t < tokens.length; t++) {
        if (picture.substr(i, tokens[t][0].length) === tokens[t][0]) { token = tokens[t]; break; }
      }
      if (token) {
        out += token[1];
        i += token[0].length;
      } else {
        out += picture[i];
        i += 1;
      }
    }
    return out;
  }

  function child(node, ns, name) {
    for (var c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 1 && c.namespaceURI === ns && c.localName === name) { return c; }
    }
    return null;
  }

  function tagOf(sdt) {
    var pr = child(sdt, W, "sdtPr");
    var tag = pr && child(pr, W, "tag");
    return tag ? tag.getAttributeNS(W, "val") : null;
  }

  function innermost(doc) {
    return Array.prototype.filter.call(doc.getElementsByTagNameNS(W, "sdt"), function (sdt) {
      return sdt.getElementsByTagNameNS(W, "sdt").length === 0;
    });
  }

  /* Fill one content control as Word does: the placeholder flag and run
     removed, the answer in a run with the control's own run properties;
     dates with w:fullDate, drop-downs with the item's display text, check
     boxes with w14:checked and the ☒ glyph.  An empty answer leaves the
     control showing its placeholder. */
  function fillControl(sdt, kind, value) {
    var doc = sdt.ownerDocument;
    var pr = child(sdt, W, "sdtPr");
    var content = child(sdt, W, "sdtContent");
    var box = child(pr, W14, "checkbox");
    if (box) {
      var on = value === true;
      child(box, W14, "checked").setAttributeNS(W14, "w14:val", on ? "1" : "0");
      var glyph = content.getElementsByTagNameNS(W, "t")[0];
      if (glyph) { glyph.textContent = on ? CHECKED : UNCHECKED; }
      return;
    }
    if (value === "" || value === null || value === undefined || value === false) { return; }
    var text = String(value);
    var date = child(pr, W, "date");
    var drop = child(pr, W, "dropDownList");
    if (date) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) { return; }
      date.setAttributeNS(W, "w:fullDate", text + "T00:00:00Z");
      var picture = child(date, W, "dateFormat");
      text = wordDate(text, picture ? picture.getAttributeNS(W, "val") : config.date_format);
    } else if (drop) {
      var item = Array.prototype.filter.call(drop.getElementsByTagNameNS(W, "listItem"), function (li) {
        return li.getAttributeNS(W, "value") === text;
      })[0];
      if (!item) { return; }
      drop.setAttributeNS(W, "w:lastValue", text);
      text = item.getAttributeNS(W, "displayText") || text;
    } else if (kind === "number") {
      text = plain(text);
    }
    var flag = child(pr, W, "showingPlcHdr");
    if (flag) { pr.removeChild(flag); }
    while (content.firstChild) { content.removeChild(content.firstChild); }
    var run = doc.createElementNS(W, "w:r");
    var typed = child(pr, W, "rPr");
    if (typed) { run.appendChild(typed.cloneNode(true)); }
    text.replace(/\r\n?/g, "\n").split("\n").forEach(function (line, i) {
      if (i) { run.appendChild(doc.createElementNS(W, "w:br")); }
      var t = doc.createElementNS(W, "w:t");
      t.setAttributeNS(XML_NS, "xml:space", "preserve");
      t.textContent = line;
      run.appendChild(t);
    });
    content.appendChild(run);
  }

  function kindOf(tag) {
    var el = controlFor(tag);
    return el ? el.getAttribute("data-kind") : "text";
  }

  /* word/document.xml with the answers in its controls; the rows added on
     the page are copies of the table's last row, as Word adds them (same
     tags, new ids). */
  function filledDocument(xml, answers) {
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) { throw new Error("the blank form is damaged"); }
    var ids = Array.prototype.map.call(doc.getElementsByTagNameNS(W, "id"), function (n) {
      return Number(n.getAttributeNS(W, "val")) || 0;
    });
    var nextId = Math.max.apply(null, ids.concat([0])) + 1;
    var byTag = {};
    innermost(doc).forEach(function (sdt) { byTag[tagOf(sdt)] = sdt; });
    var extra = [];  // [sdt, tag whose answer it takes]
    tables().forEach(function (table) {
      var id = table.getAttribute("data-field");
      var own = Number(table.querySelector(".dyade-add-row").getAttribute("data-rows"));
      var wanted = answers.rows[id] || own;
      var firstCol = table.querySelector("[data-col]").getAttribute("data-col");
      var lastSdt = byTag[id + "." + own + "." + firstCol];
      var tr = lastSdt;
      while (tr && !(tr.namespaceURI === W && tr.localName === "tr")) { tr = tr.parentNode; }
      if (!tr) { return; }
      var after = tr;
      for (var row = own + 1; row <= wanted; row++) {
        var copy = tr.cloneNode(true);
        innermost(copy).forEach(function (sdt) {
          var idNode = child(child(sdt, W, "sdtPr"), W, "id");
          if (idNode) { idNode.setAttributeNS(W, "w:val", String(nextId++)); }
          var col = tagOf(sdt).split(".").pop();
          extra.push([sdt, id + "." + row + "." + col]);
        });
        after.parentNode.insertBefore(copy, after.nextSibling);
        after = copy;
      }
    });
    Object.keys(byTag).forEach(function (tag) {
      if (Object.prototype.hasOwnProperty.call(answers.values, tag)) {
        fillControl(byTag[tag], kindOf(tag), answers.values[tag]);
      }
    });
    extra.forEach(function (pair) {
      fillControl(pair[0], kindOf(pair[1]), answers.values[pair[1]]);
    });
    var out = new XMLSerializer().serializeToString(doc);
    if (!/^<\?xml/.test(out)) { out = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + out; }
    return out;
  }

  function completedDocx(bytes, answers) {
    var files = fflate.unzipSync(bytes);
    var name = "word/document.xml";
    files[name] = fflate.strToU8(filledDocument(fflate.strFromU8(files[name]), answers));
    var zipped = {};
    Object.keys(files).forEach(function (member) { zipped[member] = [files[member], { level: 6 }]; });
    return fflate.zipSync(zipped);
  }

  function offer(bytes, file, type) {
    var blob = new Blob([bytes], { type: type || "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = file;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  /* What is left: the answers to look at again, and how many questions are unanswered. */
  function leftToDo(answers) {
    var wrong = [];
    article.querySelectorAll("[data-tag], [data-col]").forEach(function (el) {
      if (check(el, false)) { wrong.push(labelOf(el)); }
    });
    var empty = 0;
    article.querySelectorAll(".dyade-field[data-kind]").forEach(function (field) {
      var answered = Array.prototype.some.call(field.querySelectorAll("[data-tag], [data-col]"), function (el) {
        var v = valueOf(el);
        return v === true || (typeof v === "string" && v.trim() !== "");
      });
      if (!answered) { empty += 1; }
    });
    var out = [];
    if (wrong.length) { out.push(fill(says.left, { fields: wrong.join(" · ") })); }
    if (empty) { out.push(fill(says.unanswered, { n: empty })); }
    return out.join(" ");
  }

  function download() {
    var answers = collect();
    var ready = blank ? Promise.resolve(blank) : loadBlank();
    ready.then(function (bytes) {
      offer(completedDocx(bytes, answers), config.file);
      say([fill(says.done, { file: config.file }), leftToDo(answers)].join(" ").trim());
    }, function () {
      say(says.no_blank);
    });
  }

  // -- the completed PDF ----------------------------------------------------------------
  /* The fillable PDF offered for download (dyade/pdfform.py), fetched from
     this site and filled here by an incremental update (PDF 32000-1,
     7.5.6): its bytes unchanged, then the fields and widgets that change, the
     new appearance streams, a cross-reference section and a trailer whose
     /Prev is the original's.  This script never parses the PDF: the site
     build wrote its fill plan (pdfform.fill_plan, assets/fill/<form>.json):
     per field its object and its widgets' objects in PDF syntax less the keys
     set here, the field font's metrics, the original's last cross-reference
     section and trailer, and the file's length and SHA-256 (a plan fills
     only the file it was made from).  Each field gets its value (/V; a
     button's widgets their state /AS) and each text widget an appearance
     stream drawn like dyade/pdfform.py draws the blank one: the form's own
     field font /DyF (a simple TrueType font, WinAnsi encoding, /Widths from
     32), so any reader shows the answers without rebuilding them; no
     NeedAppearances, no JavaScript: the file stays the PDF/A it is. */

  var PAD = 2;           // points between a text box's edge and its text
  var LEADING = 1.2;     // line height of multi-line answers, in type sizes
  var CP1252 = { 0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
    0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
    0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
    0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F };

  /* The fill plan, fetched when the page loads (with the blank PDF), so that
     the PDF can be made with the network cut. */
  var fillPlan = null;
  function loadPlan() {
    if (fillPlan) { return fillPlan; }
    if (!config.pdf_plan) { return Promise.reject(new Error("no fill plan")); }
    fillPlan = fetch(config.pdf_plan, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
    fillPlan.catch(function () { fillPlan = null; });
    return fillPlan;
  }

  /* SHA-256 (FIPS 180-4) of `bytes`, in hexadecimal; the constants are the
     fractional parts of the square and cube roots of the first primes. */
  function sha256(bytes) {
    var k = [], h = [], p, q, n = 0, i;
    for (p = 2; n < 64; p++) {
      for (q = 2; q * q <= p && p % q; q++) { /* trial division */ }
      if (q * q > p) {
        if (n < 8) { h[n] = (Math.pow(p, 1 / 2) * 4294967296) | 0; }
        k[n++] = (Math.pow(p, 1 / 3) * 4294967296) | 0;
      }
    }
    var length = bytes.length, total = ((length + 72) >> 6) << 6;
    var m = new Uint8Array(total);
    m.set(bytes);
    m[length] = 0x80;
    var view = new DataView(m.buffer);
    view.setUint32(total - 8, Math.floor(length / 536870912));
    view.setUint32(total - 4, (length << 3) >>> 0);
    var w = new Int32Array(64);
    for (var off = 0; off < total; off += 64) {
      for (i = 0; i < 16; i++) { w[i] = view.getInt32(off + 4 * i); }
      for (i = 16; i < 64; i++) {
        var x = w[i - 15], y = w[i - 2];
        w[i] = (w[i - 16] + ((x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3)) + w[i - 7]
                + ((y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10))) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (i = 0; i < 64; i++) {
        var t1 = (hh + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) + ((e & f) ^ (~e & g))
                  + k[i] + w[i]) | 0;
        var t2 = (((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h = [a, b, c, d, e, f, g, hh].map(function (v, j) { return (h[j] + v) | 0; });
    }
    return h.map(function (v) { return ("0000000" + (v >>> 0).toString(16)).slice(-8); }).join("");
  }

  var blankPdf = null;
  function loadBlankPdf() {
    if (blankPdf) { return Promise.resolve(blankPdf); }
    if (!config.pdf) { return Promise.reject(new Error("no blank PDF")); }
    return fetch(config.pdf, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.arrayBuffer();
    }).then(function (buffer) {
      blankPdf = new Uint8Array(buffer);
      return blankPdf;
    });
  }

  /* The WinAnsi byte of each character; '?' for those the font has not (counted in `lost`). */
  function winAnsi(text, lost) {
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length) { i++; c = -1; }
      var b = (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xFF) ? c : (CP1252[c] || -1);
      if (b < 0) { lost.push(text.charAt(i)); b = 0x3F; }
      out.push(b);
    }
    return out;
  }

  function pdfString(bytes) {
    var s = "(";
    bytes.forEach(function (b) {
      if (b === 0x28 || b === 0x29 || b === 0x5C) { s += "\\" + String.fromCharCode(b); }
      else if (b < 0x20 || b > 0x7E) { s += "\\" + ("00" + b.toString(8)).slice(-3); }
      else { s += String.fromCharCode(b); }
    });
    return s + ")";
  }

  /* Lines of at most `room` points, broken between words (a word longer than a line, by characters). */
  function wrap(lineBytes, widthOf, room) {
    var lines = [];
    var line = [], w = 0;
    var words = [], word = [];
    lineBytes.forEach(function (b) {
      word.push(b);
      if (b === 0x20) { words.push(word); word = []; }
    });
    if (word.length) { words.push(word); }
    words.forEach(function (wd) {
      var ww = wd.reduce(function (sum, b) { return sum + widthOf(b); }, 0);
      var trimmed = wd[wd.length - 1] === 0x20 ? ww - widthOf(0x20) : ww;
      if (line.length && w + trimmed > room) { lines.push(line); line = []; w = 0; }
      if (!line.length && trimmed > room) {
        wd.forEach(function (b) {
          if (line.length && w + widthOf(b) > room) { lines.push(line); line = []; w = 0; }
          line.push(b); w += widthOf(b);
        });
        return;
      }
      line = line.concat(wd); w += ww;
    });
    lines.push(line);
    return lines;
  }

  /* The appearance stream of a text widget: {dict, data}, the text drawn in the field font. */
  function textAppearance(widget, font, text, size, multiline, lost) {
    var rect = widget.rect;
    var w = Math.abs(rect[2] - rect[0]), h = Math.abs(rect[3] - rect[1]);
    var widthOf = function (b) { return (font.widths[b - font.first] || 0) * size / 1000; };
    var lines = [];
    String(text).replace(/\r\n?/g, "\n").split("\n").forEach(function (para) {
      var bytes = winAnsi(para, lost);
      lines = lines.concat(multiline ? wrap(bytes, widthOf, w - 2 * PAD) : [bytes]);
    });
    if (!multiline) {  // one line: the paragraphs joined by spaces
      lines = [lines.reduce(function (all, line, i) { return all.concat(i ? [0x20] : [], line); }, [])];
    }
    var ascent = font.ascent * size / 1000, descent = font.descent * size / 1000;
    var ops = ["/Tx BMC", "q", PAD / 2 + " " + PAD / 2 + " " + (w - PAD).toFixed(2) + " " + (h - PAD).toFixed(2) + " re W n",
      "BT", "/" + font.resource + " " + size + " Tf", "0 g"];
    var y = multiline ? h - PAD - ascent : (h - (ascent - descent)) / 2 - descent;
    ops.push(PAD + " " + y.toFixed(2) + " Td");
    lines.forEach(function (line, i) {
      if (i) { ops.push("0 " + (-size * LEADING).toFixed(2) + " Td"); }
      ops.push(pdfString(line) + " Tj");
    });
    ops.push("ET", "Q", "EMC");
    var data = ops.join("\n");  // ASCII: pdfString escapes every other byte
    return { data: data, dict: "/Type /XObject /Subtype /Form /BBox [0 0 " + Number(w.toFixed(3)) + " " +
      Number(h.toFixed(3)) + "] /Resources << /Font << /" + font.resource + " " + ref(font.ref) + " >> >> /Length " + data.length };
  }

  function ref(r) { return r[0] + " " + r[1] + " R"; }

  function has(dict, key) { return !!dict && Object.prototype.hasOwnProperty.call(dict, key); }

  /* A text string as PDF writes any text: UTF-16BE with its byte order mark, in hexadecimal. */
  function textString(text) {
    var s = "<FEFF";
    for (var i = 0; i < text.length; i++) { s += ("000" + text.charCodeAt(i).toString(16)).slice(-4); }
    return s + ">";
  }

  function pad(n, width) { return ("0000000000" + n).slice(-width); }

  /* Characters 0-255 (the plan keeps the PDF's bytes so) as bytes. */
  function bytesOf(text) {
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }

  function pdfValue(tag, value) {
    var kind = kindOf(tag);
    if (value === true) { return { state: "Yes" }; }
    if (value === false) { return { state: "Off" }; }
    if (value === "" || value === null || value === undefined) { return null; }
    if (kind === "choice" || kind === "rating") { return { state: String(value) }; }
    if (kind === "number") { return { text: plain(value) }; }
    return { text: String(value) };  // a date stays as the page keeps it: YYYY-MM-DD, the PDF's own hint
  }

  function mismatch() {
    var error = new Error("the fill plan is not the plan of this PDF");
    error.mismatch = true;
    return error;
  }

  /* The PDF `bytes` with the answers: {bytes, lost (characters drawn as "?"), left ({table: rows not in the PDF})}. */
  function completedPdf(plan, bytes, answers) {
    if (!plan || plan.version !== 1 || bytes.length !== plan.length || sha256(bytes) !== plan.sha256) {
      throw mismatch();
    }
    var font = plan.font;
    var objects = {}, order = [], next = plan.size;
    function object(r, body) {  // a changed object: its entries kept, and those set here
      var key = r[0] + " " + r[1];
      if (!objects[key]) { objects[key] = { ref: r, body: body || "", set: [] }; order.push(objects[key]); }
      return objects[key];
    }
    var lost = [], left = {};
    Object.keys(answers.values).forEach(function (tag) {
      var value = pdfValue(tag, answers.values[tag]);
      var field = has(plan.fields, tag) ? plan.fields[tag] : null;
      if (!field) {
        var row = /^(.+)\.(\d+)\.[^.]+$/.exec(tag);
        if (row && value && value.state !== "Off") { left[row[1]] = (left[row[1]] || []).concat([Number(row[2])]); }
        return;
      }
      if (!value) { return; }
      if (field.type === "Btn" && value.state !== undefined) {
        var own = object(field.ref, field.body), chosen = "/Off";
        field.widgets.forEach(function (widget) {
          var state = has(widget.states, value.state) ? widget.states[value.state] : "/Off";
          if (state !== "/Off") { chosen = state; }
          object(widget.ref, widget.body).set.push("/AS " + state);
        });
        own.set.push("/V " + chosen);
      } else if (field.type === "Tx" && value.text !== undefined) {
        object(field.ref, field.body).set.push("/V " + textString(value.text.replace(/\r\n?/g, "\n")));
        field.widgets.forEach(function (widget) {
          var stream = textAppearance(widget, font, value.text, field.size, field.multiline, lost);
          stream.ref = [next++, 0];
          order.push(stream);
          object(widget.ref, widget.body).set.push("/AP << /N " + ref(stream.ref) + " >>");
        });
      }
    });
    if (!order.length) { return { bytes: bytes, lost: lost, left: left }; }  // nothing answered: the blank PDF
    // The update, after the original's last byte (and an end of line).
    var out = [], at = bytes.length, entries = [];
    function put(text) { out.push(text); at += text.length; }
    if (bytes[bytes.length - 1] !== 0x0A && bytes[bytes.length - 1] !== 0x0D) { put("\n"); }
    order.forEach(function (obj) {
      entries.push({ ref: obj.ref, at: at });
      var head = obj.ref[0] + " " + obj.ref[1] + " obj\n";
      if (obj.data !== undefined) {
        put(head + "<< " + obj.dict + " >>\nstream\n" + obj.data + "\nendstream\nendobj\n");
      } else {
        put(head + "<< " + [obj.body].concat(obj.set).join(" ") + " >>\nendobj\n");
      }
    });
    var random = new Uint8Array(16);
    (window.crypto || { getRandomValues: function (a) { a.forEach(function (v, i) { a[i] = Math.random() * 256; }); } }).getRandomValues(random);
    var newId = "<" + Array.prototype.map.call(random, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("") + ">";
    var xrefStream = plan.xref_stream ? [next++, 0] : null;
    var xrefAt = at;
    if (xrefStream) { entries.push({ ref: xrefStream, at: xrefAt }); }
    entries.sort(function (a, b) { return a.ref[0] - b.ref[0]; });
    var sections = [];  // runs of consecutive object numbers
    entries.forEach(function (e) {
      var last = sections[sections.length - 1];
      if (last && last.first + last.entries.length === e.ref[0]) { last.entries.push(e); }
      else { sections.push({ first: e.ref[0], entries: [e] }); }
    });
    var trailer = "/Size " + next + " /Prev " + plan.startxref + (plan.trailer ? " " + plan.trailer : "") +
      " /ID [" + (plan.id || newId) + " " + newId + "]";
    if (xrefStream) {  // after an xref stream, the update's cross-reference section is one too
      var data = "";
      entries.forEach(function (e) {
        data += String.fromCharCode(1, e.at >>> 24 & 255, e.at >>> 16 & 255, e.at >>> 8 & 255, e.at & 255,
                                    e.ref[1] >> 8 & 255, e.ref[1] & 255);
      });
      var index = sections.map(function (s) { return s.first + " " + s.entries.length; }).join(" ");
      put(xrefStream[0] + " 0 obj\n<< /Type /XRef " + trailer + " /Index [" + index + "] /W [1 4 2] /Length " +
          data.length + " >>\nstream\n" + data + "\nendstream\nendobj\n");
    } else {
      put("xref\n" + sections.map(function (s) {
        return s.first + " " + s.entries.length + "\n" + s.entries.map(function (e) {
          return pad(e.at, 10) + " " + pad(e.ref[1], 5) + " n \n";
        }).join("");
      }).join("") + "trailer\n<< " + trailer + " >>\n");
    }
    put("startxref\n" + xrefAt + "\n%%EOF\n");
    var update = bytesOf(out.join(""));
    var whole = new Uint8Array(bytes.length + update.length);
    whole.set(bytes);
    whole.set(update, bytes.length);
    return { bytes: whole, lost: lost, left: left };
  }

  function downloadPdf() {
    var answers = collect();
    say(says.pdf_working);
    Promise.all([loadPlan(), loadBlankPdf()]).then(function (got) {
      return completedPdf(got[0], got[1], answers);
    }).then(function (made) {
      offer(made.bytes, config.pdf_file, "application/pdf");
      var parts = [fill(says.done, { file: config.pdf_file })];
      var tables = Object.keys(made.left);
      if (tables.length) {
        parts.push(fill(says.pdf_rows_left, { rows: tables.map(function (id) {
          var rows = made.left[id].filter(function (r, i, all) { return all.indexOf(r) === i; }).sort(function (a, b) { return a - b; });
          var field = article.querySelector('.dyade-field--table[data-field="' + id + '"] caption');
          return (field ? field.textContent.trim() : id) + config.colon + " " + rows.join(", ");
        }).join(" · ") }));
      }
      if (made.lost.length) {
        parts.push(fill(says.pdf_replaced, { chars: made.lost.filter(function (c, i, all) { return all.indexOf(c) === i; }).join(" ") }));
      }
      parts.push(leftToDo(answers));
      say(parts.join(" ").trim());
    }, function (error) {
      say(error && error.mismatch ? says.pdf_mismatch : says.no_blank);
    });
  }

  // -- wiring ---------------------------------------------------------------------------

  var restored = restore();
  article.querySelectorAll("[data-tag], [data-col]").forEach(function (el) { look(el); check(el, false); });
  panel.hidden = false;
  if (!storage) {
    say(says.no_storage);
  } else if (restored) {
    say(says.restored);
  }

  var speakTimer = null;
  function changed(event) {
    var el = event.target;
    if (!el.closest || !el.closest(".dyade-field[data-kind]")) { return; }
    var control = el.type === "radio" ? el.closest("[data-tag]") : el;
    if (control) {
      look(control);
      check(control, false);
      clearTimeout(speakTimer);
      speakTimer = setTimeout(function () { check(control, true); }, 700);
    }
    save();
  }
  article.addEventListener("input", changed);
  article.addEventListener("change", changed);
  article.addEventListener("focusout", function (event) {
    var el = event.target;
    if (el.type === "date" || el.type === "number") { check(el, true); }
  });

  article.querySelectorAll(".dyade-add-row").forEach(function (button) {
    var table = button.closest(".dyade-field");
    button.addEventListener("click", function () {
      var row = addRow(table);
      save();
      live.textContent = fill(says.row_added, { row: rowsOf(table).length });
      var first = row.querySelector("[data-col]");
      if (first) { first.focus(); }
    });
  });
  panel.querySelector('[data-action="download-docx"]').addEventListener("click", download);
  var pdfButton = panel.querySelector('[data-action="download-pdf"]');
  if (pdfButton) { pdfButton.addEventListener("click", downloadPdf); }
  panel.querySelector('[data-action="clear"]').addEventListener("click", clearAll);

  // Printing: every long answer whole.
  window.addEventListener("beforeprint", function () {
    article.querySelectorAll("textarea").forEach(look);
  });

  loadBlank().catch(function () { say(says.no_blank); });
  // Fetched now too (with its fill plan: both are small), so the PDF can be made offline later.
  if (config.pdf) {
    loadBlankPdf().catch(function () {});
    loadPlan().catch(function () {});
  }
})();
