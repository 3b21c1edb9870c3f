/** Counts of what a GroupCommit has written, for tests and metrics. */
export interface GroupCommitStats {
  batches: number;
  items: number;
}

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Writes one batch. It must call `takeBatch` once, just before it writes,
 * and write the items it returns.
 */
export type BatchWriter<T> = (takeBatch: () => T[]) => Promise<void>;

/**
 * Group commit: items added while batches are being written wait and are
 * written together in the next batch, so one transaction commits many items
 * under load and a lone item is written at once. `add` resolves only after
 * the batch holding the item has been written, and rejects if that failed.
 *
 * The writer takes the batch when it is ready to write, not when it starts,
 * so items added in the meantime join it. Up to
 * `maxWriters` batches are written at the same time: a new writer starts
 * only when items wait and every running writer has already taken its
 * batch, so the batch size still follows the load.
 */
export class GroupCommit<T> {
  readonly stats: GroupCommitStats = { batches: 0, items: 0 };
  private pending: Pending<T>[] = [];
  private writers = new Set<Promise<void>>();
  // Writers that have started but not yet taken their batch; new items join them.
  private untaken = 0;

  constructor(
    private readonly write: BatchWriter<T>,
    private readonly maxBatch = 500,
    private readonly maxWriters = 1,
  ) {}

  /** Queues an item; resolves once it is written. */
  add(item: T): Promise<void> {
    const written = new Promise<void>((resolve, reject) => this.pending.push({ item, resolve, reject }));
    this.startWriter();
    return written;
  }

  /** Resolves when every item added so far has been written or has failed. */
  async flush(): Promise<void> {
    while (this.writers.size > 0) await Promise.all(this.writers);
  }

  private startWriter(): void {
    if (this.pending.length === 0 || this.untaken > 0 || this.writers.size >= this.maxWriters) return;
    const writer = this.drain().finally(() => {
      this.writers.delete(writer);
      this.startWriter();
    });
    this.writers.add(writer);
  }

  private async drain(): Promise<void> {
    let batch: Pending<T>[] | undefined;
    this.untaken++;
    const takeBatch = () => {
      if (!batch) {
        batch = this.pending.splice(0, this.maxBatch);
        this.untaken--;
        // Items that did not fit, or arrive from now on, may start another writer.
        queueMicrotask(() => this.startWriter());
      }
      return batch.map((entry) => entry.item);
    };

    try {
      await this.write(takeBatch);
      if (batch && batch.length > 0) {
        this.stats.batches++;
        this.stats.items += batch.length;
      }
      for (const entry of batch ?? []) entry.resolve();
    } catch (error) {
      // A writer that failed before taking its batch (no connection, say) fails everything queued,
      // so no writer can spin on an error that every retry would meet.
      for (const entry of batch ?? this.pending.splice(0)) entry.reject(error);
    } finally {
      if (!batch) this.untaken--;
    }
  }
}
