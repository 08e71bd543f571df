/* The overview's charts and map. Data comes from the page (json_script), never from a CDN.
 * Every chart element carries the URL of the filtered list behind it; clicking goes there. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("overview-data").textContent);
  const labels = JSON.parse(document.getElementById("overview-labels").textContent);
  const charts = {};
  const WAN = 10000;
  const palette = ["#206bc4", "#2fb344", "#f59f00", "#ae3ec9", "#d63939", "#17a2b8", "#6c7a91"];

  const wan = (yuan) => Math.round(yuan / WAN);
  const formatWan = (value) => Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 0 });
  // ECharts' own tooltip text (the axis charts') carries inline style attributes, which the Content Security
  // Policy refuses (style-src 'self'; docs/security.md): those tooltips are drawn on the canvas instead.
  // The pie and map tooltips stay HTML (the map's names the county in the page): their formatters add no style.
  const canvasTooltip = (options) => Object.assign({ renderMode: "richText" }, options);
  const percent = (fraction) => (fraction === null || fraction === undefined ? "—" : (fraction * 100).toFixed(1) + "%");

  function init(id) {
    const element = document.getElementById(id);
    const chart = echarts.init(element, null, { renderer: "canvas" });
    // Never lay a chart out in no space: a window shrunk to nothing for a moment (a full-page screenshot
    // does that) left the map's geo with a zero-width view, whose transform cannot be inverted, and ECharts
    // threw "Cannot read properties of null". The next resize with room redraws it.
    window.addEventListener("resize", () => {
      if (element.clientWidth > 0 && element.clientHeight > 0) chart.resize();
    });
    return chart;
  }

  function goTo(url) {
    if (url) window.location.href = url;
  }

  function fundsByYear() {
    const source = data.fundsByYear;
    const chart = init("chart-funds-by-year");
    chart.setOption({
      color: palette,
      tooltip: canvasTooltip({ trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => formatWan(v) + " " + labels.wan }),
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 60, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: source.years.map(String) },
      yAxis: { type: "value", name: labels.wan, axisLabel: { formatter: (v) => formatWan(v) } },
      series: source.series.map((series) => ({
        name: series.name, type: "bar", stack: "funds", emphasis: { focus: "series" },
        data: series.data.map((value, index) => ({
          value: wan(value),
          url: source.links[String(source.years[index])] + "&category__id__exact=" + series.id,
        })),
      })),
    });
    chart.on("click", (params) => goTo(params.data && params.data.url));
    return chart;
  }

  function supporters() {
    const rows = data.supporters;
    const chart = init("chart-supporters");
    chart.setOption({
      color: ["#a5c8f0", "#206bc4", "#d63939"],
      tooltip: canvasTooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      legend: { bottom: 0 },
      grid: { left: 64, right: 48, top: 24, bottom: 48 },
      yAxis: { type: "category", data: rows.map((r) => r.name), inverse: true },
      xAxis: [
        { type: "value", name: labels.wan, axisLabel: { formatter: (v) => formatWan(v) } },
        { type: "value", name: labels.arrivalRate, min: 0, max: 1, axisLabel: { formatter: (v) => percent(v) } },
      ],
      series: [
        { name: labels.planned, type: "bar", data: rows.map((r) => ({ value: wan(r.planned), url: r.url })) },
        { name: labels.arrived, type: "bar", data: rows.map((r) => ({ value: wan(r.arrived), url: r.url })) },
        {
          name: labels.arrivalRate, type: "line", xAxisIndex: 1, symbolSize: 8,
          data: rows.map((r) => ({ value: r.arrival_rate, url: r.url })),
          tooltip: { valueFormatter: (v) => percent(v) },
        },
      ],
    });
    chart.on("click", (params) => goTo(params.data && params.data.url));
    return chart;
  }

  function pie(id, rows, nameOf) {
    const chart = init(id);
    chart.setOption({
      color: palette,
      tooltip: { trigger: "item", formatter: (p) => p.name + "<br>" + formatWan(p.value) + " " + labels.wan + " (" + p.percent + "%)" },
      series: [{
        type: "pie", radius: ["32%", "55%"], center: ["50%", "50%"], avoidLabelOverlap: true,
        label: { formatter: "{b}\n{d}%", overflow: "break", width: 72 }, minShowLabelAngle: 4,
        data: rows.map((r) => ({ name: nameOf(r), value: wan(r.aid), url: r.url })),
      }],
    });
    chart.on("click", (params) => goTo(params.data && params.data.url));
    return chart;
  }

  function map(geojson) {
    const element = document.getElementById("map");
    const rows = data.divisions;
    const byCode = Object.fromEntries(rows.map((r) => [r.code, r]));
    // Outlines only: the XPCC markers are drawn as a scatter series on top.
    echarts.registerMap("xinjiang", {
      type: "FeatureCollection",
      features: geojson.features.filter((f) => f.geometry.type !== "Point"),
    });
    const names = Object.fromEntries(geojson.features.map((f) => [f.properties.code, f.properties.name]));
    const markers = geojson.features.filter((f) => f.properties.kind === "xpcc_marker");
    const outlines = geojson.features.filter((f) => f.geometry.type !== "Point").map((f) => f.properties.code);
    const chart = init("map");
    let metric = "aid";

    function valueOf(row) {
      if (!row) return 0;
      return metric === "aid" ? wan(row.aid) : row[metric];
    }

    function draw() {
      // The colour scale tops out at the 90th percentile, so a few large counties don't wash out the rest.
      const values = rows.map(valueOf).sort((a, b) => a - b);
      const top = values.length ? values[Math.floor(values.length * 0.9)] : 1;
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: (p) => {
            const row = byCode[p.name] || (p.data && byCode[p.data.code]);
            const title = names[p.name] || (p.data && p.data.label) || p.name;
            if (!row) return title;
            return title + "<br>" + labels.aid + ": " + formatWan(wan(row.aid)) + "<br>" + labels.projects + ": " +
              row.projects + "<br>" + labels.jobs + ": " + row.jobs;
          },
        },
        visualMap: {
          min: 0, max: Math.max(1, top), calculable: true, left: 8, bottom: 8,
          inRange: { color: ["#eef4fb", "#a5c8f0", "#206bc4", "#0b3d7a"] }, seriesIndex: 0,
        },
        geo: {
          map: "xinjiang", nameProperty: "code", roam: true, aspectScale: 0.85,
          layoutCenter: ["50%", "50%"], layoutSize: "100%",
          itemStyle: { borderColor: "#ffffff", borderWidth: 0.6, areaColor: "#f1f3f5" },
          emphasis: { itemStyle: { areaColor: "#f59f00" }, label: { show: false } },
          label: { show: false },
        },
        series: [
          {
            type: "map", geoIndex: 0,
            data: outlines.map((code) => {
              const row = byCode[code];
              // Counties outside the page's scope stay grey instead of taking the series colour.
              return row ? { name: code, value: valueOf(row), url: row.url }
                : { name: code, value: null, itemStyle: { areaColor: "#f1f3f5" } };
            }),
          },
          {
            type: "scatter", coordinateSystem: "geo", symbolSize: 9, itemStyle: { color: "#d63939" },
            name: labels.xpcc,
            data: markers.map((f) => ({
              name: f.properties.code, code: f.properties.code, label: f.properties.name,
              value: f.geometry.coordinates, url: byCode[f.properties.code] && byCode[f.properties.code].url,
            })),
          },
        ],
      }, { replaceMerge: ["series"] });
    }

    draw();
    chart.on("click", (params) => {
      const row = byCode[params.name] || (params.data && byCode[params.data.code]);
      goTo((params.data && params.data.url) || (row && row.url));
    });
    document.querySelectorAll("[data-map-metric]").forEach((button) => {
      button.addEventListener("click", () => {
        metric = button.dataset.mapMetric;
        document.querySelectorAll("[data-map-metric]").forEach((b) => {
          b.classList.toggle("btn-primary", b === button);
          b.classList.toggle("btn-outline-primary", b !== button);
        });
        draw();
      });
    });
    element.dataset.ready = "true";
    // Drawn and done animating: what a tour or a test waits for before pointing at a county.
    chart.on("finished", () => { element.dataset.finished = "true"; });
    return chart;
  }

  function start() {
    document.querySelectorAll(".progress-bar[data-width]").forEach((bar) => {
      bar.style.width = bar.dataset.width === "—" ? "0" : bar.dataset.width;
    });
    charts.fundsByYear = fundsByYear();
    charts.supporters = supporters();
    charts.categories = pie("chart-categories", data.categories, (r) => r.short_name || r.name);
    charts.zones = pie("chart-zones", data.zones, (r) => r.name);
    window.duikouOverview = {
      charts,
      /** Pixel position of a longitude/latitude on the map (for tests and tours). */
      pixelOf: (lon, lat) => charts.map && charts.map.convertToPixel({ geoIndex: 0 }, [lon, lat]),
    };
    fetch(document.getElementById("map").dataset.geojson)
      .then((response) => response.json())
      .then((geojson) => { charts.map = map(geojson); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
