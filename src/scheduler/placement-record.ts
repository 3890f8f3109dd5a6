/**
 * A placement as the scheduler makes and holds it: a plain object with the
 * decision's fields, a hidden story (what the score, runners-up and sentence
 * are built from when first read) and those three as lazy fields. Most
 * placements are never looked at, and every held one stays in memory.
 */
import type { Placement, RunnerUp, ScoreBreakdown } from '../domain/placement.js';
import type { Task } from '../domain/task.js';
import { placedExplanation } from './explain.js';
import { breakdown } from './objective.js';
import { taskEnv, type Weighting } from './plan.js';
import type { ClassPlan, TaskEnv } from './plugins/types.js';
import type { Profile } from './profiles/profile.js';
import type { SiteTable } from './site-table.js';
import type { Choice } from './walk.js';

/**
 * Numbers kept per choice in a story: candidate, start, total, share. The site and pool are the plan's
 * for the candidate; the static total is not read. Every held placement keeps these: 4 numbers a
 * choice instead of 7 took the story's array from 240 to 144 bytes, a sixth of what a decision retains.
 */
const CHOICE_FIELDS = 4;

/** What every story of one scheduler shares until its sites change (invalidate): one reference a story. */
export interface StoryContext {
  readonly table: SiteTable;
  readonly profile: Profile;
  readonly w: Weighting;
}

/** What a story builds when first read, in one object made then (most stories are never read). */
interface StoryMemo {
  winner: ScoreBreakdown | undefined;
  runners: RunnerUp[] | undefined;
  sentence: string | undefined;
  context: TaskEnv | undefined;
}

/**
 * A held placement's story: what its score, runners-up and sentence are built from, when first read,
 * and what the scheduler keeps about it while it holds it (the task, where its booking ends). Most
 * placements are never looked at, so it keeps the task, its class plan, the decision time and its
 * choices as one array of numbers; the task's scoring context is rebuilt when needed. Every held
 * placement keeps one, so its fields are few: the scheduler-wide parts behind one reference, the
 * lazily built ones in one object made on first read (7 fields, down from 11 and a held record of 4).
 */
export class PlacementStory {
  private memo: StoryMemo | undefined;
  private readonly top: number[];
  /** Where the capacity view's booking ends once the run overran its planned end (till then, the placement's endS). */
  overrunEndS: number | undefined;

  constructor(
    private readonly ctx: StoryContext,
    readonly task: Task,
    private readonly plan: ClassPlan,
    private readonly nowS: number,
    choices: readonly Choice[],
  ) {
    const top = new Array<number>(choices.length * CHOICE_FIELDS);
    for (let k = 0; k < choices.length; k++) {
      const c = choices[k]!;
      const o = k * CHOICE_FIELDS;
      top[o] = c.cand;
      top[o + 1] = c.startS;
      top[o + 2] = c.total;
      top[o + 3] = c.share;
    }
    this.top = top;
  }

  private lazy(): StoryMemo {
    if (this.memo === undefined)
      this.memo = { winner: undefined, runners: undefined, sentence: undefined, context: undefined };
    return this.memo;
  }

  /** The task's scoring context, exactly as at the decision (same task, plan, table and time). */
  private env(): TaskEnv {
    const m = this.lazy();
    if (m.context === undefined) m.context = taskEnv(this.task, this.plan, this.ctx.table, this.nowS, this.ctx.w);
    return m.context;
  }

  /** Table index of the site of choice k (0: the winner's). */
  site(k: number): number {
    return this.plan.site[this.top[k * CHOICE_FIELDS]!]!;
  }

  private startS(k: number): number {
    return this.top[k * CHOICE_FIELDS + 1]!;
  }

  /** Choice k's breakdown at its own start, or at `startS` (its total then computed anew). */
  private breakdownOf(k: number, startS?: number): ScoreBreakdown {
    const t = this.top;
    const o = k * CHOICE_FIELDS;
    if (startS !== undefined) return breakdown(this.env(), t[o]!, startS, t[o + 3]!, this.ctx.w);
    return breakdown(this.env(), t[o]!, t[o + 1]!, t[o + 3]!, this.ctx.w, t[o + 2]!);
  }

  score(): ScoreBreakdown {
    const m = this.lazy();
    if (m.winner === undefined) m.winner = this.breakdownOf(0);
    return m.winner;
  }

  keepScore(v: ScoreBreakdown): void {
    this.lazy().winner = v;
  }

  runnersUp(): RunnerUp[] {
    const m = this.lazy();
    if (m.runners === undefined) {
      const runners: RunnerUp[] = [];
      for (let k = 1; k < this.top.length / CHOICE_FIELDS; k++) {
        runners.push({
          siteId: this.ctx.table.sites[this.site(k)]!.id,
          startS: this.startS(k),
          score: this.breakdownOf(k),
        });
      }
      m.runners = runners;
    }
    return m.runners;
  }

  keepRunnersUp(v: RunnerUp[]): void {
    this.lazy().runners = v;
  }

  explanation(): string {
    const m = this.lazy();
    if (m.sentence === undefined) {
      const table = this.ctx.table;
      const hasRunnerUp = this.top.length > CHOICE_FIELDS;
      m.sentence = placedExplanation({
        site: table.sites[this.site(0)]!,
        startS: this.startS(0),
        readyS: this.env().readyS,
        profile: this.ctx.profile.name,
        score: this.score(),
        weights: this.ctx.profile.weights,
        runnerUp: hasRunnerUp ? { site: table.sites[this.site(1)]!, score: this.runnersUp()[0]!.score } : undefined,
        eligibleSites: this.plan.siteCount,
        removedByFilter: this.plan.removedByFilter,
        carbonAtOnceG: this.carbonAtOnceG(),
      });
    }
    return m.sentence;
  }

  /** A deferred winner's emissions had it started at the task's ready time at the same site. */
  private carbonAtOnceG(): number | undefined {
    const env = this.env();
    if (this.startS(0) <= env.readyS) return undefined;
    // the objective's own figure for the same run at the ready time, not a second formula
    return this.breakdownOf(0, env.readyS).carbonG;
  }

  keepExplanation(v: string): void {
    this.lazy().sentence = v;
  }
}

export const STORY = Symbol('placement story');
export type StoryPlacement = Placement & { [STORY]: PlacementStory };

/** An enumerable accessor over a placement's story: read builds the value once, write keeps a given one. */
function lazyField<T>(read: (s: PlacementStory) => T, keep: (s: PlacementStory, v: T) => void): PropertyDescriptor {
  return {
    enumerable: true,
    configurable: true,
    get(this: StoryPlacement) {
      return read(this[STORY]);
    },
    set(this: StoryPlacement, v: T) {
      keep(this[STORY], v);
    },
  };
}

/**
 * The lazy fields of a placement as enumerable accessors (JSON, spread and structuredClone see plain
 * values), one set of functions for all placements: no closures per placement.
 */
const LAZY_FIELDS: PropertyDescriptorMap = {
  score: lazyField<ScoreBreakdown>(
    (s) => s.score(),
    (s, v) => s.keepScore(v),
  ),
  runnersUp: lazyField<RunnerUp[]>(
    (s) => s.runnersUp(),
    (s, v) => s.keepRunnersUp(v),
  ),
  explanation: lazyField<string>(
    (s) => s.explanation(),
    (s, v) => s.keepExplanation(v),
  ),
};

/**
 * Makes a placement: a plain object (its prototype is Object.prototype, as a literal's is) with its
 * fields, its story hidden (not enumerable, writable or configurable: deep equality, JSON and spreads
 * see only the placement) and the lazy fields. Made by a constructor rather than as a literal because
 * V8 gives a constructor's objects room for the properties defined after the fields: the story is
 * added in place, where a literal's own field had to be reconfigured to hide it (a micro-benchmark:
 * 1.0 µs a placement against 1.4 µs).
 */
function PlacementRecord(
  this: Record<PropertyKey, unknown>,
  taskId: string,
  siteId: string,
  startS: number,
  endS: number,
  profile: string,
  decidedAtS: number,
  story: PlacementStory,
): void {
  this.taskId = taskId;
  this.siteId = siteId;
  this.startS = startS;
  this.endS = endS;
  this.profile = profile;
  this.decidedAtS = decidedAtS;
  Object.defineProperty(this, STORY, { value: story, enumerable: false, writable: false, configurable: false });
  // one call per field: Object.defineProperties took twice as long (1 µs a placement, 4% of a decision)
  Object.defineProperty(this, 'score', LAZY_FIELDS.score!);
  Object.defineProperty(this, 'runnersUp', LAZY_FIELDS.runnersUp!);
  Object.defineProperty(this, 'explanation', LAZY_FIELDS.explanation!);
}
PlacementRecord.prototype = Object.prototype;
type PlacementRecordConstructor = new (...fields: Parameters<typeof PlacementRecord>) => StoryPlacement;

/** Makes a placement with its story: `new PlacementWithStory(taskId, siteId, startS, endS, profile, decidedAtS, story)`. */
export const PlacementWithStory = PlacementRecord as unknown as PlacementRecordConstructor;
