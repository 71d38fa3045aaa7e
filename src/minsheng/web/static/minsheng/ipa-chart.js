// Importance–performance analysis: items by score (x) and importance (y), mean lines as the
// quadrant borders; the top-left quadrant (important, low score) is "improve first".
(function () {
  var el = document.getElementById("ipa-chart");
  var source = document.getElementById("ipa-chart-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  if (!d.items.length) { el.style.display = "none"; return; }
  var mean = function (key) { return d.items.reduce(function (s, i) { return s + i[key]; }, 0) / d.items.length; };
  var colours = { improve: "#dc3545", keep: "#198754", overkill: "#6c757d", low: "#adb5bd" };
  var chart = echarts.init(el);
  chart.setOption({
    aria: { enabled: true },
    tooltip: { formatter: function (p) { return p.data.text + "<br>" + p.data.value[0].toFixed(1) + " / " + p.data.value[1].toFixed(2); } },
    grid: { left: 56, right: 24, bottom: 40, top: 24 },
    xAxis: { type: "value", name: d.labels.x, nameLocation: "middle", nameGap: 28, scale: true },
    yAxis: { type: "value", name: d.labels.y, scale: true },
    series: [{
      type: "scatter", symbolSize: 12,
      data: d.items.map(function (i) { return { value: [i.x, i.y], text: i.code + " " + i.text, itemStyle: { color: colours[i.q] } }; }),
      label: { show: true, position: "right", formatter: function (p) { return p.data.text.split(" ")[0]; } },
      markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#999" },
                  data: [{ xAxis: mean("x") }, { yAxis: mean("y") }] }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
