// The cockpit's map: the child regions' boundaries (uploaded GeoJSON, or the demo's grid)
// coloured by the chosen figure; data from json_script, rendered by the vendored ECharts.
(function () {
  "use strict";
  var el = document.getElementById("cockpit-map");
  var source = document.getElementById("cockpit-map-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.geojson) { return; }
  echarts.registerMap("cockpit", data.geojson);
  var values = data.values.map(function (v) { return v.value; });
  var chart = echarts.init(el);
  chart.setOption({
    aria: { enabled: true },
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        return p.name + "<br>" + data.label + "：" + (p.value === undefined || isNaN(p.value) ? "无数据" : p.value);
      }
    },
    visualMap: {
      min: values.length ? Math.min.apply(null, values) : 0,
      max: values.length ? Math.max.apply(null, values) : 1,
      calculable: true, left: 8, bottom: 8, text: ["高", "低"],
      inRange: {
        color: data.lower_better
          ? ["#5aa469", "#cfe7c4", "#f6e8b1", "#f3d7d7"]
          : ["#f3d7d7", "#f6e8b1", "#cfe7c4", "#5aa469"]
      }
    },
    series: [{
      type: "map", map: "cockpit", name: data.label, roam: false,
      label: { show: true, fontSize: 11 }, data: data.values
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
