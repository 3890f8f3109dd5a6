-- Dispatch: one row per attempt of a task on a backend (a Slurm job, a local process).
-- The row is written BEFORE the backend is called (state 'submitting', no job id yet) and completed
-- after, so a platform that dies in between finds the job again by its deterministic name
-- (job_name = sw-<task>-<attempt>) instead of submitting it twice.
CREATE TABLE dispatch_jobs (
  task_id        text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt        integer NOT NULL CHECK (attempt >= 1),
  site_id        text NOT NULL,
  backend        text NOT NULL,
  cluster        text NOT NULL,
  job_name       text NOT NULL,
  -- Slurm job ids restart at 1 per cluster: a job is (backend, cluster, job_id)
  job_id         text,
  state          text NOT NULL CHECK (state IN ('waiting', 'submitting', 'pending', 'running',
                   'succeeded', 'failed', 'cancelled', 'timed-out')),
  reason         text,
  retryable      boolean NOT NULL DEFAULT false,
  -- a copy the platform gave up on (its site stopped answering and the task was re-placed);
  -- it never changes the task's state and is cancelled when its site answers again
  superseded     boolean NOT NULL DEFAULT false,
  output_path    text,
  -- times are seconds since the Unix epoch (the platform's Clock)
  created_at_s   double precision NOT NULL,
  not_before_s   double precision,
  submitted_at_s double precision,
  started_at_s   double precision,
  ended_at_s     double precision,
  cancel_requested_at_s double precision,
  updated_at_s   double precision NOT NULL,
  submit_errors  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (task_id, attempt),
  UNIQUE (job_name)
);

-- At most one live, current job per task: a second submission cannot be recorded silently.
CREATE UNIQUE INDEX dispatch_jobs_one_live_per_task ON dispatch_jobs (task_id)
  WHERE NOT superseded AND state IN ('waiting', 'submitting', 'pending', 'running');

-- No two live rows claim the same backend job.
CREATE UNIQUE INDEX dispatch_jobs_live_job ON dispatch_jobs (backend, cluster, job_id)
  WHERE job_id IS NOT NULL AND state IN ('submitting', 'pending', 'running');

CREATE INDEX dispatch_jobs_active ON dispatch_jobs (site_id)
  WHERE state IN ('waiting', 'submitting', 'pending', 'running');
