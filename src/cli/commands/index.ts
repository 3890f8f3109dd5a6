/** Every CLI command file, registered in one place (add one line per capability). */
import type { Command } from 'commander';
import { register as registerDemo } from './demo.js';
import { register as registerKeys } from './keys.js';
import { register as registerServe } from './serve.js';
import { register as registerSim } from './sim.js';
import { register as registerSites } from './sites.js';
import { register as registerTasks } from './tasks.js';

export function registerAll(program: Command): void {
  registerServe(program);
  registerDemo(program);
  registerSites(program);
  registerTasks(program);
  registerSim(program);
  registerKeys(program);
}
