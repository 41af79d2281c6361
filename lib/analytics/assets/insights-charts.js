// Draws the insights charts (lib/analytics/insights-view.ts) with chart.js, which the page loads
// first. Each `[data-insights-charts]` section holds its data in a JSON <script> block and one
// <canvas data-chart="…"> per chart. Served as a file: the CSP allows no inline script.
/* global document, Chart */
(function () {
  'use strict';

  const COLORS = {
    calls: '#0b5394',
    errors: '#a40000',
    p50: '#0b5394',
    p95: '#e69138',
    created: '#6fa8dc',
    authorised: '#38761d',
    rejected: '#a40000',
    revoked: '#e69138',
    expired: '#666666',
  };

  const bar = (label, data, color) => ({ label, data, backgroundColor: color, borderColor: color });
  const line = (label, data, color) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    spanGaps: true,
    tension: 0.2,
    pointRadius: data.length > 60 ? 0 : 2,
  });
  const axes = (yTitle, stacked) => ({
    x: { stacked: Boolean(stacked), ticks: { autoSkip: true, maxRotation: 0 } },
    y: { stacked: Boolean(stacked), beginAtZero: true, title: { display: true, text: yTitle } },
  });
  /**
   * An endpoint's label (`GET /open-banking/…/:accountId/balances`) as lines no wider than `width`
   * pixels in the context's font, broken after a `/`: chart.js gives the y axis at most half the
   * chart's width and cuts what does not fit, so long labels wrap instead.
   */
  function wrapLabel(ctx, label, width) {
    const lines = [];
    let line = '';
    for (const part of label.split(/(?<=\/)/)) {
      if (line && ctx.measureText(line + part).width > width) {
        lines.push(line);
        line = part;
      } else line += part;
    }
    lines.push(line);
    return lines;
  }
  /** The room the y axis's labels have: half the chart, less the ticks' padding. */
  const labelRoom = (chartWidth) => Math.max(80, chartWidth / 2 - 16);
  const tickFont = (font) => Chart.helpers.toFont(font || Chart.defaults.font).string;

  const options = (scales, extra) =>
    Object.assign(
      { responsive: true, animation: false, interaction: { mode: 'index', intersect: false }, scales },
      extra,
    );

  const CHARTS = {
    calls: (d) => ({
      type: 'bar',
      data: {
        labels: d.labels,
        datasets: [bar('Calls', d.calls, COLORS.calls), bar('Errors', d.errors, COLORS.errors)],
      },
      options: options(axes('Calls')),
    }),
    latency: (d) => ({
      type: 'line',
      data: {
        labels: d.labels,
        datasets: [line('p50', d.p50Ms, COLORS.p50), line('p95', d.p95Ms, COLORS.p95)],
      },
      options: options(axes('Milliseconds')),
    }),
    endpoints: (d) => ({
      type: 'bar',
      data: {
        labels: d.endpoints.labels,
        datasets: [
          bar('Calls', d.endpoints.calls, COLORS.calls),
          bar('Errors', d.endpoints.errors, COLORS.errors),
        ],
      },
      options: options(
        {
          x: { beginAtZero: true, title: { display: true, text: 'Calls' } },
          y: {
            ticks: {
              autoSkip: false,
              // Whole labels, wrapped to the room the axis has at the chart's current width.
              callback(value) {
                const ctx = this.chart.ctx;
                ctx.save();
                ctx.font = tickFont(this.options.ticks.font);
                const lines = wrapLabel(ctx, this.getLabelForValue(value), labelRoom(this.chart.width));
                ctx.restore();
                return lines;
              },
            },
          },
        },
        { indexAxis: 'y', maintainAspectRatio: false },
      ),
    }),
    consents: (d) => ({
      type: 'bar',
      data: {
        labels: d.labels,
        datasets: ['created', 'authorised', 'rejected', 'revoked', 'expired'].map((k) =>
          bar(k.charAt(0).toUpperCase() + k.slice(1), d.consents[k], COLORS[k]),
        ),
      },
      options: options(axes('Consents', true)),
    }),
    funnel: (d) => ({
      type: 'bar',
      data: {
        labels: d.funnel.labels,
        datasets: [
          {
            label: 'Consents',
            data: d.funnel.values,
            backgroundColor: ['created', 'authorised', 'rejected', 'revoked', 'expired'].map(
              (k) => COLORS[k],
            ),
          },
        ],
      },
      options: options(axes('Consents'), { plugins: { legend: { display: false } } }),
    }),
  };

  /** The endpoints chart's box gets the height its wrapped labels need (one bar pair per label). */
  function fitHeight(canvas, labels) {
    const box = canvas.parentNode;
    const ctx = canvas.getContext('2d');
    ctx.save();
    ctx.font = tickFont();
    const room = labelRoom(box.clientWidth);
    const lines = labels.reduce((n, label) => n + wrapLabel(ctx, label, room).length, 0);
    ctx.restore();
    box.style.height = `${Math.max(12, lines * 1.1 + labels.length * 1.2 + 6)}rem`;
  }

  function draw(section) {
    if (section.dataset.drawn) return;
    section.dataset.drawn = 'true';
    const source = section.querySelector('script[type="application/json"]');
    if (!source) return;
    const data = JSON.parse(source.textContent);
    section.querySelectorAll('canvas[data-chart]').forEach((canvas) => {
      const config = CHARTS[canvas.dataset.chart];
      if (!config) return;
      if (canvas.dataset.chart === 'endpoints') fitHeight(canvas, data.endpoints.labels);
      new Chart(canvas, config(data));
    });
  }

  function start() {
    if (typeof Chart === 'undefined') return;
    document.querySelectorAll('[data-insights-charts]').forEach(draw);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
