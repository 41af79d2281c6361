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
          y: { ticks: { autoSkip: false } },
        },
        { indexAxis: 'y' },
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

  function draw(section) {
    if (section.dataset.drawn) return;
    section.dataset.drawn = 'true';
    const source = section.querySelector('script[type="application/json"]');
    if (!source) return;
    const data = JSON.parse(source.textContent);
    section.querySelectorAll('canvas[data-chart]').forEach((canvas) => {
      const config = CHARTS[canvas.dataset.chart];
      if (config) new Chart(canvas, config(data));
    });
  }

  function start() {
    if (typeof Chart === 'undefined') return;
    document.querySelectorAll('[data-insights-charts]').forEach(draw);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
