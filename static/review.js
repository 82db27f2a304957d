// Review page: move the highlighted scoring band as the examiner picks a score.
// The server highlights the saved score's band; this only keeps it in step with the select.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector("select[data-band-select]");
  if (!select) return;
  const bands = document.querySelectorAll("[data-band-min][data-band-max]");
  const label = document.querySelector("[data-band-label]:not([data-band-min])");

  // Scroll only the bands panel (not the page) so the highlighted band is in sight.
  const showInPanel = (band) => {
    const panel = band.closest(".band-panel");
    if (panel && panel.scrollHeight > panel.clientHeight) {
      panel.scrollTop += band.getBoundingClientRect().top - panel.getBoundingClientRect().top - 8;
    }
  };

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
    if (label) label.textContent = current ? current.dataset.bandLabel : "none chosen";
    if (current) showInPanel(current);
  };

  const saved = document.querySelector(".band-current");
  if (saved) showInPanel(saved);
  select.addEventListener("change", highlight);
});
