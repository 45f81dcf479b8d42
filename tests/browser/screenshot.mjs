// The README's picture of the report: the Sirte scenario's report, as first opened.
//
//   npm run screenshot                      # builds the report with cargo, writes docs/report-sirte.png
//   node screenshot.mjs REPORT.html OUT.png [--full]
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch } from './chromium.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const full = args.includes('--full');
const [reportArg, outArg] = args.filter((a) => a !== '--full');
let report = reportArg;
if (!report) {
  report = resolve(repo, 'target/browser/sirte.html');
  mkdirSync(dirname(report), { recursive: true });
  execFileSync('cargo', ['run', '-q', '-p', 'zonewatch-cli', '--', 'check', '-q', '-o', '/dev/null', '--report', report],
    { cwd: repo, stdio: 'inherit' });
}
const out = resolve(outArg || resolve(repo, 'docs/report-sirte.png'));

const { context, close } = await launch();
try {
  const page = await context.newPage();
  await page.goto(pathToFileURL(resolve(report)).href);
  await page.waitForFunction(() => window.zonewatchReport && window.zonewatchReport.ready);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: full });
  console.log(`wrote ${out}`);
} finally {
  await close();
}
