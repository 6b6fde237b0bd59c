/**
 * The dashboard: one static page, no build step and no CDN (it must work
 * offline). It polls /dashboard/data every second and draws four line charts
 * on canvases. Each chart's figure carries `data-points` and `data-last`, so a
 * browser test can check what was drawn.
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cachet demo — live dashboard</title>
<style>
  :root { color-scheme: light; font-family: system-ui, sans-serif; }
  body { margin: 24px; background: #f6f7f9; color: #1d2330; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  p.lead { margin: 0 0 20px; color: #5a6475; font-size: 14px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
  figure { margin: 0; background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 12px 16px; }
  figcaption { display: flex; justify-content: space-between; font-size: 14px; margin-bottom: 8px; }
  figcaption strong { font-variant-numeric: tabular-nums; }
  canvas { width: 100%; height: 160px; display: block; }
  #status { font-size: 12px; color: #5a6475; margin-top: 16px; }
</style>
</head>
<body>
<h1>Cachet demo — live</h1>
<p class="lead">Last ten minutes, one point per second. Make some traffic: <code>GET /products/1</code>, <code>POST /activity</code>, <code>GET /reports/prices</code>.</p>
<div class="grid">
  <figure class="chart" id="chart-hit-rate" data-series="hitRate" data-unit="%" data-color="#2f7d32">
    <figcaption><span>Hit rate</span><strong class="last">–</strong></figcaption><canvas></canvas>
  </figure>
  <figure class="chart" id="chart-loads" data-series="loads" data-unit="/s" data-color="#1f5fbf">
    <figcaption><span>Loads (misses that ran the source)</span><strong class="last">–</strong></figcaption><canvas></canvas>
  </figure>
  <figure class="chart" id="chart-queue-depth" data-series="queueDepth" data-unit="" data-color="#b26a00">
    <figcaption><span>Write-behind queue depth</span><strong class="last">–</strong></figcaption><canvas></canvas>
  </figure>
  <figure class="chart" id="chart-refused" data-series="refused" data-unit="/s" data-color="#c62828">
    <figcaption><span>Refused requests (429)</span><strong class="last">–</strong></figcaption><canvas></canvas>
  </figure>
</div>
<div id="status">waiting for data…</div>
<script>
(() => {
  const charts = [...document.querySelectorAll('figure.chart')];
  const status = document.getElementById('status');

  function valueOf(sample, series, perSecond) {
    const raw = sample[series];
    if (raw === null || raw === undefined) return null;
    if (series === 'hitRate') return raw * 100;
    return series === 'queueDepth' ? raw : raw / perSecond;
  }

  function draw(figure, samples, intervalMs) {
    const canvas = figure.querySelector('canvas');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth, height = canvas.clientHeight;
    canvas.width = width * ratio; canvas.height = height * ratio;
    const ctx = canvas.getContext('2d');
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, height);
    const series = figure.dataset.series;
    const perSecond = intervalMs / 1000;
    const points = samples.map((s) => ({ at: s.at, value: valueOf(s, series, perSecond) }));
    const values = points.map((p) => p.value).filter((v) => v !== null);
    // Integer gridlines: round the top up to a multiple of 4 (four bands).
    const max = series === 'hitRate' ? 100 : Math.ceil(Math.max(4, ...values) / 4) * 4;
    const pad = { left: 36, right: 8, top: 8, bottom: 18 };
    const plotW = width - pad.left - pad.right, plotH = height - pad.top - pad.bottom;
    ctx.strokeStyle = '#e3e6eb'; ctx.fillStyle = '#5a6475'; ctx.font = '11px system-ui'; ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = pad.top + plotH - (plotH * i) / 4;
      ctx.beginPath(); ctx.moveTo(pad.left, y); ctx.lineTo(width - pad.right, y); ctx.stroke();
      ctx.fillText(String(Math.round((max * i) / 4)), 4, y + 4);
    }
    const end = points.length ? points[points.length - 1].at : Date.now();
    const span = Math.max(60_000, end - (points.length ? points[0].at : end));
    const x = (at) => pad.left + plotW * (1 - (end - at) / span);
    const y = (v) => pad.top + plotH - (plotH * v) / max;
    ctx.strokeStyle = figure.dataset.color; ctx.lineWidth = 2; ctx.beginPath();
    let started = false, drawn = 0;
    for (const p of points) {
      if (p.value === null) { started = false; continue; }
      if (!started) { ctx.moveTo(x(p.at), y(p.value)); started = true; } else ctx.lineTo(x(p.at), y(p.value));
      drawn++;
    }
    ctx.stroke();
    const last = values.length ? values[values.length - 1] : null;
    const shown = last === null ? '–' : (series === 'hitRate' ? last.toFixed(1) : String(Math.round(last * 10) / 10)) + figure.dataset.unit;
    figure.querySelector('.last').textContent = shown;
    figure.dataset.points = String(drawn);
    figure.dataset.last = last === null ? '' : String(last);
    figure.dataset.max = values.length ? String(Math.max(...values)) : '';
  }

  async function refresh() {
    try {
      const response = await fetch('/dashboard/data', { cache: 'no-store' });
      const { intervalMs, samples } = await response.json();
      for (const figure of charts) draw(figure, samples, intervalMs);
      status.textContent = samples.length + ' samples, updated ' + new Date().toLocaleTimeString();
      document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    } catch (error) {
      status.textContent = 'cannot reach /dashboard/data: ' + error;
    }
  }
  refresh();
  setInterval(refresh, 1000);
})();
</script>
</body>
</html>
`;
