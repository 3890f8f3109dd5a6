-- The supply ledger: every site that runs work ("1+10+N": clusters, cities, edge).
-- `spec` is the full domain Site (capacity, prices, backend, …); the typed columns
-- copy what is filtered and joined on, and are written together with it.
CREATE TABLE sites (
  id text PRIMARY KEY,
  name text NOT NULL,
  tier text NOT NULL CHECK (tier IN ('cluster', 'city', 'edge')),
  hub_id text REFERENCES hubs (id),
  cluster_id text REFERENCES clusters (id),
  city text NOT NULL,
  province text NOT NULL,
  side text NOT NULL CHECK (side IN ('east', 'west')),
  status text NOT NULL CHECK (status IN ('up', 'down', 'draining')),
  compliant boolean NOT NULL,
  spec jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX sites_hub_idx ON sites (hub_id, id);
CREATE INDEX sites_cluster_idx ON sites (cluster_id, id);
CREATE INDEX sites_status_idx ON sites (status, id);
