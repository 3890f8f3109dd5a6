/**
 * `suanwang keys create|list|revoke|whoami`: API keys. Through the API with an
 * operator key, or — to make the first key of a platform, or to recover one —
 * straight in the store with --data-dir (PGlite; the server must be stopped)
 * or --database-url (PostgreSQL).
 */
import { type Command, Option } from 'commander';
import type { ApiKey, CreatedApiKey, Role } from '../../client/index.js';
import type { Store } from '../../store/sql.js';
import {
  action,
  addUrlOption,
  CliError,
  clientFor,
  formatTimeS,
  parseDurationS,
  parseTimeS,
  printFields,
  printJson,
  printTable,
} from './common.js';

const ROLES: Role[] = ['operator', 'site', 'tenant', 'regulator'];

interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'work on the PGlite store in <dir> directly (the server must be stopped)')
    .option('--database-url <url>', 'work on this PostgreSQL database directly');
}

/** The store named by the flags, or null to go through the API. */
async function directStore(o: StoreFlags): Promise<Store | null> {
  if (o.dataDir === undefined && o.databaseUrl === undefined) return null;
  if (o.dataDir !== undefined && o.databaseUrl !== undefined) {
    throw new CliError('give --data-dir or --database-url, not both');
  }
  const { openStore, DataDirLockedError } = await import('../../store/index.js');
  try {
    return await openStore(o.databaseUrl !== undefined ? { databaseUrl: o.databaseUrl } : { dataDir: o.dataDir! });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new CliError(`${err.message}; or manage keys through the running server with an operator key`);
    }
    throw new CliError((err as Error).message);
  }
}

/** Runs `fn` on the direct store and closes it; DomainErrors become one-line CLI errors. */
async function withStore<T>(store: Store, fn: (store: Store) => Promise<T>): Promise<T> {
  const { DomainError } = await import('../../domain/errors.js');
  try {
    return await fn(store);
  } catch (err) {
    if (err instanceof DomainError) throw new CliError(`${err.message}${err.field ? ` (field: ${err.field})` : ''}`);
    throw err;
  } finally {
    await store.close();
  }
}

function keyRows(keys: ApiKey[]): (string | null)[][] {
  return keys.map((k) => [
    k.id,
    k.role,
    k.tenantId ?? (k.siteIds.length ? k.siteIds.join(',') : ''),
    k.name,
    formatTimeS(k.createdAtS),
    k.expiresAtS === null ? 'never' : formatTimeS(k.expiresAtS),
    k.revokedAtS === null ? '' : `revoked ${formatTimeS(k.revokedAtS)}`,
  ]);
}

interface CreateOptions extends StoreFlags {
  role: Role;
  name?: string;
  tenant?: string;
  sites?: string;
  expires?: number;
  expiresIn?: number;
  save?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const keys = addUrlOption(
    program
      .command('keys')
      .description('API keys: create (shown once), list, revoke; through the API or straight in the store'),
  );

  addStoreOptions(
    keys
      .command('create')
      .description('Create an API key and print it (the only time it is shown)')
      .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).makeOptionMandatory())
      .option('--name <name>', 'what the key is for (default: the role and binding)')
      .option('--tenant <id>', 'the tenant a tenant key acts for')
      .option('--sites <ids>', 'comma-separated sites a site key speaks for')
      .option('--expires <time>', 'expiry: +90d, Unix seconds or ISO time (default never)', (v) => parseTimeS(v))
      .option('--expires-in <duration>', 'expiry from now: 90d, 12h', parseDurationS),
  )
    .option('--save', 'also write the key (and --url) to the CLI config file, readable by you only')
    .option('--json', 'print {key, record} as JSON')
    .addHelpText(
      'after',
      '\nThe key is printed on stdout (one line) and never shown again: only its scrypt hash is stored.\n' +
        'Without --data-dir/--database-url this needs an operator key (SUANWANG_API_KEY or the config file).',
    )
    .action(
      action(async (o: CreateOptions, cmd: Command) => {
        if (o.expires !== undefined && o.expiresIn !== undefined) {
          throw new CliError('give --expires or --expires-in, not both');
        }
        const siteIds = o.sites
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const name = o.name ?? [o.role, o.tenant, siteIds?.join(',')].filter(Boolean).join(' ');
        const input = {
          name,
          role: o.role,
          ...(o.tenant !== undefined && { tenantId: o.tenant }),
          ...(siteIds !== undefined && { siteIds }),
        };
        let created: CreatedApiKey;
        const store = await directStore(o);
        if (store) {
          const { createApiKey } = await import('../../auth/key-store.js');
          const nowS = Date.now() / 1000;
          const expiresAtS = o.expires ?? (o.expiresIn !== undefined ? nowS + o.expiresIn : null);
          created = await withStore(store, (s) => createApiKey(s, { ...input, expiresAtS, createdBy: 'cli' }));
        } else {
          created = await clientFor(cmd).createKey({
            ...input,
            ...(o.expires !== undefined && { expiresAtS: o.expires }),
            ...(o.expiresIn !== undefined && { expiresInS: o.expiresIn }),
          });
        }
        if (o.save) {
          const { saveCliConfig } = await import('../../auth/client-config.js');
          const { url } = cmd.optsWithGlobals<{ url?: string }>();
          const path = saveCliConfig({ apiKey: created.key, ...(url !== undefined && { url }) });
          process.stderr.write(`saved the key to ${path}\n`);
        }
        if (o.json) return printJson(created);
        const r = created.record;
        const bound = r.tenantId ? ` for tenant ${r.tenantId}` : r.siteIds.length ? ` for ${r.siteIds.join(', ')}` : '';
        process.stderr.write(`created ${r.role} key ${r.id}${bound}; it is shown only this once:\n`);
        process.stdout.write(`${created.key}\n`);
      }),
    );

  addStoreOptions(
    keys
      .command('list')
      .description('List API keys (never their secrets)')
      .addOption(new Option('--role <role>', 'only this role').choices(ROLES))
      .option('--tenant <id>', "only this tenant's keys")
      .option('--revoked', 'include revoked keys'),
  )
    .option('--json', 'print JSON')
    .action(
      action(
        async (o: StoreFlags & { role?: Role; tenant?: string; revoked?: boolean; json?: boolean }, cmd: Command) => {
          const filter = {
            ...(o.role !== undefined && { role: o.role }),
            ...(o.tenant !== undefined && { tenantId: o.tenant }),
            ...(o.revoked && { revoked: true }),
          };
          const all: ApiKey[] = [];
          const store = await directStore(o);
          if (store) {
            const { listApiKeys } = await import('../../auth/key-store.js');
            await withStore(store, async (s) => {
              let cursor: string | undefined;
              do {
                const page = await listApiKeys(s, filter, { limit: 500, ...(cursor !== undefined && { cursor }) });
                all.push(...page.items);
                cursor = page.nextCursor ?? undefined;
              } while (cursor);
            });
          } else {
            const client = clientFor(cmd);
            for await (const k of client.paginate((cursor) =>
              client.listKeys({ ...filter, limit: 500, ...(cursor !== undefined && { cursor }) }),
            ))
              all.push(k);
          }
          if (o.json) return printJson(all);
          printTable(['ID', 'ROLE', 'BOUND TO', 'NAME', 'CREATED', 'EXPIRES', 'REVOKED'], keyRows(all));
        },
      ),
    );

  addStoreOptions(
    keys
      .command('revoke <id>')
      .description('Revoke an API key at once (it cannot be used again)')
      .option('--force', 'with --data-dir/--database-url: revoke even the last usable operator key'),
  )
    .option('--json', 'print the revoked key as JSON')
    .action(
      action(async (keyId: string, o: StoreFlags & { force?: boolean; json?: boolean }, cmd: Command) => {
        let rec: ApiKey;
        const store = await directStore(o);
        if (store) {
          const { revokeApiKeySafely } = await import('../../auth/key-store.js');
          rec = await withStore(store, (s) => revokeApiKeySafely(s, keyId, { allowLastOperator: !!o.force }));
        } else {
          rec = await clientFor(cmd).revokeKey(keyId);
        }
        if (o.json) return printJson(rec);
        process.stdout.write(`revoked key ${rec.id} (${rec.role} ${rec.name})\n`);
      }),
    );

  keys
    .command('whoami')
    .description('Show the key the CLI uses: its id, role and what it is bound to')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }, cmd: Command) => {
        const me = await clientFor(cmd).whoami();
        if (o.json) return printJson(me);
        printFields([
          ['key', me.keyId],
          ['name', me.name],
          ['role', me.role],
          ['tenant', me.tenantId],
          ['sites', me.siteIds.length ? me.siteIds.join(', ') : null],
        ]);
      }),
    );
}
