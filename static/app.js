// Small page helpers; every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Live character counts under answer boxes (award applications have length limits).
  for (const counter of document.querySelectorAll("[data-count-for]")) {
    const box = document.getElementById(counter.dataset.countFor);
    if (!box) continue;
    // The page gives the wording in its language, "{n}" standing for the number.
    const wording = counter.dataset.countTemplate || "{n} characters";
    const update = () => { counter.textContent = wording.replace("{n}", box.value.length); };
    box.addEventListener("input", update);
  }
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
