/**
 * The scheduler in `/metrics`: how much work its decisions take (walks, candidates visited,
 * site loads read, (candidate, start) pairs scored, runs checked for room), how many task classes it has planned
 * and how many of those share another class's plan, and its queues now. Read from the live
 * scheduler when Prometheus scrapes (a copy of a few counters), so they cost nothing between scrapes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SchedulerWork } from '../scheduler/index.js';

/** The scheduler's work (`Scheduler.stats()`) and its queues now (`Scheduler.counts()`). */
export interface SchedulerStats extends SchedulerWork {
  queued: number;
  held: number;
}

/** Counters and gauges on `registry` that read `stats()` at each scrape. */
export function registerSchedulerMetrics(registry: Registry, stats: () => SchedulerStats): void {
  const total = (name: string, help: string, pick: (s: SchedulerStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(pick(stats()));
      },
    });
  const now = (name: string, help: string, pick: (s: SchedulerStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(stats()));
      },
    });
  total('suanwang_scheduler_walks_total', 'Greedy decisions taken (walks over a class plan)', (s) => s.walks);
  total(
    'suanwang_scheduler_candidates_visited_total',
    'Candidates (site, GPU pool) the walks examined',
    (s) => s.visited,
  );
  total('suanwang_scheduler_load_reads_total', 'Site loads the walks read from the reservation book', (s) => s.loads);
  total('suanwang_scheduler_starts_scored_total', '(candidate, start time) pairs the walks scored', (s) => s.tries);
  total(
    'suanwang_scheduler_capacity_checks_total',
    'Runs the walks checked for room in the reservation book (only where a site’s load is over capacity)',
    (s) => s.checks,
  );
  total('suanwang_scheduler_task_classes_total', 'Task classes planned', (s) => s.plans);
  total('suanwang_scheduler_shared_plans_total', 'Task classes that shared another class’s plan', (s) => s.sharedPlans);
  now('suanwang_scheduler_queued_tasks', 'Tasks waiting in the scheduler’s queues', (s) => s.queued);
  now('suanwang_scheduler_held_placements', 'Placements booked and not yet completed or cancelled', (s) => s.held);
}
