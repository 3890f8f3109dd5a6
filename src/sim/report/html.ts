/**
 * The national report: one self-contained HTML page — the comparison table,
 * charts (ECharts inlined, so it opens offline), and the full results as
 * JSON in a `<script type="application/json" id="suanwang-data">` block for
 * anyone who wants the numbers behind the pictures.
 */
import type { NationalComparison } from '../national/compare.js';
import { COMPARISON_COLUMNS, formatComparisonTable } from '../national/format.js';
import { reportCharts } from './charts.js';
import { echartsMinJs } from './echarts-source.js';

export interface ReportOptions {
  /** The command that produced the results, shown on the page. */
  command?: string;
  /** Policy whose flows are shown first (default: balanced if run, else the first). */
  flowPolicy?: string;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON safe inside a <script> element: no "</script", no "<!--". */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const CSS = `
body{font-family:-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f7fb;color:#1f2430}
header{background:#1f3a60;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:22px}
header p{margin:2px 0;font-size:13px;opacity:.9}
main{padding:18px 28px;max-width:1400px;margin:0 auto}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin:0 0 18px;padding:12px 16px}
h2{font-size:16px;margin:4px 0 10px}
table{border-collapse:collapse;font-size:12.5px;width:100%}
th,td{padding:5px 8px;border-bottom:1px solid #e6e8ef;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;font-weight:600}
th{background:#f0f2f8}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.chart{height:340px}
.tall{height:520px}
code{font-size:12px;background:rgba(255,255,255,.15);padding:2px 5px;border-radius:4px;word-break:break-all}
select{font-size:13px;padding:2px 6px}
`;

/** The page's own script: draw every chart from the embedded options. */
const APP_JS = `
(function(){
  var charts = JSON.parse(document.getElementById('suanwang-charts').textContent);
  var drawn = [];
  function draw(id, option){ var c = echarts.init(document.getElementById(id), null, {renderer:'canvas'}); c.setOption(option); drawn.push(c); return c; }
  ['carbon','cost','service','wait','queue','utilisation','emissions'].forEach(function(k){ draw('chart-' + k, charts[k]); });
  var select = document.getElementById('flow-policy');
  var flows = draw('chart-flows', charts.flows[select.value]);
  select.addEventListener('change', function(){ flows.setOption(charts.flows[select.value], true); });
  window.addEventListener('resize', function(){ drawn.forEach(function(c){ c.resize(); }); });
  document.body.setAttribute('data-charts-ready', String(drawn.length));
})();
`;

export function renderNationalReport(c: NationalComparison, opts: ReportOptions = {}): string {
  const charts = reportCharts(c);
  const policies = c.rows.map((r) => r.policy);
  const flowPolicy =
    opts.flowPolicy && policies.includes(opts.flowPolicy)
      ? opts.flowPolicy
      : policies.includes('balanced')
        ? 'balanced'
        : policies[0]!;
  const head = COMPARISON_COLUMNS.map((k) => `<th>${escapeHtml(k.header)}</th>`).join('');
  const body = c.rows
    .map((r) => `<tr>${COMPARISON_COLUMNS.map((k) => `<td>${escapeHtml(k.value(r))}</td>`).join('')}</tr>`)
    .join('\n');
  const scenarioLine = formatComparisonTable(c).split('\n')[0]!;
  const options = policies
    .map((p) => `<option value="${escapeHtml(p)}"${p === flowPolicy ? ' selected' : ''}>${escapeHtml(p)}</option>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Suanwang national scenario — policy comparison</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>算网 Suanwang · national scenario: scheduling policies compared</h1>
<p>${escapeHtml(scenarioLine)}</p>
${opts.command ? `<p>command: <code>${escapeHtml(opts.command)}</code></p>` : ''}
<p>The same generated workload, placed by each policy of the live scheduler under the simulator's virtual clock.</p>
</header>
<main>
<section>
<h2>Comparison</h2>
<table><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table>
</section>
<section class="grid"><div id="chart-carbon" class="chart"></div><div id="chart-cost" class="chart"></div></section>
<section class="grid"><div id="chart-service" class="chart"></div><div id="chart-wait" class="chart"></div></section>
<section><div id="chart-queue" class="chart"></div></section>
<section><div id="chart-utilisation" class="chart"></div></section>
<section><div id="chart-emissions" class="chart"></div></section>
<section>
<h2>Flows east → west <select id="flow-policy" aria-label="policy">${options}</select></h2>
<div id="chart-flows" class="chart tall"></div>
</section>
</main>
<script type="application/json" id="suanwang-data">${scriptJson(c)}</script>
<script type="application/json" id="suanwang-charts">${scriptJson(charts)}</script>
<script>${echartsMinJs()}</script>
<script>${APP_JS}</script>
</body>
</html>
`;
}
