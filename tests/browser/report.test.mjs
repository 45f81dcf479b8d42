// Browser test of the zonewatch HTML report (issue #6): load the page from file:// in
// headless Chromium and check it against expectations known independently of the page.
//
//   node report.test.mjs REPORT.html ZONES.geojson INCIDENTS.csv [SCREENSHOT.png]
//
// - the page requests nothing but itself, and logs no console error or page error;
// - zones drawn = features in ZONES.geojson; incidents drawn and listed = rows of the
//   run's --incidents CSV;
// - clicking an incident row highlights that incident (row and map);
// - narrowing the time filter lowers the number of violating reports drawn;
// - a screenshot is saved as the test's artifact.
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './chromium.mjs';

const [reportPath, zonesPath, incidentsPath, shotPath] = process.argv.slice(2);
if (!incidentsPath) {
  console.error('usage: node report.test.mjs REPORT.html ZONES.geojson INCIDENTS.csv [SCREENSHOT.png]');
  process.exit(2);
}

/** Data rows of a CSV file (quoted fields may hold commas, quotes and newlines). */
function csvRows(text) {
  let rows = 0, quoted = false, empty = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    if (c === '\n' && !quoted) { if (!empty) rows++; empty = true; } else if (c !== '\r') empty = false;
  }
  if (!empty) rows++;
  return rows - 1; // the header
}

const expectedZones = JSON.parse(readFileSync(zonesPath, 'utf8')).features.length;
const expectedIncidents = csvRows(readFileSync(incidentsPath, 'utf8'));
const url = pathToFileURL(resolve(reportPath)).href;

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const { context, close } = await launch();
try {
  const page = await context.newPage();
  const requests = [], errors = [];
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));

  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.zonewatchReport && window.zonewatchReport.ready, null, { timeout: 30000 });
  const loadMs = Date.now() - t0;
  // The page redraws on the next animation frame after an input event: wait for two.
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const hook = () => page.evaluate(() => {
    const r = window.zonewatchReport;
    return { zones: r.zonesDrawn, incidents: r.incidentsDrawn, listed: r.incidentsListed,
      points: r.pointsDrawn, highlighted: r.highlighted, drawMs: r.drawMs };
  });
  const first = await hook();
  console.log(`loaded in ${loadMs} ms, first draw ${first.drawMs.toFixed(1)} ms: ${JSON.stringify(first)}`);

  check(first.zones === expectedZones, `zones drawn: ${first.zones}, zones in ${zonesPath}: ${expectedZones}`);
  check(first.incidents === expectedIncidents, `incidents drawn: ${first.incidents}, rows of ${incidentsPath}: ${expectedIncidents}`);
  const rows = await page.locator('#incidents tbody tr').count();
  check(rows === expectedIncidents && first.listed === expectedIncidents, `incidents listed: ${rows} rows (hook ${first.listed}), expected ${expectedIncidents}`);
  check(first.points > 0, `violating reports drawn: ${first.points}`);

  // Click an incident row (the third, so that it is not simply the first drawn).
  if (expectedIncidents > 0) {
    const row = page.locator('#incidents tbody tr').nth(Math.min(2, expectedIncidents - 1));
    const id = await row.getAttribute('data-incident-id');
    const before = await page.evaluate(() => window.zonewatchReport.highlighted);
    check(before === null, 'nothing is highlighted before a click');
    await row.click();
    const after = await hook();
    check(after.highlighted === id, `clicked row ${id} is highlighted on the map (${after.highlighted})`);
    check(await row.getAttribute('data-highlighted') === 'true', 'the clicked row is marked highlighted');
    check(await page.locator('#incidents tbody tr[data-highlighted="true"]').count() === 1, 'exactly one row is highlighted');
    check(await page.locator('#map').getAttribute('data-highlighted') === id, 'the map canvas names the highlighted incident');
  }

  // The time filter: the first half of the time range draws fewer violating reports.
  const [from, to] = await page.evaluate(() => [window.zonewatchReport.window.from, window.zonewatchReport.window.to]);
  await page.evaluate(([a, b]) => window.zonewatchReport.setTimeRange(a, a + (b - a) / 2), [from, to]);
  const half = await hook();
  check(half.points < first.points && half.points > 0, `time filter (first half): ${half.points} of ${first.points} violating reports drawn`);
  // ... and the slider itself filters too.
  await page.locator('#t-reset').click();
  const reset = await hook();
  check(reset.points === first.points, `"all" restores every report: ${reset.points}`);
  await page.locator('#t-to').fill('100');
  await frame();
  const slid = await hook();
  check(slid.points < first.points, `the "to" slider at 10%: ${slid.points} drawn`);
  await page.locator('#t-reset').click();

  // Hovering a zone names it.
  const box = await page.locator('#map').boundingBox();
  let named = false;
  for (let k = 0; k < 40 && !named; k++) {
    await page.mouse.move(box.x + box.width * (0.2 + 0.6 * ((k * 7) % 40) / 40), box.y + box.height * (0.2 + 0.6 * ((k * 13) % 40) / 40));
    named = await page.locator('#tooltip').isVisible();
  }
  check(named, 'hovering the map shows a zone name');
  await page.mouse.move(box.x + 1, box.y + 1);

  // Zoom with the wheel, pan by dragging: the map keeps drawing everything.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.mouse.down(); await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 40); await page.mouse.up();
  await frame();
  check((await hook()).zones === expectedZones, 'after zoom and pan every zone is still drawn');

  check(requests.length === 0, `no request but the page itself (${requests.length}: ${requests.slice(0, 3).join(' ')})`);
  check(errors.length === 0, `no console or page errors (${errors.join('; ')})`);

  if (shotPath) {
    mkdirSync(dirname(resolve(shotPath)), { recursive: true });
    if (expectedIncidents > 0) await page.locator('#incidents tbody tr').nth(Math.min(2, expectedIncidents - 1)).click();
    await page.screenshot({ path: shotPath });
    console.log(`screenshot: ${shotPath}`);
  }
} finally {
  await close();
}
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('browser test passed');
