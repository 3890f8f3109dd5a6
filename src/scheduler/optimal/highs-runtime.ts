/**
 * The HiGHS WebAssembly runtime, loaded once and reused (~50 ms to load).
 *
 * WASM memory only grows, up to the 2 GiB cap (past it: `RuntimeError:
 * Aborted()`, after which the instance is unusable). So: an aborted runtime is
 * dropped and the next call loads a fresh one, and after a solve that left the
 * runtime's memory large, the runtime is dropped too, so a one-off big batch
 * does not pin a gigabyte of RSS for the life of the process.
 */
import highsPackage, { type Highs } from 'highs';

// The typings describe the CommonJS build (default under `.default`); Node's ESM
// import gets build/highs.mjs, whose default export is the loader itself.
const loadHighs = (highsPackage.default ?? highsPackage) as typeof highsPackage.default;

let runtime: Promise<Highs> | undefined;

/** Above this, drop the runtime after use so its memory goes back to the process. */
export const KEEP_MEMORY_BYTES = 512 * 1024 * 1024;

export function getHighs(): Promise<Highs> {
  if (runtime) return runtime;
  const loading = loadHighs();
  runtime = loading;
  // a failed load must not poison later calls
  loading.catch(() => {
    if (runtime === loading) runtime = undefined;
  });
  return loading;
}

/** Call after each solve; `aborted` after a WASM abort, whose instance cannot be reused. */
export function releaseHighsIfNeeded(highs: Highs, aborted: boolean): void {
  if (aborted || highs.memoryBytes > KEEP_MEMORY_BYTES) runtime = undefined;
}

/** Emscripten aborts (out of memory, assertion) surface as WebAssembly.RuntimeError. */
export const isWasmAbort = (err: unknown): boolean =>
  err instanceof Error && (err.name === 'RuntimeError' || /Aborted\(/.test(err.message));
