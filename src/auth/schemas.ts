/** API keys in the HTTP API (TypeBox: validation, types and the OpenAPI document). */
import { type Static, Type } from '@sinclair/typebox';
import { PageOf, PageQuery, strict } from '../api/schemas/common.js';
import { MAX_SITES_PER_KEY } from './key-store.js';

export const RoleSchema = Type.Union(
  [Type.Literal('operator'), Type.Literal('site'), Type.Literal('tenant'), Type.Literal('regulator')],
  {
    description:
      'operator: everything; site: register and report for its own sites; tenant: its own tasks; ' +
      'regulator: read-only national view and compliance',
  },
);

const TenantId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Tenant id' });
const SiteId = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 });

export const ApiKeyRecordSchema = Type.Object(
  {
    id: Type.String({ description: 'The key id (the part after sw_); not secret' }),
    name: Type.String(),
    role: RoleSchema,
    tenantId: Type.Union([Type.String(), Type.Null()], { description: 'The tenant a tenant key acts for' }),
    siteIds: Type.Array(Type.String(), { description: 'The sites a site key speaks for' }),
    createdAtS: Type.Number(),
    expiresAtS: Type.Union([Type.Number(), Type.Null()]),
    revokedAtS: Type.Union([Type.Number(), Type.Null()]),
    createdBy: Type.String({ description: "The key id that created it, or 'bootstrap' / 'cli'" }),
  },
  { ...strict, title: 'ApiKey' },
);

export const NewApiKeySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'What the key is for, e.g. "acme CI"' }),
    role: RoleSchema,
    tenantId: Type.Optional(TenantId),
    siteIds: Type.Optional(Type.Array(SiteId, { minItems: 1, maxItems: MAX_SITES_PER_KEY })),
    expiresAtS: Type.Optional(Type.Number({ minimum: 0, maximum: 1e11, description: 'Expiry, Unix s' })),
    expiresInS: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 3.2e8, description: 'Expiry from now, s (instead of expiresAtS)' }),
    ),
  },
  { ...strict, title: 'NewApiKey' },
);

export const CreatedApiKeySchema = Type.Object(
  {
    key: Type.String({ description: 'The API key, sw_<id>_<secret>: shown this once, never stored in clear' }),
    record: ApiKeyRecordSchema,
  },
  { ...strict, title: 'CreatedApiKey' },
);

export const ApiKeyQuery = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    tenantId: Type.Optional(Type.String({ maxLength: 64 })),
    revoked: Type.Optional(Type.Boolean({ description: 'Include revoked keys (default false)' })),
    ...PageQuery,
  },
  strict,
);

export const ApiKeyPage = PageOf(ApiKeyRecordSchema, 'ApiKeyPage');

export const KeyIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, strict);

export const WhoAmISchema = Type.Object(
  {
    keyId: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    tenantId: Type.Union([Type.String(), Type.Null()]),
    siteIds: Type.Array(Type.String()),
  },
  { ...strict, title: 'WhoAmI' },
);

export type NewApiKeyBody = Static<typeof NewApiKeySchema>;
export type ApiKeyQueryT = Static<typeof ApiKeyQuery>;
