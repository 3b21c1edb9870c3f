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
 * Group commit: items added while a batch is being written wait and are
 * written together in the next batch, so one transaction commits many items
 * under load and a lone item is written at once. `add` resolves only after
 * the batch holding the item has been written, and rejects if that failed.
 */
export class GroupCommit<T> {
  readonly stats: GroupCommitStats = { batches: 0, items: 0 };
  private pending: Pending<T>[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  /** Queues an item; resolves once it is written. */
  add(item: T): Promise<void> {
    const written = new Promise<void>((resolve, reject) => this.pending.push({ item, resolve, reject }));
    this.draining ??= this.drain();
    return written;
  }

  /** Resolves when every item added so far has been written or has failed. */
  async flush(): Promise<void> {
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((entry) => entry.item));
        this.stats.batches++;
        this.stats.items += batch.length;
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }

    // Runs in the same turn as the last length check, so no add() can slip in between.
    this.draining = undefined;
  }
}
