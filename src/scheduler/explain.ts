/**
 * Sentences for people: why a task goes where it goes (and when), and why a
 * task waits. Built from numbers the decision already has, so they cost
 * little and never disagree with the decision.
 */
import { formatFen } from '../domain/money.js';
import type { Rejection, ScoreBreakdown } from '../domain/placement.js';
import type { Site } from '../domain/site.js';
import { formatDuration, formatTime } from './time-format.js';

/** Extra decimals at most that a pair of figures may get to show which is the smaller. */
const MORE_DIGITS = 3;

/**
 * Two figures as `show(x, decimals)` writes them, with the fewest decimals (from each one's own) at which
 * they differ: "4 g vs 4 g" says nothing about why one site won, "3.6 g vs 3.8 g" does.
 */
function apart(a: number, b: number, show: (x: number, extra: number) => string): [string, string] {
  for (let extra = 0; ; extra++) {
    const x = show(a, extra);
    const y = show(b, extra);
    if (x !== y || extra >= MORE_DIGITS) return [x, y];
  }
}

function carbon(g: number, extra: number): string {
  return g >= 1000 ? `${(g / 1000).toFixed((g >= 100_000 ? 0 : 1) + extra)} kg CO2` : `${g.toFixed(extra)} g CO2`;
}

const rtt = (ms: number, extra: number) => `${ms.toFixed(1 + extra)} ms`;
const score = (total: number, extra: number) => total.toFixed(3 + extra);
/** Most decimals a share below 1% starts with: a small task on a large site may commit a millionth of it. */
const SMALL_SHARE_DECIMALS = 10;

/** A share in per cent; below 1% from its first significant digit ("0.00002%", not "0%"). */
function inUse(share: number, extra: number): string {
  const pct = share * 100;
  const lead = pct > 0 && pct < 1 ? Math.min(SMALL_SHARE_DECIMALS, -Math.floor(Math.log10(pct))) : 0;
  return `${pct.toFixed(lead + extra)}%`;
}

/** "less carbon (3.6 g CO2 vs 3.8 g CO2)": the figures of both sites, told apart. */
function versus(
  what: string,
  a: number,
  b: number,
  show: (x: number, extra: number) => string,
  before = '',
  after = '',
): string {
  const [x, y] = apart(a, b, show);
  return `${what} (${before}${x} vs ${y}${after})`;
}

/** How to say that the winner is better than the runner-up on one part. */
function advantage(part: string, best: ScoreBreakdown, other: ScoreBreakdown): string {
  switch (part) {
    case 'carbon':
      return versus('less carbon', best.carbonG, other.carbonG, carbon);
    case 'price':
      return `cheaper (${formatFen(best.costFen)} vs ${formatFen(other.costFen)})`;
    case 'latency':
      return versus('nearer', best.latencyMs, other.latencyMs, rtt, 'RTT ');
    case 'eastWest':
      return 'in the west (东数西算)';
    case 'nearScarcity':
      return 'leaves scarce near capacity to interactive work';
    case 'loadBalance':
      // the load score is the share committed from the start on (work booked to start later counts)
      return versus('less loaded', best.parts.loadBalance ?? 0, other.parts.loadBalance ?? 0, inUse, '', ' committed');
    case 'delay':
      return 'starts sooner';
    default:
      return `better ${part}`;
  }
}

/** Why a run waits, with what it saves when that is known: its emissions against starting at once. */
function deferral(laterG: number, atOnceG: number | undefined): string {
  if (atOnceG === undefined) return '; the later start runs on greener power';
  if (atOnceG <= laterG) return '; no earlier start there scored better';
  const [later, now] = apart(laterG, atOnceG, carbon);
  return `; the later start runs on greener power (${later} vs ${now} if started at once)`;
}

export function removalsText(removedByFilter: Record<string, number>): string {
  const parts = Object.entries(removedByFilter)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([f, n]) => `${n} by ${f}`);
  return parts.join(', ');
}

export interface PlacedStory {
  site: Site;
  startS: number;
  readyS: number;
  profile: string;
  score: ScoreBreakdown;
  weights: Readonly<Record<string, number>>;
  runnerUp?: { site: Site; score: ScoreBreakdown };
  eligibleSites: number;
  removedByFilter: Record<string, number>;
  /** A deferred run's emissions had it started at once at the same site (g CO2). */
  carbonAtOnceG?: number;
}

export function placedExplanation(s: PlacedStory): string {
  const where = `${s.site.nameZh} (${s.site.id})`;
  const wait = s.startS - s.readyS;
  const when =
    wait > 0 ? `from ${formatTime(s.startS)}, deferred ${formatDuration(wait)}` : `from ${formatTime(s.startS)}`;
  let why: string;
  if (!s.runnerUp) {
    why = `the only one of ${s.eligibleSites} eligible sites with room`;
  } else {
    const r = s.runnerUp;
    // the parts where the winner gains most over the runner-up, weighted as the profile weighs them
    const gains = Object.keys(s.score.parts)
      .map((k) => ({ k, gain: (s.weights[k] ?? 0) * ((r.score.parts[k] ?? 0) - (s.score.parts[k] ?? 0)) }))
      .filter((g) => g.gain > 1e-9)
      .sort((a, b) => b.gain - a.gain || (a.k < b.k ? -1 : 1))
      .slice(0, 2)
      .map((g) => advantage(g.k, s.score, r.score));
    const [mine, theirs] = apart(s.score.total, r.score.total, score);
    const vs = `${r.site.nameZh} (${r.site.id}, ${theirs})`;
    const best = `best of ${s.eligibleSites} eligible sites on '${s.profile}'`;
    // scores equal to every decimal shown: say so, rather than "0.279304 vs 0.279304" as if they differed
    const level = mine === theirs ? `score ${mine}, level with ${vs} at this precision` : `score ${mine} vs ${vs}`;
    why =
      gains.length > 0
        ? `${best} (${level}): ${gains.join(', ')}`
        : `${best} (score ${mine}, tied with ${vs}; lower site order wins)`;
  }
  if (wait > 0 && s.score.parts.carbon !== undefined) why += deferral(s.score.carbonG, s.carbonAtOnceG);
  const removed = removalsText(s.removedByFilter);
  return `Runs at ${where} ${when}: ${why}.${removed ? ` Ruled out: ${removed}.` : ''}`;
}

export function unplacedReason(
  removedByFilter: Record<string, number>,
  samples: readonly Rejection[],
  siteCount: number,
): string {
  const removed = removalsText(removedByFilter);
  const example = samples.find((x) => x.filter === dominant(removedByFilter)) ?? samples[0];
  const eg = example ? ` (e.g. ${example.siteId}: ${example.reason})` : '';
  if (siteCount === 0) return 'No site in the network.';
  return `No site can take it now: of ${siteCount} sites, ${removed}${eg}.`;
}

function dominant(removedByFilter: Record<string, number>): string | undefined {
  let best: string | undefined;
  let n = -1;
  for (const [f, c] of Object.entries(removedByFilter)) {
    if (c > n) {
      best = f;
      n = c;
    }
  }
  return best;
}
