-- Trust: API keys. A key is shown once, as sw_<id>_<secret>; only a slow (scrypt) hash of the
-- secret is kept. Keys are revoked, never deleted, so audit logs keep naming a known key.
CREATE TABLE api_keys (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9]{16}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role          text NOT NULL CHECK (role IN ('operator', 'site', 'tenant', 'regulator')),
  -- a tenant key acts for exactly one tenant; no other key has one
  tenant_id     text CHECK ((role = 'tenant') = (tenant_id IS NOT NULL)),
  -- a site key registers and reports for these sites only; no other key has any
  site_ids      text[] NOT NULL DEFAULT '{}' CHECK ((role = 'site') = (cardinality(site_ids) > 0)),
  -- scrypt$N$r$p$<salt base64>$<hash base64>
  secret_hash   text NOT NULL,
  -- times are seconds since the Unix epoch (the platform's Clock)
  created_at_s  double precision NOT NULL,
  expires_at_s  double precision,
  revoked_at_s  double precision,
  -- the key id that created it, or 'bootstrap' / 'cli' for keys made with direct store access
  created_by    text NOT NULL
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id) WHERE tenant_id IS NOT NULL;
