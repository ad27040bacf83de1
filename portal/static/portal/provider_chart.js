// The provider home's 12-month chart, drawn from the figures of the table below it (the
// table is the accessible form of the chart; the chart only repeats it).
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("subsidy-chart");
    var table = document.getElementById("subsidy-table");
    if (!canvas || !table || typeof Chart === "undefined") { return; }
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var yuan = function (fen) { return Number(fen) / 100; };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (row) { return row.dataset.month; }),
        datasets: [
          { label: canvas.dataset.capturedLabel, backgroundColor: "#0b4f8a",
            data: rows.map(function (row) { return yuan(row.dataset.capturedFen); }) },
          { label: canvas.dataset.paidLabel, backgroundColor: "#1e6b34",
            data: rows.map(function (row) { return yuan(row.dataset.paidFen); }) }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return "¥" + v.toLocaleString(); } } } }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
