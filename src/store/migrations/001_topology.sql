-- The national topology (东数西算): 8 hubs, 10 data-center clusters, cities,
-- and the east–west hub pairings (结对子). Seeded from src/topology, read-only
-- through the API. `doc` keeps the full object as the topology module shaped it.
CREATE TABLE hubs (
  id text PRIMARY KEY,
  name text NOT NULL,
  name_zh text NOT NULL,
  side text NOT NULL CHECK (side IN ('east', 'west')),
  grid_region text,
  lat double precision NOT NULL,
  lon double precision NOT NULL,
  doc jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clusters (
  id text PRIMARY KEY,
  hub_id text NOT NULL REFERENCES hubs (id),
  name text NOT NULL,
  name_zh text NOT NULL,
  lat double precision NOT NULL,
  lon double precision NOT NULL,
  doc jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clusters_hub_idx ON clusters (hub_id);

CREATE TABLE cities (
  id text PRIMARY KEY,
  name text NOT NULL,
  province text,
  hub_id text REFERENCES hubs (id),
  lat double precision NOT NULL,
  lon double precision NOT NULL,
  doc jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hub_pairings (
  east_hub_id text NOT NULL REFERENCES hubs (id),
  west_hub_id text NOT NULL REFERENCES hubs (id),
  basis text NOT NULL,
  note text NOT NULL,
  -- Order as shipped: the first partner of a hub is its main one.
  position integer NOT NULL,
  PRIMARY KEY (east_hub_id, west_hub_id)
);

-- Small facts about the store itself (e.g. that the shipped sites were seeded once).
CREATE TABLE store_meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
