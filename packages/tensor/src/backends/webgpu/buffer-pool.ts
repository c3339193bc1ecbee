/**
 * GPUBuffer reuse. Creating buffers is slow and a training step frees and re-creates the same sizes every
 * iteration, so freed buffers go to free lists keyed by (usage, bucketed size) and are handed out again.
 *
 * Safety: a buffer freed while an unsubmitted command encoder may still read it must not be handed out yet,
 * because a `queue.writeBuffer` into it would run before that encoder is submitted. Such buffers wait in
 * `pending` until the backend calls `onSubmit()`; after a submit, queue order serialises all later uses.
 */

/** Bucketed size: at least 16 bytes, then 4 steps per power of two, so a reused buffer wastes at most 25%. */
export function bucketSize(bytes: number): number {
  if (bytes <= 16) return 16;
  const pow = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = Math.max(4, pow / 4);
  return Math.ceil(bytes / step) * step;
}

export interface PoolStats {
  /** Buffers created by `device.createBuffer`. */
  created: number;
  /** Acquisitions served from a free list. */
  reused: number;
  /** Buffers sitting in free lists (not in use), and their bytes. */
  free: number;
  freeBytes: number;
}

export class BufferPool {
  private readonly freeLists = new Map<string, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private readonly stats = { created: 0, reused: 0, freeBytes: 0, free: 0 };

  constructor(
    private readonly device: GPUDevice,
    /** Free bytes kept for reuse beyond which released buffers are destroyed instead. */
    private readonly maxFreeBytes = 512 * 2 ** 20,
  ) {}

  /** A buffer of at least `bytes` bytes with exactly `usage`. */
  acquire(bytes: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const size = bucketSize(bytes);
    const list = this.freeLists.get(key(size, usage));
    const buf = list?.pop();
    if (buf) {
      this.stats.reused++;
      this.stats.free--;
      this.stats.freeBytes -= buf.size;
      return buf;
    }
    this.stats.created++;
    return this.device.createBuffer({ size, usage });
  }

  /** Returns `buf` for reuse; `inFlight` says an unsubmitted encoder may still reference it. */
  release(buf: GPUBuffer, inFlight: boolean): void {
    if (inFlight) this.pending.push(buf);
    else this.toFree(buf);
  }

  /** Called right after a queue submit: buffers released before it become reusable. */
  onSubmit(): void {
    const ready = this.pending;
    this.pending = [];
    for (const b of ready) this.toFree(b);
  }

  private toFree(buf: GPUBuffer): void {
    if (this.stats.freeBytes + buf.size > this.maxFreeBytes) {
      // Valid even if submitted work still uses it: the implementation frees it once that work completes.
      buf.destroy();
      return;
    }
    const k = key(buf.size, buf.usage);
    let list = this.freeLists.get(k);
    if (!list) this.freeLists.set(k, (list = []));
    list.push(buf);
    this.stats.free++;
    this.stats.freeBytes += buf.size;
  }

  getStats(): PoolStats {
    return { ...this.stats };
  }

  /** Destroys every free and pending buffer (the device is going away). */
  destroy(): void {
    for (const list of this.freeLists.values()) for (const b of list) b.destroy();
    for (const b of this.pending) b.destroy();
    this.freeLists.clear();
    this.pending = [];
    this.stats.free = this.stats.freeBytes = 0;
  }
}

function key(size: number, usage: number): string {
  return `${usage}:${size}`;
}
