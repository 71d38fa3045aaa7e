// One indicator over time: the region, the peer median, the target and the provincial average.
(function () {
  var el = document.getElementById("indicator-chart");
  var source = document.getElementById("indicator-chart-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  var flat = function (v) { return d.periods.map(function () { return v; }); };
  var series = [
    { name: d.labels.region, type: "line", data: d.values, connectNulls: false, symbolSize: 6, color: "#0d6efd" },
    { name: d.labels.median, type: "line", data: d.median, lineStyle: { type: "dashed" }, color: "#6f42c1" }
  ];
  if (d.target !== null) { series.push({ name: d.labels.target, type: "line", data: flat(d.target), symbol: "none", color: "#198754", lineStyle: { type: "dotted" } }); }
  if (d.best !== null && d.best !== undefined) { series.push({ name: d.labels.best, type: "line", data: flat(d.best), symbol: "none", color: "#fd7e14", lineStyle: { type: "dotted" } }); }
  if (d.average !== null) { series.push({ name: d.labels.average, type: "line", data: flat(d.average), symbol: "none", color: "#6c757d", lineStyle: { type: "dotted" } }); }
  var chart = echarts.init(el);
  // Colours sit on each series (not only its line style), so the legend shows the same colour.
  chart.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 56, right: 16, bottom: 32, top: 40 },
    xAxis: { type: "category", data: d.periods },
    yAxis: { type: "value", name: d.unit, scale: true },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
