// shopkpi pages: draw embedded ECharts options, sort tables by clicking a header.
(function () {
  "use strict";
  document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (el) {
    var box = document.getElementById(el.dataset.chart);
    if (!box || !window.echarts) { return; }
    var chart = window.echarts.init(box);
    chart.setOption(JSON.parse(el.textContent));
    window.addEventListener("resize", function () { chart.resize(); });
  });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, col) {
      th.addEventListener("click", function (event) {
        if (event.target.tagName === "A") { return; }
        var body = table.tBodies[0];
        var numeric = th.dataset.type === "num";
        var asc = th.dataset.dir !== "asc";
        th.dataset.dir = asc ? "asc" : "desc";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var p = x.dataset.sort !== undefined ? x.dataset.sort : x.textContent;
          var q = y.dataset.sort !== undefined ? y.dataset.sort : y.textContent;
          var r = numeric ? (parseFloat(p) || 0) - (parseFloat(q) || 0) : p.localeCompare(q, "zh");
          return asc ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  // Jobs still queued or running: poll their state, reload the page once they are over.
  document.querySelectorAll("[data-job]").forEach(function (box) {
    if (box.dataset.status !== "queued" && box.dataset.status !== "running") { return; }
    var timer = window.setInterval(function () {
      fetch("/api/v1/jobs/" + box.dataset.job, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          box.querySelector("progress").value = job.progress;
          box.querySelector(".stage").textContent = job.stage;
          box.querySelector(".status").textContent = job.status_label;
          if (job.status === "done" || job.status === "failed") {
            window.clearInterval(timer);
            window.location.reload();
          }
        });
    }, 1000);
  });
})();
