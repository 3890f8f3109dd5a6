/**
 * The `suanwang` CLI. One file per capability under `commands/`; each
 * exports `register(program)`. `--help` works on every command.
 */
import { Command } from 'commander';
import { registerAll } from './commands/index.js';

// `suanwang … | head` closes stdout early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command();
program
  .name('suanwang')
  .description("Suanwang (算网): one point of access to China's national compute network")
  .version('0.1.0');
registerAll(program);
await program.parseAsync(process.argv);
