/** `suanwang sites list|get|register|set-status|delete`: the supply ledger, through the API. */
import { type Command, Option } from 'commander';
import type { SiteInput, SiteQuery, SiteRecord } from '../../client/index.js';
import {
  action,
  addUrlOption,
  CliError,
  clientFor,
  formatTimeS,
  parseInteger,
  printFields,
  printJson,
  printTable,
  readJsonInput,
} from './common.js';

function capacityText(s: SiteRecord): string {
  const c = s.capacity;
  const parts = [`${c.cpuCores.toLocaleString('en-US')} cores`];
  const gpus = c.gpus.reduce((n, g) => n + g.count, 0);
  if (gpus) parts.push(`${gpus.toLocaleString('en-US')} GPU`);
  if (c.hpcNodes) parts.push(`${c.hpcNodes.toLocaleString('en-US')} HPC nodes`);
  return parts.join(', ');
}

export function register(program: Command): void {
  const sites = addUrlOption(program.command('sites').description('The supply ledger: sites of the network'));

  sites
    .command('list')
    .description('List sites (all pages unless --limit)')
    .addOption(new Option('--tier <tier>').choices(['cluster', 'city', 'edge']))
    .option('--hub <hubId>', 'only sites of this hub')
    .option('--cluster <clusterId>', 'only sites of this cluster')
    .addOption(new Option('--side <side>').choices(['east', 'west']))
    .addOption(new Option('--status <status>').choices(['up', 'down', 'draining']))
    .option('--city <cityId>', 'only sites in this city')
    .option('--limit <n>', 'at most n sites (1–500)', parseInteger)
    .option('--json', 'print JSON')
    .action(
      action(async (o: Record<string, string | number | boolean | undefined>, cmd: Command) => {
        const client = clientFor(cmd);
        const q: SiteQuery = {
          ...(o.tier !== undefined && { tier: o.tier as SiteQuery['tier'] }),
          ...(o.hub !== undefined && { hubId: String(o.hub) }),
          ...(o.cluster !== undefined && { clusterId: String(o.cluster) }),
          ...(o.side !== undefined && { side: o.side as SiteQuery['side'] }),
          ...(o.status !== undefined && { status: o.status as SiteQuery['status'] }),
          ...(o.city !== undefined && { city: String(o.city) }),
        };
        let items: SiteRecord[];
        if (o.limit !== undefined) items = (await client.listSites({ ...q, limit: Number(o.limit) })).items;
        else {
          items = [];
          for await (const s of client.allSites({ ...q, limit: 500 })) items.push(s);
        }
        if (o.json) return printJson(items);
        printTable(
          ['ID', 'NAME', 'TIER', 'HUB', 'SIDE', 'STATUS', 'PUE', 'CAPACITY'],
          items.map((s) => [s.id, s.nameZh, s.tier, s.hubId ?? '-', s.side, s.status, s.pue, capacityText(s)]),
        );
      }),
    );

  sites
    .command('get <id>')
    .description('Show one site')
    .option('--json', 'print JSON')
    .action(
      action(async (siteId: string, o: { json?: boolean }, cmd: Command) => {
        const s = await clientFor(cmd).getSite(siteId);
        if (o.json) return printJson(s);
        printFields([
          ['id', s.id],
          ['name', `${s.name} / ${s.nameZh}`],
          ['tier', s.tier],
          ['hub', s.hubId],
          ['cluster', s.clusterId],
          ['city', `${s.city} (${s.province})`],
          ['side', s.side],
          ['grid region', s.gridRegion],
          ['location', `${s.lat}, ${s.lon}`],
          ['status', s.status],
          ['compliant', s.compliant],
          ['PUE', s.pue],
          ['green share', s.greenShare],
          ['grid carbon', `${s.gridCarbonGPerKwh} gCO2/kWh`],
          ['capacity', capacityText(s)],
          ['gpus', s.capacity.gpus.map((g) => `${g.count}× ${g.model}`).join(', ') || '-'],
          ['prices (fen)', s.prices],
          ['backend', s.backend ?? 'local (embedded)'],
          ['version', s.version],
          ['updated', formatTimeS(s.updatedAtS)],
        ]);
      }),
    );

  sites
    .command('register')
    .description('Register a site from a JSON file (created, or replaced if its id exists)')
    .requiredOption('-f, --file <path>', "the site as JSON ('-' reads stdin)")
    .option('--json', 'print the stored site as JSON')
    .action(
      action(async (o: { file: string; json?: boolean }, cmd: Command) => {
        const site = await readJsonInput(o.file);
        if (site === null || typeof site !== 'object' || Array.isArray(site)) {
          throw new CliError(`${o.file} must hold one site (a JSON object)`);
        }
        const r = await clientFor(cmd).registerSite(site as SiteInput);
        if (o.json) return printJson(r.site);
        process.stdout.write(`${r.created ? 'registered' : 'updated'} site ${r.site.id} (version ${r.site.version})\n`);
      }),
    );

  sites
    .command('set-status <id> <status>')
    .description('Set a site up, down or draining (draining: no new placements)')
    .option('--json', 'print the site as JSON')
    .action(
      action(async (siteId: string, status: string, o: { json?: boolean }, cmd: Command) => {
        if (!['up', 'down', 'draining'].includes(status)) {
          throw new CliError(`status must be up, down or draining, got '${status}'`);
        }
        const s = await clientFor(cmd).patchSite(siteId, { status: status as 'up' | 'down' | 'draining' });
        if (o.json) return printJson(s);
        process.stdout.write(`site ${s.id} is ${s.status} (version ${s.version})\n`);
      }),
    );

  sites
    .command('delete <id>')
    .description('Remove a site (refused while tasks are placed on or running at it)')
    .action(
      action(async (siteId: string, _o: unknown, cmd: Command) => {
        await clientFor(cmd).deleteSite(siteId);
        process.stdout.write(`deleted site ${siteId}\n`);
      }),
    );
}
