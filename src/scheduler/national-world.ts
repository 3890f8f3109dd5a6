/**
 * A SchedulerWorld from a topology: its sites, hubs (with 结对子 partners) and
 * cities, the fibre network model over them, and the derived hourly grid
 * profiles. `nationalWorld()` is the shipped 东数西算 network.
 */
import { NetworkModel, type NetworkModelOptions } from '../network/index.js';
import { loadNationalTopology, nationalGridProfiles, type Topology, TopologyIndex } from '../topology/index.js';
import type { GridProfileSource, LatencyModel, SchedulerWorld } from './world.js';

export interface WorldOptions {
  network?: LatencyModel;
  networkOptions?: NetworkModelOptions;
  /** Hourly grid profiles; default the derived national curves; `null` = annual averages only. */
  grid?: GridProfileSource | null;
}

export function worldFromTopology(topology: Topology, opts: WorldOptions = {}): SchedulerWorld {
  const index = new TopologyIndex(topology);
  const grid = opts.grid === undefined ? nationalGridProfiles(topology.sites) : (opts.grid ?? undefined);
  return {
    sites: topology.sites,
    hubs: topology.hubs,
    cities: topology.cities,
    network: opts.network ?? new NetworkModel(topology, opts.networkOptions),
    ...(grid ? { grid } : {}),
    resolvePlace: (idOrName: string) => index.resolve(idOrName),
  };
}

/** The shipped national topology as a scheduler world (a fresh copy: callers may change its sites). */
export function nationalWorld(opts: WorldOptions = {}): SchedulerWorld {
  return worldFromTopology(loadNationalTopology(), opts);
}
