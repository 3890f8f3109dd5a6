/**
 * What the scheduler decides for a task, with its explanation: where, when,
 * why (score breakdown), the runners-up, and which filter removed which site.
 */
export interface ScoreBreakdown {
  /** Weighted, normalised total (lower is better). */
  total: number;
  /** Per score plugin: the normalised value in [0,1] before weighting. */
  parts: Record<string, number>;
  /** Raw figures behind the parts, with units in the names. */
  carbonG: number;
  costFen: number;
  latencyMs: number;
  energyKwh: number;
}

export interface RunnerUp {
  siteId: string;
  startS: number;
  score: ScoreBreakdown;
}

export interface Rejection {
  siteId: string;
  /** Name of the filter plugin that removed the site. */
  filter: string;
  reason: string;
}

export interface Placement {
  taskId: string;
  siteId: string;
  startS: number;
  endS: number;
  profile: string;
  score: ScoreBreakdown;
  runnersUp: RunnerUp[];
  /** A human sentence: why this site and this time. */
  explanation: string;
  decidedAtS: number;
}

/** A task that could not be placed in this cycle, and why. */
export interface Unplaced {
  taskId: string;
  reason: string;
  /** Per filter: how many sites it removed, and a sample of them. */
  rejections: Rejection[];
  /** Count of sites removed per filter name. */
  removedByFilter: Record<string, number>;
}
