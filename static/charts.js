// Draws every [data-chart] element with the vendored ECharts (options come from
// assessor/charts.py as JSON). Without scripts the table beside each chart carries the figures.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return;
  const charts = [];
  for (const element of document.querySelectorAll("[data-chart]")) {
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(JSON.parse(element.dataset.chart));
    element.classList.add("chart-drawn");
    charts.push(chart);
  }
  const resizeAll = () => charts.forEach((chart) => chart.resize());
  window.addEventListener("resize", resizeAll);
  // The printed page is narrower or wider than the screen: draw again at the paper's width.
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
});
