/** Counts of one bucket and split value, as GET /v1/reports/deliverability returns them. */
export interface ReportCounts {
  queued: number;
  sent: number;
  delivered: number;
  failed: { hard: number; soft: number; blocked: number; dropped: number };
  opened: { total: number; unique: number };
  clicked: { total: number; unique: number };
  secured: { encrypted: number; verified: number };
  deliveredOpened: number;
  deliveredClicked: number;
  deliveredOpenedAndClicked: number;
}

/** A rate with the counts it divides; `rate` is null when the denominator is 0. */
export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}

export type RateName = 'delivery' | 'open' | 'clickThrough' | 'clickToOpen';

export type ReportRates = Record<RateName, Rate>;

/** The deliverability report as the collector returns it. */
export interface DeliverabilityReport {
  from: string;
  to: string;
  tz: string;
  interval: 'hour' | 'day' | 'week' | 'month';
  split: string | null;
  includeMachine: boolean;
  series: (ReportCounts & { bucket: string; split?: string | null; rates: ReportRates })[];
  summary: ReportCounts & { rates: ReportRates };
}

/** Name, numerator and denominator of each rate in words, for the text next to the figure. */
export const RATE_LABELS: Record<RateName, { name: string; numerator: string; denominator: string }> = {
  delivery: { name: 'Delivery rate', numerator: 'delivered', denominator: 'sent' },
  open: { name: 'Open rate', numerator: 'delivered and opened', denominator: 'delivered' },
  clickThrough: { name: 'Click-through rate', numerator: 'delivered and clicked', denominator: 'delivered' },
  clickToOpen: { name: 'Click-to-open rate', numerator: 'opened and clicked', denominator: 'delivered and opened' },
};

/** Returns counts of zero. */
export function emptyCounts(): ReportCounts {
  return {
    queued: 0,
    sent: 0,
    delivered: 0,
    failed: { hard: 0, soft: 0, blocked: 0, dropped: 0 },
    opened: { total: 0, unique: 0 },
    clicked: { total: 0, unique: 0 },
    secured: { encrypted: 0, verified: 0 },
    deliveredOpened: 0,
    deliveredClicked: 0,
    deliveredOpenedAndClicked: 0,
  };
}

/** Adds `counts` into `total`. */
export function addCounts(total: ReportCounts, counts: ReportCounts): void {
  total.queued += counts.queued;
  total.sent += counts.sent;
  total.delivered += counts.delivered;
  for (const key of ['hard', 'soft', 'blocked', 'dropped'] as const) total.failed[key] += counts.failed[key];
  for (const key of ['total', 'unique'] as const) {
    total.opened[key] += counts.opened[key];
    total.clicked[key] += counts.clicked[key];
  }
  total.secured.encrypted += counts.secured.encrypted;
  total.secured.verified += counts.secured.verified;
  total.deliveredOpened += counts.deliveredOpened;
  total.deliveredClicked += counts.deliveredClicked;
  total.deliveredOpenedAndClicked += counts.deliveredOpenedAndClicked;
}

/** Computes the four rates the same way the collector does, so sums of split rows get the same definitions. */
export function ratesOf(counts: ReportCounts): ReportRates {
  const rate = (numerator: number, denominator: number): Rate => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });
  return {
    delivery: rate(counts.delivered, counts.sent),
    open: rate(counts.deliveredOpened, counts.delivered),
    clickThrough: rate(counts.deliveredClicked, counts.delivered),
    clickToOpen: rate(counts.deliveredOpenedAndClicked, counts.deliveredOpened),
  };
}

/** Sums a split report per bucket, in bucket order: the series the trend charts draw. */
export function totalsPerBucket(report: DeliverabilityReport): { bucket: string; counts: ReportCounts }[] {
  const buckets = new Map<string, ReportCounts>();
  for (const row of report.series) {
    if (!buckets.has(row.bucket)) buckets.set(row.bucket, emptyCounts());
    addCounts(buckets.get(row.bucket)!, row);
  }
  return [...buckets].map(([bucket, counts]) => ({ bucket, counts })).sort((a, b) => Date.parse(a.bucket) - Date.parse(b.bucket));
}

/** Sums a split report per split value over the whole range: the rows of the split table. */
export function totalsPerSplit(report: DeliverabilityReport): { value: string | null; counts: ReportCounts }[] {
  const values = new Map<string | null, ReportCounts>();
  for (const row of report.series) {
    const value = row.split ?? null;
    if (!values.has(value)) values.set(value, emptyCounts());
    addCounts(values.get(value)!, row);
  }
  return [...values].map(([value, counts]) => ({ value, counts })).filter((row) => row.counts.queued > 0);
}

/** Formats a rate as a percentage with one decimal, or a dash when nothing was divided. */
export function formatRate(rate: Rate): string {
  return rate.rate === null ? '–' : `${(Math.round(rate.rate * 1000) / 10).toFixed(1)}%`;
}

/** Formats the counts a rate divides as "numerator / denominator", such as "390 / 400". */
export function formatCounts(rate: Rate): string {
  return `${rate.numerator.toLocaleString('en')} / ${rate.denominator.toLocaleString('en')}`;
}

/** Describes a rate's numerator and denominator in words, such as "390 delivered of 400 sent". */
export function describeRate(name: RateName, rate: Rate): string {
  const label = RATE_LABELS[name];
  if (rate.denominator === 0) return `no messages ${label.denominator} yet`;
  return `${rate.numerator.toLocaleString('en')} ${label.numerator} of ${rate.denominator.toLocaleString('en')} ${label.denominator}`;
}
