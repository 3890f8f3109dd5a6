/**
 * One-at-a-time section for async code: the scheduler is single-threaded
 * state, and the scheduling cycle, the API's hooks and the dispatch loop's
 * hooks all touch it.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
