/**
 * Reports the document's height through `post`, so that the loader sizes
 * the iframe to fit without a scrollbar. The root element's own box is as
 * tall as the content whatever the iframe's height, so growing the iframe
 * does not feed back into the figure.
 *
 * @example
 * const size = new FrameSize((height) => channel.post({ type: 'resize', height }));
 * size.observe();
 */
export class FrameSize {
  private observer: ResizeObserver | undefined;
  private lastHeight = -1;

  constructor(private readonly post: (height: number) => void) {}

  /** Starts observing, and reports the current height; does nothing when already observing. */
  observe(): void {
    if (this.observer || typeof ResizeObserver === 'undefined') return;

    this.observer = new ResizeObserver(() => this.report());
    this.observer.observe(document.documentElement);
    this.report();
  }

  disconnect(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  private report(): void {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === this.lastHeight) return;

    this.lastHeight = height;
    this.post(height);
  }
}
