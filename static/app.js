// Small page helpers; every page works without them.
"use strict";

// Characters as the award counts an application's length, the same way as
// assessor/answers.py count_characters: every character a reader sees (one per code point, so
// 中, a and 😀 are one each; Markdown's marks too), no whitespace. The list of whitespace is
// written out as in answers.py WHITESPACE (JavaScript's \s and Python's differ at the edges).
const WHITESPACE = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/gu;
const countCharacters = (text) => {
  let count = 0;
  for (const _ of text.replace(WHITESPACE, "")) count += 1;  // code points, not UTF-16 units
  return count;
};

// The page gives the wording in its language, "{name}" standing for each figure.
const fill = (template, figures) =>
  template.replace(/\{(\w+)\}/g, (whole, name) => (name in figures ? figures[name] : whole));

document.addEventListener("DOMContentLoaded", () => {
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  const show = (element, figures) => {
    const limit = Number(element.dataset.limit || 0);
    const over = limit > 0 && figures.count > limit;
    const text = fill(element.dataset.template || "{count}", Object.fromEntries(
      Object.entries({ ...figures, limit }).map(([name, value]) => [name, numbers.format(value)])));
    (element.querySelector(".count-figure") || element).textContent = text;
    element.classList.toggle("over-limit", over);
    const note = element.querySelector(".over-note");
    if (note) note.hidden = !over;
  };

  // Live character counts: under each answer box against one answer's limit, and the part of
  // the application the page belongs to (profile or self-assessment report) against its limit.
  const boxes = [];
  const totals = document.querySelectorAll("[data-length-total]");
  const showTotals = () => {
    const page = boxes.reduce((sum, entry) => sum + entry.count, 0);
    for (const total of totals) {
      const sum = Number(total.dataset.elsewhere || 0) + page;
      show(total, { count: sum, total: sum, page });
    }
  };
  for (const counter of document.querySelectorAll("[data-count-for]")) {
    const box = document.getElementById(counter.dataset.countFor);
    if (!box) continue;
    const entry = { count: countCharacters(box.value) };
    boxes.push(entry);
    const update = () => {
      entry.count = countCharacters(box.value);
      show(counter, { count: entry.count });
    };
    box.addEventListener("input", () => { update(); showTotals(); });
    update();  // a browser may have restored text the server did not send
  }
  if (boxes.length) showTotals();

  // Warn before leaving a page whose answers were changed but not saved.
  for (const form of document.querySelectorAll("form[data-warn-unsaved]")) {
    let dirty = false;
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("submit", () => { dirty = false; });
    window.addEventListener("beforeunload", (event) => {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }
});
