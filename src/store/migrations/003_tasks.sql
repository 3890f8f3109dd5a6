-- The demand side: tasks, their placements (with history: a task may be placed
-- again after a failure) and their state history.
CREATE TABLE tasks (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'placed', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'timed-out')),
  kind text NOT NULL,
  spec jsonb NOT NULL,
  -- Where it is placed / runs; kept after the site is deleted, for history (no foreign key).
  site_id text,
  submitted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  state_reason text,
  -- Optimistic concurrency: every change bumps it; writers may require the version they read.
  version integer NOT NULL DEFAULT 1
);
-- Ids are time-sortable, so (filter, id) indexes serve the newest-first cursor pagination.
CREATE INDEX tasks_state_idx ON tasks (state, id);
CREATE INDEX tasks_tenant_idx ON tasks (tenant_id, id);
CREATE INDEX tasks_site_idx ON tasks (site_id, id);
CREATE INDEX tasks_kind_idx ON tasks (kind, id);

CREATE TABLE placements (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  site_id text NOT NULL,
  start_s double precision NOT NULL,
  end_s double precision NOT NULL,
  profile text NOT NULL,
  score jsonb NOT NULL,
  runners_up jsonb NOT NULL,
  explanation text NOT NULL,
  decided_at timestamptz NOT NULL,
  superseded boolean NOT NULL DEFAULT false,
  CHECK (end_s >= start_s)
);
CREATE INDEX placements_task_idx ON placements (task_id, id);
CREATE INDEX placements_site_idx ON placements (site_id, id);
-- At most one current placement per task.
CREATE UNIQUE INDEX placements_current_idx ON placements (task_id) WHERE NOT superseded;

CREATE TABLE task_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  from_state text,
  to_state text NOT NULL,
  reason text
);
CREATE INDEX task_events_task_idx ON task_events (task_id, id);
