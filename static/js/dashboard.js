// Charts of the leaders' dashboard and of the public statistics (Chart.js, from our own origin:
// the CSP forbids inline scripts). The figures come from <script type="application/json"
// id="dashboard-data"> written by Django's json_script; every chart has a data table next to it.
(function () {
  "use strict";

  const COLOURS = ["#0b6e4f", "#1f5fa8", "#c07a00", "#8e3b8e", "#b23a48", "#3c7d8c"];
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 2 });
  const charts = {};

  function readData() {
    const node = document.getElementById("dashboard-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function baseOptions(horizontal, values) {
    // Counts get whole-number ticks, not 0,2 0,4…
    const whole = values.every((v) => v === null || Number.isInteger(v));
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? "y" : "x",
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (ctx) => numberFormat.format(ctx.parsed[horizontal ? "x" : "y"]) } },
      },
      scales: {
        [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: whole ? 0 : undefined, callback: (v) => numberFormat.format(v) } },
      },
    };
  }

  function trendChart(canvas, data) {
    const series = data.trend.series;
    return {
      build(index) {
        const s = series[index];
        return {
          type: "bar",
          data: { labels: data.trend.labels, datasets: [{ label: s.name, data: s.values, backgroundColor: COLOURS[index % COLOURS.length] }] },
          options: baseOptions(false, s.values),
        };
      },
    };
  }

  function breakdownChart(canvas, data) {
    const board = data.breakdowns[Number(canvas.dataset.index)];
    // A bar per group: a commune list needs height, not a squashed chart.
    const wrapper = canvas.parentElement;
    wrapper.style.height = Math.max(14, board.labels.length * 1.6 + 4) + "rem";
    return {
      build(index) {
        const s = board.series[index];
        return {
          type: "bar",
          data: { labels: board.labels, datasets: [{ label: s.name, data: s.values, backgroundColor: COLOURS[index % COLOURS.length] }] },
          options: baseOptions(true, s.values),
        };
      },
    };
  }

  function draw(canvas, maker, index) {
    if (charts[canvas.id]) charts[canvas.id].destroy();
    charts[canvas.id] = new window.Chart(canvas, maker.build(index));
  }

  function setUp() {
    const data = readData();
    if (!data || !window.Chart) return;
    document.querySelectorAll("canvas[data-kind]").forEach((canvas) => {
      const maker = canvas.dataset.kind === "trend" ? trendChart(canvas, data) : breakdownChart(canvas, data);
      const select = document.querySelector(`select[data-chart="${canvas.id}"]`);
      draw(canvas, maker, select ? Number(select.value) : 0);
      if (select) select.addEventListener("change", () => draw(canvas, maker, Number(select.value)));
    });
  }

  // The year selector opens the chosen year at once; its button stays for keyboards without JS.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // Printed on A4, the data tables are part of the page.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details.dash-table").forEach((d) => { d.dataset.wasOpen = d.open ? "1" : ""; d.open = true; });
    Object.values(charts).forEach((c) => c.resize());
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll("details.dash-table").forEach((d) => { d.open = d.dataset.wasOpen === "1"; });
    Object.values(charts).forEach((c) => c.resize());
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
