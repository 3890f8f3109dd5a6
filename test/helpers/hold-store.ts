/**
 * Child process for lock tests: opens the PGlite store in argv[2], prints
 * "ready <pid>", and holds it until stdin closes (then closes cleanly) or it is killed.
 */
import { PgliteStore } from '../../src/store/index.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: hold-store.ts DATA_DIR');
try {
  const store = await PgliteStore.open({ dataDir: dir });
  process.stdout.write(`ready ${process.pid}\n`);
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await store.close();
    process.exit(0);
  });
} catch (err) {
  process.stdout.write(`refused ${(err as Error).message}\n`);
  process.exit(3);
}
