// One indicator over time: the region, the peer median, the target and the provincial average.
(function () {
  var el = document.getElementById("indicator-chart");
  var source = document.getElementById("indicator-chart-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  var flat = function (v) { return d.periods.map(function () { return v; }); };
  var series = [
    { name: d.labels.region, type: "line", data: d.values, connectNulls: false, symbolSize: 6 },
    { name: d.labels.median, type: "line", data: d.median, lineStyle: { type: "dashed" } }
  ];
  if (d.target !== null) { series.push({ name: d.labels.target, type: "line", data: flat(d.target), symbol: "none", lineStyle: { type: "dotted", color: "#198754" } }); }
  if (d.best !== null && d.best !== undefined) { series.push({ name: d.labels.best, type: "line", data: flat(d.best), symbol: "none", lineStyle: { type: "dotted", color: "#0d6efd" } }); }
  if (d.average !== null) { series.push({ name: d.labels.average, type: "line", data: flat(d.average), symbol: "none", lineStyle: { type: "dotted", color: "#6c757d" } }); }
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 56, right: 16, bottom: 32, top: 40 },
    xAxis: { type: "category", data: d.periods },
    yAxis: { type: "value", name: d.unit, scale: true },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
