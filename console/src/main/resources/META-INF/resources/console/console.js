// Draws every <div class="chart" data-chart="{...}"> with ECharts (SVG renderer). The data comes from the page's
// own HTML-escaped attribute; nothing is fetched.
(function () {
  'use strict';
  function draw(el) {
    var spec;
    try {
      spec = JSON.parse(el.getAttribute('data-chart'));
    } catch (e) {
      el.textContent = 'chart data unreadable';
      return;
    }
    if (typeof echarts === 'undefined') {
      el.textContent = 'charts unavailable';
      return;
    }
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption({
      animation: false,
      title: { text: spec.title, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: { show: spec.series.length > 1, bottom: 0 },
      grid: { left: 50, right: 16, top: 40, bottom: spec.series.length > 1 ? 48 : 28 },
      xAxis: { type: 'category', data: spec.categories, axisLabel: { interval: spec.kind === 'line' && spec.categories.length > 12 ? 'auto' : 0, rotate: spec.categories.length > 6 ? 40 : 0 } },
      yAxis: { type: 'value' },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind === 'line' ? 'line' : 'bar', data: s.data };
      })
    });
    el.setAttribute('data-rendered', 'true');
    window.addEventListener('resize', function () { chart.resize(); });
  }
  function drawAll() {
    document.querySelectorAll('.chart[data-chart]').forEach(draw);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
})();
