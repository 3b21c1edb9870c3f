/** Counts of one bucket and split value, or of a whole report. */
export interface ReportCounts {
  queued: number;
  sent: number;
  delivered: number;
  failed: { hard: number; soft: number; blocked: number; dropped: number };
  opened: { total: number; unique: number };
  clicked: { total: number; unique: number };
  secured: { encrypted: number; verified: number };
  /** Rate numerators, each counted among delivered messages so that no rate passes 100%. */
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

/** The four rates of a report, each with its stated numerator and denominator. */
export interface ReportRates {
  /** delivered / sent */
  delivery: Rate;
  /** delivered messages with a unique open / delivered */
  open: Rate;
  /** delivered messages with a unique click / delivered */
  clickThrough: Rate;
  /** delivered messages opened and clicked / delivered messages opened */
  clickToOpen: Rate;
}

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

/** Computes the rates of a set of counts. */
export function ratesOf(counts: ReportCounts): ReportRates {
  return {
    delivery: rate(counts.delivered, counts.sent),
    open: rate(counts.deliveredOpened, counts.delivered),
    clickThrough: rate(counts.deliveredClicked, counts.delivered),
    clickToOpen: rate(counts.deliveredOpenedAndClicked, counts.deliveredOpened),
  };
}

function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000 };
}
