-- Metering input: what each job held and for how long, and the energy and carbon that implies
-- (src/dispatch/usage.ts, power model of src/domain/energy.ts). One record per job attempt,
-- whatever its end (a failed or cancelled job used what it held), never two.
CREATE TABLE usage_records (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id       text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt       integer NOT NULL,
  site_id       text NOT NULL,
  tenant_id     text NOT NULL,
  backend       text NOT NULL,
  cluster       text NOT NULL,
  job_id        text NOT NULL,
  state         text NOT NULL,
  started_at_s  double precision,
  ended_at_s    double precision,
  wall_s        double precision NOT NULL CHECK (wall_s >= 0),
  cpus          double precision NOT NULL,
  cpu_core_s    double precision NOT NULL,
  cpu_used_s    double precision,
  gpus          double precision NOT NULL,
  gpu_s         double precision NOT NULL,
  hpc_nodes     double precision NOT NULL,
  hpc_node_s    double precision NOT NULL,
  memory_gb_s   double precision NOT NULL,
  energy_kwh    double precision NOT NULL,
  carbon_g      double precision NOT NULL,
  exit_code     integer,
  signal        integer,
  recorded_at_s double precision NOT NULL,
  UNIQUE (task_id, attempt)
);

CREATE INDEX usage_records_site_time ON usage_records (site_id, ended_at_s);
CREATE INDEX usage_records_tenant_time ON usage_records (tenant_id, ended_at_s);
