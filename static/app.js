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

  keepDrafts();
});

// Drafts kept in this browser. What is typed into a form marked data-warn-unsaved (answers,
// review entries, consensus) is copied to localStorage as it is typed, per signed-in user and
// page. Whatever happens to the save (signed out meanwhile, the session expired, the server
// down, the tab closed), the next time that user opens the page the text comes back, with a
// note that it is not saved yet. The draft is removed when the page says its save went through
// (a success message and no error or warning after the form was sent), or when, without an
// error, the page shows what the draft holds (spacing aside: the server trims and re-lines
// what it stores). Drafts older than DRAFT_DAYS are removed too.
const DRAFT_PREFIX = "assessor.draft:";
const DRAFT_DAYS = 30;

const storage = () => {
  try { return window.localStorage; } catch (error) { return null; }  // blocked by the browser
};

// The fields a draft holds: what a person types or picks, and the hidden fields that go with
// it (the revision each answer was written against), never the CSRF token or a password.
const draftFields = (form) => Array.from(form.elements).filter((field) =>
  field.name && field.name !== "csrf_token" && !field.matches(":disabled") &&
  (field.tagName === "TEXTAREA" || field.tagName === "SELECT" ||
   (field.tagName === "INPUT" && ["text", "number", "hidden", "search"].includes(field.type))));
const typed = (field) => field.type !== "hidden";
const sameText = (one, other) => one.replace(/\s+/g, " ").trim() === other.replace(/\s+/g, " ").trim();

function keepDrafts() {
  const store = storage();
  const owner = document.body.dataset.user;
  if (!store) return;
  const now = Date.now();
  for (let index = store.length - 1; index >= 0; index -= 1) {  // forget old drafts
    const key = store.key(index);
    if (!key || !key.startsWith(DRAFT_PREFIX)) continue;
    try {
      if (now - JSON.parse(store.getItem(key)).at > DRAFT_DAYS * 86400000) store.removeItem(key);
    } catch (error) { store.removeItem(key); }
  }
  showWaitingDrafts(store);
  if (!owner) return;
  const refused = document.querySelector(".flash-error, .flash-warning") !== null;
  const succeeded = !refused && document.querySelector(".flash-success") !== null;
  document.querySelectorAll("form[data-warn-unsaved]").forEach((form, number) => {
    const key = `${DRAFT_PREFIX}${owner}:${window.location.pathname}:${number}`;
    const save = (sent = false) => {
      const values = {};
      for (const field of draftFields(form)) values[field.name] = field.value;
      try { store.setItem(key, JSON.stringify({ at: Date.now(), sent, values })); } catch (error) {
        // full or blocked: the page still works, only without a kept draft
      }
    };
    let timer = null;
    const later = () => { clearTimeout(timer); timer = setTimeout(save, 300); };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", () => { clearTimeout(timer); timer = null; save(true); });
    window.addEventListener("pagehide", () => { if (timer) { clearTimeout(timer); save(); } });

    let draft = null;
    try { draft = JSON.parse(store.getItem(key)); } catch (error) { draft = null; }
    if (!draft || !draft.values) return;
    if (draft.sent && succeeded) { store.removeItem(key); return; }  // the save went through
    const fields = draftFields(form).filter((field) => field.name in draft.values);
    const changed = fields.filter((field) =>
      typed(field) && !sameText(field.value, String(draft.values[field.name])));
    if (!changed.length) {
      if (!refused) store.removeItem(key);  // nothing new: the page holds it all
      return;
    }
    const before = new Map(fields.map((field) => [field, field.value]));
    for (const field of fields) {
      if (!typed(field) || changed.includes(field)) field.value = draft.values[field.name];
    }
    for (const field of changed) field.dispatchEvent(new Event("input", { bubbles: true }));
    save();  // restored, not sent: a later success message elsewhere does not remove it
    const editor = form.closest("details");
    if (editor) editor.open = true;
    form.before(restoredNote(new Date(draft.at), () => {
      for (const [field, value] of before) field.value = value;
      for (const field of changed) field.dispatchEvent(new Event("input", { bubbles: true }));
      store.removeItem(key);
    }));
  });
}

// "Restored from this browser, not yet saved", with the time it was typed and a button that
// puts back what the server sent. The wording comes from the page, in its language.
function restoredNote(when, discard) {
  const wording = document.body.dataset;
  const note = document.createElement("p");
  note.className = "flash flash-warning draft-note";
  note.setAttribute("role", "status");
  note.dataset.draftNote = "";
  const time = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
    { dateStyle: "medium", timeStyle: "short" }).format(when);
  note.textContent = fill(wording.draftRestored || "{time}", { time }) + " ";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button";
  button.textContent = wording.draftDiscard || "×";
  button.addEventListener("click", () => { discard(); note.remove(); });
  note.append(button);
  return note;
}

// On the sign-in page: say that text typed on the page one is sent back to is kept here.
function showWaitingDrafts(store) {
  const form = document.querySelector("main form");
  const next = new URLSearchParams(window.location.search).get("next");
  const wording = document.body.dataset.draftWaiting;
  if (!form || !next || !wording || document.body.dataset.user) return;
  const path = next.split("?")[0];
  for (let index = 0; index < store.length; index += 1) {
    const key = store.key(index) || "";
    if (key.startsWith(DRAFT_PREFIX) && key.split(":").slice(2, -1).join(":") === path) {
      const note = document.createElement("p");
      note.className = "flash flash-warning draft-note";
      note.setAttribute("role", "status");
      note.textContent = wording;
      form.before(note);
      return;
    }
  }
}
