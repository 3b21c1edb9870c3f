import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';
import {
  RATE_LABELS,
  describeRate,
  formatCounts,
  formatRate,
  ratesOf,
  totalsPerBucket,
  totalsPerSplit,
  type DeliverabilityReport,
  type RateName,
  type ReportCounts,
} from './report-figures';
import { CHART_COLORS, type ChartSeries } from './sealpost-chart';
import './sealpost-chart';
import { addDays, knownTimeZones, startOfDay, todayIn } from './zoned-dates';

const DIMENSIONS = [
  ['subject', 'Subject'],
  ['from', 'From address'],
  ['recipient_domain', 'Recipient domain'],
  ['campaign', 'Campaign'],
  ['custom', 'Custom field'],
] as const;

type Dimension = (typeof DIMENSIONS)[number][0];

/** Columns of the split table; each can sort it. */
const COLUMNS = [
  { key: 'value', label: 'Value' },
  { key: 'queued', label: 'Queued' },
  { key: 'sent', label: 'Sent' },
  { key: 'delivered', label: 'Delivered' },
  { key: 'failed', label: 'Failed' },
  { key: 'delivery', label: 'Delivery rate' },
  { key: 'open', label: 'Open rate' },
  { key: 'clickThrough', label: 'Click-through rate' },
  { key: 'clickToOpen', label: 'Click-to-open rate' },
] as const;

type ColumnKey = (typeof COLUMNS)[number]['key'];

interface SplitRow {
  value: string | null;
  counts: ReportCounts;
  rates: ReturnType<typeof ratesOf>;
}

/**
 * The deliverability dashboard: totals and rates, a trend chart per metric,
 * and a table split by a message attribute, for a date range in a chosen
 * time zone. Reads GET /v1/reports/deliverability, which returns counts and
 * domains, never addresses or message bodies.
 */
@customElement('sealpost-reports')
export class SealpostReports extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      form.controls {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
        gap: 0 1rem;
        align-items: end;
      }
      form.controls input,
      form.controls select {
        width: 100%;
        box-sizing: border-box;
        padding: 0.4rem;
        border: 1px solid #6b7785;
        border-radius: 4px;
      }
      label.checkbox {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        font-weight: normal;
      }
      label.checkbox input {
        width: auto;
      }
      .actions {
        display: flex;
        gap: 1rem;
        align-items: center;
        margin-top: 0.75rem;
        grid-column: 1 / -1;
      }
      .figures {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
        gap: 0.75rem;
        margin: 0;
      }
      .figures div {
        border: 1px solid #d0d7de;
        border-radius: 6px;
        padding: 0.5rem 0.75rem;
      }
      .figures dt {
        margin: 0;
        font-weight: normal;
        color: #4b5563;
      }
      .figures dd {
        margin: 0;
        font-size: 1.5rem;
        font-weight: 600;
      }
      .figures dd small {
        display: block;
        font-size: 0.8rem;
        font-weight: normal;
        color: #4b5563;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr));
        gap: 1rem;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-weight: 600;
      }
      th button {
        padding: 0;
        border: none;
        background: none;
        color: inherit;
        font-weight: 600;
        text-align: left;
      }
      td.number,
      th.number {
        text-align: right;
      }
      td small.counts {
        display: block;
        font-size: 0.8rem;
        color: #4b5563;
        white-space: nowrap;
      }
      th.number button {
        text-align: right;
      }
      .table-scroll {
        overflow-x: auto;
      }
    `,
  ];

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  @state() private fromDate = '';
  @state() private toDate = '';
  @state() private interval: DeliverabilityReport['interval'] = 'day';
  @state() private dimension: Dimension = 'campaign';
  @state() private customKey = '';
  @state() private includeMachine = false;
  @state() private report?: DeliverabilityReport;
  @state() private loading = false;
  @state() private error = '';
  @state() private sortKey: ColumnKey = 'sent';
  @state() private sortDescending = true;

  private readonly zones = knownTimeZones();

  override connectedCallback(): void {
    super.connectedCallback();
    this.toDate = todayIn(this.timeZone);
    this.fromDate = addDays(this.toDate, -29);
    void this.load();
  }

  /** Builds the report's query string for the chosen settings, in JSON or CSV. */
  private query(format: 'json' | 'csv'): string {
    const params = new URLSearchParams({
      from: startOfDay(this.fromDate, this.timeZone),
      to: startOfDay(addDays(this.toDate, 1), this.timeZone),
      tz: this.timeZone,
      interval: this.interval,
      split: this.dimension === 'custom' ? `custom:${this.customKey}` : this.dimension,
      include_machine: String(this.includeMachine),
    });
    if (format === 'csv') params.set('format', 'csv');
    return params.toString();
  }

  private validationProblem(): string {
    if (!this.fromDate || !this.toDate) return 'Choose both a start and an end date.';
    if (this.fromDate > this.toDate) return 'The start date is after the end date; swap them.';
    if (this.dimension === 'custom' && !/^[A-Za-z0-9_-]{1,40}$/.test(this.customKey)) return 'Enter the custom field key: up to 40 letters, digits, "-" or "_".';
    return '';
  }

  private async load(): Promise<void> {
    this.error = this.validationProblem();
    if (this.error) {
      // Figures left on screen would look like the result of the settings just rejected.
      this.report = undefined;
      return;
    }

    this.loading = true;
    try {
      this.report = await this.api.get<DeliverabilityReport>(`/v1/reports/deliverability?${this.query('json')}`);
    } catch (error) {
      this.report = undefined;
      this.error = error instanceof ApiError ? error.message : 'The report could not be loaded; try again.';
    } finally {
      this.loading = false;
    }
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    void this.load();
  }

  private sortBy(key: ColumnKey): void {
    if (this.sortKey === key) this.sortDescending = !this.sortDescending;
    else {
      this.sortKey = key;
      this.sortDescending = key !== 'value';
    }
  }

  private renderControls() {
    return html`
      <form class="controls" @submit=${this.submit} aria-label="Report settings">
        <div>
          <label for="from">From</label>
          <input id="from" type="date" required .value=${this.fromDate} @change=${(event: Event) => (this.fromDate = (event.target as HTMLInputElement).value)} />
        </div>
        <div>
          <label for="to">To (inclusive)</label>
          <input id="to" type="date" required .value=${this.toDate} @change=${(event: Event) => (this.toDate = (event.target as HTMLInputElement).value)} />
        </div>
        <div>
          <label for="tz">Time zone</label>
          <select id="tz" @change=${(event: Event) => (this.timeZone = (event.target as HTMLSelectElement).value)}>
            ${this.zones.map((zone) => html`<option ?selected=${zone === this.timeZone}>${zone}</option>`)}
          </select>
        </div>
        <div>
          <label for="interval">Interval</label>
          <select id="interval" @change=${(event: Event) => (this.interval = (event.target as HTMLSelectElement).value as DeliverabilityReport['interval'])}>
            ${(['hour', 'day', 'week', 'month'] as const).map((interval) => html`<option value=${interval} ?selected=${interval === this.interval}>${interval[0]!.toUpperCase()}${interval.slice(1)}</option>`)}
          </select>
        </div>
        <div>
          <label for="dimension">Split by</label>
          <select id="dimension" @change=${(event: Event) => (this.dimension = (event.target as HTMLSelectElement).value as Dimension)}>
            ${DIMENSIONS.map(([value, label]) => html`<option value=${value} ?selected=${value === this.dimension}>${label}</option>`)}
          </select>
        </div>
        ${this.dimension === 'custom'
          ? html`<div>
              <label for="custom-key">Custom field key</label>
              <input id="custom-key" .value=${this.customKey} maxlength="40" pattern="[A-Za-z0-9_\\-]{1,40}" required @input=${(event: Event) => (this.customKey = (event.target as HTMLInputElement).value)} />
            </div>`
          : nothing}
        <div>
          <label class="checkbox"
            ><input type="checkbox" .checked=${this.includeMachine} @change=${(event: Event) => (this.includeMachine = (event.target as HTMLInputElement).checked)} /> Include machine events
            (opens and clicks by mail scanners)</label
          >
        </div>
        <div class="actions">
          <button type="submit" ?disabled=${this.loading}>${this.loading ? 'Loading…' : 'Show report'}</button>
          ${this.validationProblem() ? nothing : html`<a href="/v1/reports/deliverability?${this.query('csv')}" download="deliverability.csv">Download CSV</a>`}
        </div>
      </form>
    `;
  }

  private renderTotals(report: DeliverabilityReport) {
    const { summary } = report;
    const failed = summary.failed.hard + summary.failed.soft + summary.failed.blocked + summary.failed.dropped;
    const count = (value: number) => value.toLocaleString('en');
    return html`
      <h3>Totals</h3>
      <dl class="figures">
        <div><dt>Queued</dt><dd>${count(summary.queued)}</dd></div>
        <div><dt>Sent</dt><dd>${count(summary.sent)}</dd></div>
        <div><dt>Delivered</dt><dd>${count(summary.delivered)}</dd></div>
        <div>
          <dt>Failed</dt>
          <dd>${count(failed)}<small>${summary.failed.hard} hard, ${summary.failed.soft} soft, ${summary.failed.blocked} blocked, ${summary.failed.dropped} dropped</small></dd>
        </div>
        <div><dt>Opened</dt><dd>${count(summary.opened.unique)}<small>messages; ${count(summary.opened.total)} opens in all</small></dd></div>
        <div><dt>Clicked</dt><dd>${count(summary.clicked.unique)}<small>links; ${count(summary.clicked.total)} clicks in all</small></dd></div>
        <div><dt>Sent over TLS</dt><dd>${count(summary.secured.encrypted + summary.secured.verified)}<small>${count(summary.secured.verified)} with a verified certificate</small></dd></div>
      </dl>
      <h3>Rates</h3>
      <dl class="figures">
        ${(Object.keys(RATE_LABELS) as RateName[]).map((name) => {
          const rate = summary.rates[name];
          return html`<div>
            <dt>${RATE_LABELS[name].name}</dt>
            <dd>${formatRate(rate)}<small>${describeRate(name, rate)}</small></dd>
          </div>`;
        })}
      </dl>
    `;
  }

  private renderTrends(report: DeliverabilityReport) {
    const buckets = totalsPerBucket(report);
    const x = buckets.map((bucket) => Date.parse(bucket.bucket) / 1000);
    const rangeText = `${this.interval} by ${this.interval}, ${this.fromDate} to ${this.toDate}, ${report.tz}`;
    const volume: ChartSeries[] = [
      { label: 'Sent', values: buckets.map((bucket) => bucket.counts.sent), color: CHART_COLORS[0]! },
      { label: 'Delivered', values: buckets.map((bucket) => bucket.counts.delivered), color: CHART_COLORS[2]! },
    ];
    const rateChart = (name: RateName, color: string) => {
      const values = buckets.map((bucket) => ratesOf(bucket.counts)[name].rate);
      const known = values.filter((value): value is number => value !== null);
      const summary = known.length === 0 ? `${RATE_LABELS[name].name}: no data, ${rangeText}.` : `${RATE_LABELS[name].name} ${rangeText}: from ${formatRate({ numerator: 0, denominator: 1, rate: Math.min(...known) })} to ${formatRate({ numerator: 0, denominator: 1, rate: Math.max(...known) })}.`;
      return html`<figure>
        <figcaption>${RATE_LABELS[name].name}</figcaption>
        <sealpost-chart .x=${x} .series=${[{ label: RATE_LABELS[name].name, values, color }]} format="percent" timeZone=${report.tz} summary=${summary}></sealpost-chart>
      </figure>`;
    };

    return html`
      <h3>Trends</h3>
      <div class="charts">
        <figure>
          <figcaption>Sent and delivered</figcaption>
          <sealpost-chart .x=${x} .series=${volume} timeZone=${report.tz} summary=${`Messages sent and delivered, ${rangeText}: ${report.summary.sent} sent and ${report.summary.delivered} delivered in all.`}></sealpost-chart>
        </figure>
        ${rateChart('delivery', CHART_COLORS[2]!)} ${rateChart('open', CHART_COLORS[1]!)} ${rateChart('clickThrough', CHART_COLORS[3]!)} ${rateChart('clickToOpen', CHART_COLORS[5]!)}
      </div>
    `;
  }

  private sortedSplitRows(report: DeliverabilityReport): SplitRow[] {
    const rows = totalsPerSplit(report).map((row) => ({ ...row, rates: ratesOf(row.counts) }));
    const key = this.sortKey;
    const sortValue = (row: SplitRow): string | number => {
      if (key === 'value') return row.value ?? '';
      if (key === 'failed') return row.counts.failed.hard + row.counts.failed.soft + row.counts.failed.blocked + row.counts.failed.dropped;
      if (key === 'queued' || key === 'sent' || key === 'delivered') return row.counts[key];
      return row.rates[key].rate ?? -1;
    };
    const direction = this.sortDescending ? -1 : 1;
    return rows.sort((a, b) => {
      const left = sortValue(a);
      const right = sortValue(b);
      const order = typeof left === 'string' ? left.localeCompare(String(right)) : left - (right as number);
      return order * direction || String(a.value ?? '').localeCompare(String(b.value ?? ''));
    });
  }

  // A column header whose button sorts by the column; aria-sort tells screen readers the current order.
  private renderSortHeader(column: (typeof COLUMNS)[number], label: string) {
    const sorted = this.sortKey === column.key;
    const direction = this.sortDescending ? 'descending' : 'ascending';
    const arrow = this.sortDescending ? ' ▼' : ' ▲';
    return html`<th scope="col" class=${column.key === 'value' ? '' : 'number'} aria-sort=${sorted ? direction : 'none'}>
      <button type="button" @click=${() => this.sortBy(column.key)}>${label}<span aria-hidden="true">${sorted ? arrow : ''}</span></button>
    </th>`;
  }

  private renderSplitTable(report: DeliverabilityReport) {
    // The heading names the split of the figures shown, not the one chosen for the next load.
    const [split, customKey] = (report.split ?? '').split(':') as [string, string | undefined];
    const dimension = DIMENSIONS.find(([value]) => value === (customKey === undefined ? split : 'custom'))?.[1] ?? split;
    const rows = this.sortedSplitRows(report);
    if (rows.length === 0) return nothing;

    const cell = (row: SplitRow, key: ColumnKey) => {
      if (key === 'value') return html`<th scope="row">${row.value ?? html`<span class="status">(none)</span>`}</th>`;
      if (key === 'failed') return html`<td class="number">${row.counts.failed.hard + row.counts.failed.soft + row.counts.failed.blocked + row.counts.failed.dropped}</td>`;
      if (key === 'queued' || key === 'sent' || key === 'delivered') return html`<td class="number">${row.counts[key].toLocaleString('en')}</td>`;
      // Sighted readers see the short "5 / 6", and screen readers read the same counts in words.
      const rate = row.rates[key];
      return html`<td class="number">
        ${formatRate(rate)}<small class="counts" aria-hidden="true">${formatCounts(rate)}</small><span class="visually-hidden">(${describeRate(key, rate)})</span>
      </td>`;
    };

    return html`
      <h3>By ${dimension.toLowerCase()}${customKey === undefined ? nothing : html` <code>${customKey}</code>`}</h3>
      <div class="table-scroll" tabindex="0" role="region" aria-label="Split table">
        <table>
          <caption class="status">Sorted by ${COLUMNS.find((column) => column.key === this.sortKey)?.label.toLowerCase()}, ${this.sortDescending ? 'highest' : 'lowest'} first. Under each rate are the counts it divides, numerator / denominator.</caption>
          <thead>
            <tr>
              ${COLUMNS.map((column) => this.renderSortHeader(column, column.key === 'value' ? dimension : column.label))}
            </tr>
          </thead>
          <tbody>
            ${rows.map((row) => html`<tr>${COLUMNS.map((column) => cell(row, column.key))}</tr>`)}
          </tbody>
        </table>
      </div>
    `;
  }

  private renderReport() {
    if (this.loading && !this.report) return html`<p class="status" role="status">Loading the report…</p>`;
    const report = this.report;
    if (!report) return nothing;
    if (report.summary.queued === 0) {
      return html`<p class="status" role="status">No messages were queued between ${this.fromDate} and ${this.toDate} (${report.tz}). Widen the range, or check that your sending system posts its messages to /v1/messages.</p>`;
    }
    return html`${this.renderTotals(report)} ${this.renderTrends(report)} ${this.renderSplitTable(report)}`;
  }

  override render() {
    return html`
      <h2>Deliverability</h2>
      <p class="status">Messages are counted in the ${this.interval} they were queued; later deliveries, opens and clicks count toward that ${this.interval}.</p>
      ${this.renderControls()}
      ${this.error ? html`<p class="error" role="alert">${this.error} ${this.validationProblem() ? nothing : html`<button class="secondary" @click=${() => this.load()}>Retry</button>`}</p>` : nothing}
      ${this.loading && this.report ? html`<p class="status" role="status">Updating the report…</p>` : nothing}
      ${this.renderReport()}
    `;
  }
}
