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
 * Writes one batch. It must call `takeBatch` once, inside its transaction,
 * and write the items it returns.
 */
export type BatchWriter<T> = (takeBatch: () => T[]) => Promise<void>;

/**
 * Group commit: items added while a batch is being written wait and are
 * written together in the next batch, so one transaction commits many items
 * under load and a lone item is written at once. `add` resolves only after
 * the batch holding the item has been written, and rejects if that failed.
 *
 * The batch is taken when the writer's transaction has started, not before,
 * so items added while BEGIN waits for a connection join it. One batch is
 * written at a time, so the batch size follows the load: the busier the
 * endpoint, the more items share each commit.
 */
export class GroupCommit<T> {
  readonly stats: GroupCommitStats = { batches: 0, items: 0 };
  private pending: Pending<T>[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly write: BatchWriter<T>,
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
      let batch: Pending<T>[] | undefined;
      const takeBatch = () => {
        batch ??= this.pending.splice(0, this.maxBatch);
        return batch.map((entry) => entry.item);
      };

      try {
        await this.write(takeBatch);
        this.stats.batches++;
        this.stats.items += batch?.length ?? 0;
        for (const entry of batch ?? []) entry.resolve();
      } catch (error) {
        // A writer that failed before taking its batch (no connection, say) fails everything queued,
        // so the loop cannot spin on an error that every retry would meet.
        for (const entry of batch ?? this.pending.splice(0)) entry.reject(error);
      }
    }

    // Runs in the same turn as the last length check, so no add() can slip in between.
    this.draining = undefined;
  }
}
