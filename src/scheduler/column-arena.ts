/**
 * Per-candidate columns of class plans, cut from large shared buffers. A plan has a dozen columns;
 * a dozen small ArrayBuffers per task class each gave the garbage collector a backing store to
 * track, and building plans spent 30% of its time collecting. A buffer is freed with the last plan
 * that uses part of it (plans of one epoch are built, and dropped, together; the one-candidate plans
 * of `evaluate` take a few hundred bytes each and are not on any decision's path).
 */
const CHUNK_BYTES = 1 << 20;
/** Requests above this get a buffer of their own (a chunk is not wasted on one huge plan). */
const OWN_BUFFER_BYTES = CHUNK_BYTES / 4;

let chunk = new ArrayBuffer(CHUNK_BYTES);
let used = 0;

/** A fresh, zeroed region of `bytes` (8-byte aligned): its buffer and offset. */
function take(bytes: number): { buf: ArrayBuffer; at: number } {
  if (bytes > OWN_BUFFER_BYTES) return { buf: new ArrayBuffer(bytes), at: 0 };
  if (used + bytes > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    used = 0;
  }
  const at = used;
  // every region starts 8-byte aligned, whatever its element size
  used += (bytes + 7) & ~7;
  return { buf: chunk, at };
}

/** n zeros, never handed out before (regions are not reused). */
export function f64Column(n: number): Float64Array {
  const { buf, at } = take(8 * n);
  return new Float64Array(buf, at, n);
}

export function i32Column(n: number): Int32Array {
  const { buf, at } = take(4 * n);
  return new Int32Array(buf, at, n);
}

export function i16Column(n: number): Int16Array {
  const { buf, at } = take(2 * n);
  return new Int16Array(buf, at, n);
}
