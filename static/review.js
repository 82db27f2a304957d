// Review page: keep the highlighted scoring band in sight and in step with the score select.
// The server highlights the saved score's band; this only follows the select as it changes.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Scroll only the bands panel (not the page) so the highlighted band is in sight below the
  // panel's heading; the panel scrolls by itself only on screens wide and tall enough for it to
  // stay beside the entry.
  const showInPanel = (band) => {
    const panel = band.closest(".band-panel");
    if (panel && panel.scrollHeight > panel.clientHeight) {
      const heading = panel.querySelector("h2");
      const below = heading ? heading.getBoundingClientRect().bottom : panel.getBoundingClientRect().top;
      panel.scrollTop += band.getBoundingClientRect().top - below - 8;
    }
  };

  const saved = document.querySelector(".band-current");
  if (saved) showInPanel(saved);

  const select = document.querySelector("select[data-band-select]");
  if (!select) return;  // a submitted, read-only review
  const bands = document.querySelectorAll("[data-band-min][data-band-max]");
  const label = document.querySelector("[data-band-label]:not([data-band-min])");

  const highlight = () => {
    const score = select.value === "" ? null : Number(select.value);
    let current = null;
    for (const band of bands) {
      const hit = score !== null && Number(band.dataset.bandMin) <= score
        && score <= Number(band.dataset.bandMax);
      band.classList.toggle("band-current", hit);
      if (hit) {
        band.setAttribute("aria-current", "true");
        const details = band.querySelector("details");
        if (details) details.open = true;
        current = band;
      } else {
        band.removeAttribute("aria-current");
      }
    }
    if (label) label.textContent = current ? current.dataset.bandLabel : (label.dataset.noneLabel || "none chosen");
    if (current) showInPanel(current);
  };

  select.addEventListener("change", highlight);
});
