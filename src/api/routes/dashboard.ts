/**
 * A small status page at `/`: counts of hubs, sites and tasks and the latest
 * tasks, read from the API by the browser (the full dashboard lives in web/).
 * The page itself holds no data; its API calls send the key the visitor
 * enters, kept in this browser's sessionStorage only.
 */
import { PUBLIC } from '../roles.js';
import type { RouteModule } from './types.js';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Suanwang 算网</title>
<style>
  body { font: 15px/1.45 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; color: #1d2733; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; }
  .sub { color: #5b6b7b; margin-top: 0; }
  .cards { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; }
  .card { border: 1px solid #d5dde5; border-radius: 8px; padding: .8rem 1.2rem; min-width: 9rem; }
  .card b { display: block; font-size: 1.8rem; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e6ebf0; }
  th { color: #5b6b7b; font-weight: 600; }
  .err { color: #b00020; }
  a { color: #0b5cad; }
</style>
</head>
<body>
<h1>Suanwang 算网</h1>
<p class="sub">National integrated compute network (东数西算) — <a href="/docs">API docs</a> · <a href="/openapi.json">OpenAPI</a></p>
<form id="auth" hidden><label>API key <input id="key" type="password" size="60" autocomplete="off" placeholder="sw_…"></label> <button>Use</button></form>
<div class="cards" id="cards"><div class="card">loading…</div></div>
<h2>Hubs</h2>
<table><thead><tr><th>Hub</th><th>Side</th><th>Clusters</th><th>Paired with</th></tr></thead><tbody id="hubs"></tbody></table>
<h2>Latest tasks</h2>
<table><thead><tr><th>Task</th><th>Tenant</th><th>Kind</th><th>State</th><th>Site</th></tr></thead><tbody id="tasks"></tbody></table>
<p id="error" class="err"></p>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const auth = document.getElementById('auth');
auth.addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem('suanwangApiKey', document.getElementById('key').value.trim());
  auth.hidden = true;
  load();
});
async function get(path) {
  const key = sessionStorage.getItem('suanwangApiKey');
  const headers = { accept: 'application/json' };
  if (key) headers.authorization = 'Bearer ' + key;
  const r = await fetch(path, { headers });
  if (r.status === 401) auth.hidden = false;
  if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + (await r.text()));
  return r.json();
}
async function load() {
  try {
    const [s, hubs, tasks] = await Promise.all([get('/summary'), get('/hubs'), get('/tasks?limit=20')]);
    const card = (label, n, extra) => '<div class="card">' + esc(label) + '<b>' + esc(n) + '</b>' + esc(extra || '') + '</div>';
    const fmt = (o) => Object.entries(o).map(([k, v]) => k + ' ' + v).join(' · ');
    document.getElementById('cards').innerHTML =
      card('Hubs', s.hubs) + card('Clusters', s.clusters) + card('Cities', s.cities) +
      card('Sites', s.sites, fmt(s.sitesByStatus)) + card('Tasks', s.tasks, fmt(s.tasksByState));
    document.getElementById('hubs').innerHTML = hubs.items.map((h) =>
      '<tr><td>' + esc(h.nameZh) + ' ' + esc(h.name) + '</td><td>' + esc(h.side) + '</td><td>' + esc(h.clusterIds.join(', ')) +
      '</td><td>' + esc(h.pairedWith.join(', ')) + '</td></tr>').join('');
    document.getElementById('tasks').innerHTML = tasks.items.map((t) =>
      '<tr><td><a href="/tasks/' + encodeURIComponent(t.id) + '">' + esc(t.id) + '</a></td><td>' + esc(t.tenantId) + '</td><td>' +
      esc(t.kind) + '</td><td>' + esc(t.state) + '</td><td>' + esc(t.siteId || '') + '</td></tr>').join('') ||
      '<tr><td colspan="5">no tasks yet</td></tr>';
    document.getElementById('error').textContent = '';
  } catch (e) {
    document.getElementById('error').textContent = 'Could not load: ' + e.message;
  }
}
load();
setInterval(load, 5000);
</script>
</body>
</html>
`;

export const dashboardRoutes: RouteModule = (app) => {
  app.route({
    method: 'GET',
    url: '/',
    config: { roles: PUBLIC },
    schema: { tags: ['dashboard'], summary: 'A small status page (HTML)', produces: ['text/html'] },
    handler: async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE),
  });
};
