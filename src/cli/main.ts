/**
 * The `suanwang` CLI. One file per capability under `commands/`; each
 * exports `register(program)`. `--help` works on every command.
 */
import { Command } from 'commander';
import { registerAll } from './commands/index.js';

const program = new Command();
program
  .name('suanwang')
  .description('Suanwang (算网): one point of access to China\'s national compute network')
  .version('0.1.0');
registerAll(program);
await program.parseAsync(process.argv);
