// Bar chart of service centres and windows per subordinate region (data from json_script).
(function () {
  var el = document.getElementById("windows-chart");
  var source = document.getElementById("windows-chart-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [data.labels.centres, data.labels.windows] },
    grid: { left: 48, right: 16, bottom: 56, top: 40 },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 8 ? 30 : 0 } },
    yAxis: { type: "value" },
    series: [
      { name: data.labels.centres, type: "bar", data: data.centres },
      { name: data.labels.windows, type: "bar", data: data.windows }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
