-- Trust: idempotent submission. The key row is written in the same statement as the task it
-- created, so a crash can never keep one without the other; a retry with the same key finds it.
CREATE TABLE idempotency_keys (
  -- whose key it is: 'tenant:<id>' (all keys of a tenant share), 'key:<api key id>', or 'anonymous'
  scope         text NOT NULL,
  key           text NOT NULL,
  -- sha256 of the request (method, path and canonical body): same key + other body is a conflict
  request_hash  text NOT NULL,
  task_id       text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  created_at_s  double precision NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at_s);
