import type { DeliverabilityReport, ReportRow } from './deliverability-report';

const HEADER = [
  'bucket', 'split', 'queued', 'sent', 'delivered', 'failed_hard', 'failed_soft', 'failed_blocked', 'failed_dropped',
  'opened_total', 'opened_unique', 'clicked_total', 'clicked_unique', 'secured_encrypted', 'secured_verified',
  'delivery_rate', 'open_rate', 'click_through_rate', 'click_to_open_rate',
];

/** Renders the series as CSV (RFC 4180, CRLF line ends), with the summary as a last row whose bucket is "total". */
export function reportToCsv(report: DeliverabilityReport): string {
  const rows = report.series.map((row) => cells(row.bucket, row.split ?? '', row));
  rows.push(cells('total', '', report.summary));
  return [HEADER, ...rows].map((row) => row.map(escapeCell).join(',')).join('\r\n') + '\r\n';
}

function cells(bucket: string, split: string, row: Omit<ReportRow, 'bucket' | 'split'>): string[] {
  const rate = (value: number | null) => (value === null ? '' : String(value));
  return [
    bucket, split, row.queued, row.sent, row.delivered, row.failed.hard, row.failed.soft, row.failed.blocked, row.failed.dropped,
    row.opened.total, row.opened.unique, row.clicked.total, row.clicked.unique, row.secured.encrypted, row.secured.verified,
    rate(row.rates.delivery.rate), rate(row.rates.open.rate), rate(row.rates.clickThrough.rate), rate(row.rates.clickToOpen.rate),
  ].map(String);
}

// Quotes per RFC 4180. A leading =, +, - or @ would run as a formula in a
// spreadsheet, so such a split value gets a leading apostrophe.
function escapeCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
