// How fast a report opens and redraws in headless Chromium (docs/report.md, "Size and speed").
//
//   node perf.mjs REPORT.html
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './chromium.mjs';

const report = process.argv[2];
if (!report) { console.error('usage: node perf.mjs REPORT.html'); process.exit(2); }
const { context, close } = await launch();
try {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();
  await page.goto(pathToFileURL(resolve(report)).href);
  await page.waitForFunction(() => window.zonewatchReport && window.zonewatchReport.ready, null, { timeout: 120000 });
  const ready = Date.now() - t0;
  const r = await page.evaluate(async () => {
    const z = window.zonewatchReport;
    const first = { startup: z.startup, phases: z.phases, drawMs: z.drawMs, points: z.pointsDrawn, total: z.pointsTotal, incidents: z.incidentsDrawn, listed: z.incidentsListed };
    const times = [];
    const canvas = document.getElementById('map');
    for (let i = 0; i < 10; i++) {
      canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: i < 5 ? -200 : 200, clientX: 300, clientY: 300, bubbles: true, cancelable: true }));
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      times.push(z.drawMs); if (z.drawMs > 1000) console.log(JSON.stringify(z.phases));
    }
    times.sort((a, b) => a - b);
    return { first, medianRedrawMs: times[5], maxRedrawMs: times[9], heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null };
  });
  console.log(JSON.stringify({ file: report, bytes: statSync(report).size, readyMs: ready, ...r, errors }, null, 1));
} finally {
  await close();
}
