import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotStyles from 'uplot/dist/uPlot.min.css?inline';

// Series colours, each with a contrast ratio of 5:1 or more against white (WCAG 2 relative luminance).
export const CHART_COLORS = ['#1f5fa8', '#b3541e', '#2e7d32', '#7b3fa0', '#a8323e', '#00677f'];

/** One line or bar series: a label, one value per x position (null for a gap) and one of CHART_COLORS. */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: (typeof CHART_COLORS)[number];
}

// The console's policy forbids style attributes, so legend swatches take their colour from a class.
const SWATCH_STYLES = unsafeCSS(CHART_COLORS.map((color, index) => `.swatch.color-${index} { background: ${color}; }`).join('\n'));

/**
 * A chart drawn by uPlot: lines over time (`x` in seconds since the epoch) or
 * bars over categories (`categories`, one series). The canvas is an image to assistive
 * technology, labelled by `summary`; every page that shows a chart also
 * shows its figures in a table.
 */
@customElement('sealpost-chart')
export class SealpostChart extends LitElement {
  static override styles = [
    unsafeCSS(uPlotStyles),
    SWATCH_STYLES,
    css`
      :host {
        display: block;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        margin: 0.25rem 0 0;
        padding: 0;
        list-style: none;
        font-size: 0.875rem;
      }
      .swatch {
        display: inline-block;
        width: 0.8rem;
        height: 0.8rem;
        margin-right: 0.3rem;
        vertical-align: -0.1rem;
        border-radius: 2px;
      }
    `,
  ];

  /** x positions in seconds since the epoch, for a time series. */
  @property({ attribute: false }) x: number[] = [];
  /** Category names, for a bar chart; when set, `x` is ignored. */
  @property({ attribute: false }) categories: string[] = [];
  @property({ attribute: false }) series: ChartSeries[] = [];
  /** Number format of the y axis: counts, or fractions shown as percentages. */
  @property() format: 'count' | 'percent' = 'count';
  /** Text alternative of the chart. */
  @property() summary = '';
  /** Time zone in which time axis labels are printed. */
  @property() timeZone = 'UTC';
  @property({ type: Number }) height = 180;

  @query('.plot') private plotElement!: HTMLElement;
  private plot?: uPlot;
  private resizeObserver?: ResizeObserver;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => this.plot?.setSize({ width: this.plotWidth(), height: this.height }));
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  protected override updated(changed: PropertyValues): void {
    if (['x', 'categories', 'series', 'format', 'timeZone', 'height'].some((name) => changed.has(name))) this.draw();
  }

  private plotWidth(): number {
    return Math.max(240, Math.floor(this.getBoundingClientRect().width));
  }

  private draw(): void {
    this.plot?.destroy();
    const bars = this.categories.length > 0;
    const xs = bars ? this.categories.map((_, index) => index) : this.x;
    const data = [xs, ...this.series.map((item) => item.values)] as uPlot.AlignedData;
    const formatValue = (value: number) => (this.format === 'percent' ? `${Math.round(value * 1000) / 10}%` : value.toLocaleString('en'));

    const options: uPlot.Options = {
      width: this.plotWidth(),
      height: this.height,
      legend: { show: false },
      // Room on the right, so the newest point is not cut in half at the edge.
      padding: [12, 16, 0, 0],
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: bars ? { time: false, range: [-0.5, xs.length - 0.5] } : { time: true },
        y: { range: (_plot, min, max) => [Math.min(0, min), this.format === 'percent' ? Math.max(1, max) : Math.max(1, max * 1.1)] },
      },
      axes: [
        bars
          ? { splits: () => xs, values: (_plot, splits) => splits.map((split) => this.categories[split] ?? ''), grid: { show: false } }
          : { values: (_plot, splits) => splits.map((split) => this.formatTime(split, (splits[1] ?? split + 86_400) - (splits[0] ?? split))) },
        { values: (_plot, splits) => splits.map(formatValue), size: 60 },
      ],
      series: [
        {},
        ...this.series.map((item) => ({
          label: item.label,
          stroke: item.color,
          width: 2,
          ...(bars ? { fill: item.color, paths: uPlot.paths.bars!({ size: [0.6, 80] }), points: { show: false } } : { points: { show: xs.length < 40 } }),
        })),
      ],
    };
    this.plot = new uPlot(options, data, this.plotElement);
  }

  // Axis ticks less than a day apart show the hour as well.
  private formatTime(seconds: number, stepSeconds: number): string {
    const options: Intl.DateTimeFormatOptions = stepSeconds < 86_400 ? { hour: 'numeric', day: 'numeric', month: 'short' } : { month: 'short', day: 'numeric' };
    return new Intl.DateTimeFormat('en', { timeZone: this.timeZone, ...options }).format(new Date(seconds * 1000));
  }

  override render() {
    return html`
      <div class="plot" role="img" aria-label=${this.summary}></div>
      <ul class="legend" aria-hidden="true">
        ${this.series.map((item) => html`<li><span class="swatch color-${CHART_COLORS.indexOf(item.color)}"></span>${item.label}</li>`)}
      </ul>
    `;
  }
}
