/* 底数清 as a bar chart: households, registered and floating residents per child area (ECharts). */
(() => {
  "use strict";
  const el = document.getElementById("figures-chart");
  if (!el || !window.echarts) return;
  const data = window.GG.readJson("figures-data");
  const colours = { households: "#114f9b", registered: "#59a14f", floating: "#f28e2b" };
  const chart = window.echarts.init(el, null, { renderer: "svg" });
  const narrow = () => el.clientWidth < 520;
  function options() {
    const n = data.categories.length;
    // Slanted names only when they would collide: many bars, or a few on a narrow screen.
    const slant = n > 6 || (narrow() && n > 3);
    return {
      animation: false, // the chart is read, not watched
      color: data.series.map((s) => colours[s.key]),
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, itemWidth: 14, itemHeight: 10 },
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: data.categories,
        axisLabel: { interval: 0, rotate: slant ? 35 : 0, fontSize: 11, width: 90, overflow: "truncate" },
        axisTick: { alignWithLabel: true },
      },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#e8edf3" } } },
      series: data.series.map((s) => ({
        name: s.name,
        type: "bar",
        data: s.data,
        barMaxWidth: 28,
        label: { show: data.categories.length <= 4, position: "top", fontSize: 11 },
      })),
    };
  }
  chart.setOption(options());
  el.dataset.state = "ready";
  window.addEventListener("resize", () => {
    chart.setOption(options());
    chart.resize();
  });
})();
