/**
 * Loading the national topology shipped in data/. The file is read and
 * validated once per process; every call returns a fresh deep copy so callers
 * may mutate what they get (e.g. a simulator taking sites down).
 */
import { readFileSync } from 'node:fs';
import { DomainError } from '../domain/errors.js';
import type { Topology } from './types.js';
import { buildTopology } from './validate.js';

const TOPOLOGY_URL = new URL('../../data/topology.json', import.meta.url);

let cached: Topology | undefined;

/** Read and parse a JSON data file shipped in data/, naming it in errors. */
export function readDataJson(url: URL): unknown {
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (e) {
    throw new DomainError('unavailable', `cannot read ${url.pathname}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DomainError('validation', `${url.pathname} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The validated national topology (cached); the same object for every caller — do not mutate. */
export function nationalTopologyShared(): Readonly<Topology> {
  if (!cached) cached = buildTopology(readDataJson(TOPOLOGY_URL));
  return cached;
}

/** The 8 hubs, 10 clusters, cities, pairings and all sites, as a fresh copy. */
export function loadNationalTopology(): Topology {
  return structuredClone(nationalTopologyShared()) as Topology;
}
