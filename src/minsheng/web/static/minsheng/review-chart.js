// Rating statistics: shrunk scores of the ranked groups, and the monthly trend of 好评率.
(function () {
  var source = document.getElementById("review-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  var rankEl = document.getElementById("review-rank-chart");
  if (rankEl && d.groups.length) {
    var rank = echarts.init(rankEl);
    rank.setOption({
    aria: { enabled: true },
      tooltip: { trigger: "axis" },
      grid: { left: 160, right: 24, bottom: 24, top: 24 },
      xAxis: { type: "value", scale: true, name: d.labels.score },
      yAxis: { type: "category", data: d.groups.slice().reverse(), axisLabel: { width: 150, overflow: "truncate" } },
      series: [{ type: "bar", data: d.shrunk.slice().reverse(), name: d.labels.score }]
    });
    window.addEventListener("resize", function () { rank.resize(); });
  }
  var trendEl = document.getElementById("review-trend-chart");
  function percent(v) { return v == null ? "—" : (v * 100).toFixed(1) + "%"; }
  if (trendEl && d.trend.length) {
    var trend = echarts.init(trendEl);
    trend.setOption({
    aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, bottom: 24, top: 40 },
      xAxis: { type: "category", data: d.trend.map(function (t) { return t.month; }) },
      yAxis: [{ type: "value", name: d.labels.good, min: function (v) { return Math.floor(v.min * 100) / 100; }, max: 1,
                axisLabel: { formatter: percent } },
              { type: "value", name: d.labels.n }],
      series: [
        { name: d.labels.good, type: "line", data: d.trend.map(function (t) { return t.good_rate; }),
          tooltip: { valueFormatter: percent } },
        { name: d.labels.n, type: "bar", yAxisIndex: 1, data: d.trend.map(function (t) { return t.n; }), itemStyle: { opacity: 0.3 } }
      ]
    });
    window.addEventListener("resize", function () { trend.resize(); });
  }
})();
