/** Every CLI command file, registered in one place (add one line per capability). */
import type { Command } from 'commander';
import { register as registerSim } from './sim.js';

export function registerAll(program: Command): void {
  void program;
  registerSim(program);
}
