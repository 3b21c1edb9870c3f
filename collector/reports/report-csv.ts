import type { ReportRates } from './report-counts';
import type { DeliverabilityReport, ReportRow } from './deliverability-report';

// Each rate's key in ReportRates and the prefix of its three columns: numerator, denominator and rate.
const RATE_COLUMNS: [keyof ReportRates, string][] = [
  ['delivery', 'delivery'],
  ['open', 'open'],
  ['clickThrough', 'click_through'],
  ['clickToOpen', 'click_to_open'],
];

const HEADER = [
  'row', 'bucket', 'split', 'split_missing', 'queued', 'sent', 'delivered', 'failed_hard', 'failed_soft', 'failed_blocked', 'failed_dropped',
  'opened_total', 'opened_unique', 'clicked_total', 'clicked_unique', 'secured_encrypted', 'secured_verified',
  'delivered_opened', 'delivered_clicked', 'delivered_opened_and_clicked',
  ...RATE_COLUMNS.flatMap(([, column]) => [`${column}_numerator`, `${column}_denominator`, `${column}_rate`]),
];

/**
 * Renders the report as CSV (RFC 4180, CRLF line ends): one `bucket` row per
 * bucket and split value, then one `total` row with the summary, whose
 * bucket and split cells are empty. `split_missing` is `true` on the rows of
 * messages without the split attribute, whose split cell is empty too, and
 * `false` on other rows of a split report.
 */
export function reportToCsv(report: DeliverabilityReport): string {
  const rows = report.series.map((row) => cells('bucket', row.bucket, row, splitCells(report, row)));
  rows.push(cells('total', '', report.summary, ['', '']));
  return [HEADER, ...rows].map((row) => row.map(escapeCell).join(',')).join('\r\n') + '\r\n';
}

function splitCells(report: DeliverabilityReport, row: ReportRow): [string, string] {
  if (report.split === null) return ['', ''];
  return row.split === null || row.split === undefined ? ['', 'true'] : [row.split, 'false'];
}

function cells(kind: 'bucket' | 'total', bucket: string, row: Omit<ReportRow, 'bucket' | 'split'>, split: [string, string]): string[] {
  const rates = RATE_COLUMNS.flatMap(([name]) => {
    const rate = row.rates[name];
    return [rate.numerator, rate.denominator, rate.rate === null ? '' : rate.rate];
  });
  return [
    kind, bucket, ...split, row.queued, row.sent, row.delivered, row.failed.hard, row.failed.soft, row.failed.blocked, row.failed.dropped,
    row.opened.total, row.opened.unique, row.clicked.total, row.clicked.unique, row.secured.encrypted, row.secured.verified,
    row.deliveredOpened, row.deliveredClicked, row.deliveredOpenedAndClicked, ...rates,
  ].map(String);
}

// Quotes per RFC 4180. A cell starting with =, +, -, @, a tab or a carriage return would run as a
// formula in a spreadsheet, so it gets a leading apostrophe unless the whole cell is a plain number
// ("-1+cmd|..." starts like a number but is a formula).
function escapeCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
