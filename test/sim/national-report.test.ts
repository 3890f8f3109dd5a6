/**
 * The national report and the CLI path: the HTML page is self-contained
 * (ECharts inlined, no external resource), carries the results as JSON and
 * the charts of every policy, and draws them in a real Chromium without a
 * page error; `suanwang sim --scenario national` prints the comparison and
 * writes the report and the Markdown table.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  buildNationalScenario,
  comparisonMarkdown,
  DEFAULT_START_S,
  formatComparisonTable,
  type NationalComparison,
  runComparison,
} from '../../src/sim/national/index.js';
import { renderNationalReport, screenshotReport } from '../../src/sim/report/index.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
let dir: string;
let comparison: NationalComparison;
let html: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'suanwang-national-'));
  const scenario = buildNationalScenario({ days: 0.1, seed: 3, gpuLoad: 0.3, startS: DEFAULT_START_S + 9 * 3600 });
  comparison = await runComparison(scenario, ['nearest', 'greenest', 'balanced']);
  html = renderNationalReport(comparison, { command: 'suanwang sim --scenario national --days 0.1 <test>' });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The text of `<script type="application/json" id="...">`. */
function jsonBlock(page: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(page);
  assert.ok(m, `no JSON block #${id}`);
  return JSON.parse(m[1]!);
}

test('the report is one valid, self-contained HTML page', () => {
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.match(html, /<\/body>\n<\/html>\n$/);
  for (const tag of ['html', 'head', 'body', 'main', 'table', 'script', 'section']) {
    const open = html.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;
    const close = html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
    assert.equal(open, close, `<${tag}> opened ${open} times, closed ${close}`);
  }
  // nothing is fetched: no external scripts, styles or images (looking at the markup, not inside scripts)
  const markup = html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
  assert.equal(markup.match(/<script/g)?.length, 4);
  assert.doesNotMatch(markup, /<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|url\(/i);
  // ECharts is inlined (its version string is in the page)
  assert.ok(html.includes('version:"6.') || html.includes('.version="6.'), 'echarts inlined');
  assert.ok(html.length > 1_000_000, `only ${html.length} bytes`);
  // the command that made it is shown, escaped
  assert.ok(html.includes('--days 0.1 &lt;test&gt;'));
});

test('the report carries the results and a chart of each kind for every policy', () => {
  const data = jsonBlock(html, 'suanwang-data') as NationalComparison;
  assert.deepEqual(data, JSON.parse(JSON.stringify(comparison)));
  const charts = jsonBlock(html, 'suanwang-charts') as Record<string, unknown> & { flows: Record<string, unknown> };
  for (const id of ['carbon', 'cost', 'service', 'wait', 'queue', 'utilisation', 'emissions']) {
    assert.ok(charts[id], `chart ${id}`);
    assert.ok(html.includes(`id="chart-${id}"`), `container of chart ${id}`);
  }
  assert.deepEqual(Object.keys(charts.flows), ['nearest', 'greenest', 'balanced']);
  // the numbers in the table are the results'
  for (const r of comparison.rows) {
    assert.ok(html.includes(`<td>${r.policy}</td>`));
    assert.ok(html.includes(`<td>${(r.costFen / 1e8).toFixed(2)}</td>`), `${r.policy} cost`);
  }
  // the CO2 bars are the rows' emissions in tonnes
  const carbon = charts.carbon as { series: { data: number[] }[] };
  comparison.rows.forEach((r, i) => {
    const t = r.carbonG / 1e6;
    const bar = carbon.series[0]!.data[i]!;
    assert.ok(Math.abs(bar - t) <= Math.max(0.005, 0.005 * t), `${r.policy}: bar ${bar} vs ${t} t`);
  });
  // the sankey's flows add up to the work placed from each origin
  const flows = charts.flows.balanced as { series: { links: { value: number }[] }[] };
  const linked = flows.series[0]!.links.reduce((a, l) => a + l.value, 0);
  const run = comparison.runs.find((r) => r.policy === 'balanced')!;
  const total = run.flows.reduce((a, f) => a + f.itKwh / 1000, 0);
  assert.ok(Math.abs(linked - total) < 0.1 * run.flows.length, `${linked} vs ${total}`);
});

test('the table and the Markdown page show one row per policy and the exact command', () => {
  const table = formatComparisonTable(comparison).trimEnd().split('\n');
  assert.equal(table.length, 2 + comparison.rows.length);
  assert.match(table[0]!, /^national scenario: 0\.1 d from 2026-01-05 09:00 Beijing time, seed 3/);
  const md = comparisonMarkdown(comparison, 'suanwang sim --scenario national --days 0.1');
  assert.ok(md.includes('```sh\nsuanwang sim --scenario national --days 0.1\n```'));
  const rows = md.split('\n').filter((l) => /^\| (nearest|greenest|balanced) \|/.test(l));
  assert.equal(rows.length, 3);
});

test('Chromium draws every chart of the report without a page error', async (t) => {
  const chromium = process.env.SUANWANG_TEST_CHROMIUM;
  if (!chromium) {
    if (process.env.CI) assert.fail('SUANWANG_TEST_CHROMIUM is not set (CI must render the report)');
    t.skip('SUANWANG_TEST_CHROMIUM not set');
    return;
  }
  const page = join(dir, 'report.html');
  const png = join(dir, 'report.png');
  await writeFile(page, html);
  const shot = await screenshotReport(page, png, { chromiumPath: chromium, widthPx: 1200 });
  assert.deepEqual(shot.pageErrors, []);
  assert.equal(shot.chartsDrawn, 8);
  const bytes = await readFile(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(bytes.length > 50_000, `PNG of ${bytes.length} bytes`);
});

test('suanwang sim --scenario national prints the comparison and writes the report and Markdown', async () => {
  const report = join(dir, 'cli.html');
  const md = join(dir, 'cli.md');
  const { stdout } = await run(
    process.execPath,
    [
      'bin/suanwang.js',
      'sim',
      '--scenario',
      'national',
      '--days',
      '0.05',
      '--seed',
      '2',
      '--policies',
      'nearest,cheapest',
      '--gpu-load',
      '0.3',
      '--json',
      '--report',
      report,
      '--markdown',
      md,
    ],
    { cwd: ROOT, maxBuffer: 1 << 24 },
  );
  const out = JSON.parse(stdout) as {
    scenario: { days: number; seed: number };
    rows: { policy: string; tasks: number }[];
  };
  assert.equal(out.scenario.days, 0.05);
  assert.equal(out.scenario.seed, 2);
  assert.deepEqual(
    out.rows.map((r) => r.policy),
    ['nearest', 'cheapest'],
  );
  assert.equal(out.rows[0]!.tasks, out.rows[1]!.tasks);
  assert.ok((await stat(report)).size > 1_000_000);
  assert.match(await readFile(md, 'utf8'), /suanwang sim --scenario national --days 0\.05 --seed 2/);
});

test('the CLI refuses bad scenario options with the field named and a non-zero exit', async () => {
  const cases: [string[], RegExp][] = [
    [['--scenario', 'national'], /--days/],
    [['--scenario', 'mars', '--days', '1'], /--scenario: unknown scenario 'mars'/],
    [['--scenario', 'national', '--days', '1', '--policies', 'nearest,fastest'], /policies: unknown policy 'fastest'/],
    [
      ['--scenario', 'national', '--days', '1', '--add-capacity', 'helinger-1:intelligent:lots'],
      /add-capacity: amount/,
    ],
    [['--scenario', 'national', '--days', '1', '--add-capacity', 'atlantis-1:general:1P'], /unknown site 'atlantis-1'/],
    [['--scenario', 'national', '--days', '0'], /--days: must be days in \(0, 366\]/],
    [['--scenario', 'national', '--days', '1', '--growth', '-2'], /--growth/],
    [['--scenario', 'national', '--days', '1', '--png', 'x.png'], /--png: renders the --report page/],
  ];
  // each case fails while parsing, before any simulation: run them side by side
  await Promise.all(
    cases.map(([args, message]) =>
      assert.rejects(
        run(process.execPath, ['bin/suanwang.js', 'sim', ...args], { cwd: ROOT }),
        (e: { code?: number; stderr?: string }) => {
          assert.ok(e.code !== 0, `${args.join(' ')}: exit ${e.code}`);
          assert.match(e.stderr ?? '', message, args.join(' '));
          return true;
        },
      ),
    ),
  );
});
