// The form fields of PDF files as pdf.js (Firefox's PDF engine) sees them.
//   node tests/pdfjs_fields.mjs a.pdf b.pdf  →  {"a.pdf": {name: [{type, value, exportValues, page, rect}]}, ...}
// With --fill answers.json src.pdf dst.pdf, fills the fields as Firefox's
// viewer does (annotation storage) and saves the file with pdf.js.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { readFileSync, writeFileSync } from "node:fs";

async function open(path) {
  const data = new Uint8Array(readFileSync(path));
  return getDocument({ data, isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
}

async function fields(doc) {
  const found = (await doc.getFieldObjects()) || {};
  const out = {};
  for (const [name, objects] of Object.entries(found)) {
    out[name] = objects.filter(o => o.type).map(o => ({
      id: o.id, type: o.type, value: o.value, exportValues: o.exportValues, page: o.page, rect: o.rect,
    }));
  }
  return out;
}

const args = process.argv.slice(2);
if (args[0] === "--fill") {
  const [, answersPath, src, dst] = args;
  const answers = JSON.parse(readFileSync(answersPath, "utf8"));
  const doc = await open(src);
  for (const [name, objects] of Object.entries(await fields(doc))) {
    if (!(name in answers)) continue;
    const value = answers[name];
    for (const o of objects) {
      if (o.type === "text") doc.annotationStorage.setValue(o.id, { value: String(value) });
      else if (o.type === "checkbox") doc.annotationStorage.setValue(o.id, { value: value === true });
      else if (o.type === "radiobutton") doc.annotationStorage.setValue(o.id, { value: o.exportValues === String(value) });
    }
  }
  writeFileSync(dst, await doc.saveDocument());
} else {
  const out = {};
  for (const path of args) out[path] = await fields(await open(path));
  console.log(JSON.stringify(out));
}
