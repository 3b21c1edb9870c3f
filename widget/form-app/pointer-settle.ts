/**
 * Holds back layout changes while a pointer is pressed. Validating a field
 * when focus leaves it adds or removes error text, which moves everything
 * below it. When that happens between pointerdown and pointerup, the click
 * lands on another element or on none, so a tap on Submit is lost. Work
 * queued while a pointer is down runs after the click that ends the press.
 *
 * @example
 * const settle = new PointerSettle(window);
 * settle.run(() => this.validate(name));
 */
export class PointerSettle {
  private pressed = false;
  private readonly queue: (() => void)[] = [];
  private readonly onDown = (): void => {
    this.pressed = true;
  };
  private readonly onUp = (): void => {
    this.pressed = false;
    // The click follows pointerup in the same task; run the queue after it.
    setTimeout(() => this.flush(), 0);
  };

  constructor(private readonly target: Pick<Window, 'addEventListener' | 'removeEventListener'>) {
    target.addEventListener('pointerdown', this.onDown, true);
    target.addEventListener('pointerup', this.onUp, true);
    target.addEventListener('pointercancel', this.onUp, true);
  }

  /** Runs `work` now, or after the current press ends. */
  run(work: () => void): void {
    if (this.pressed) this.queue.push(work);
    else work();
  }

  /** Removes the listeners; queued work runs at once. */
  dispose(): void {
    this.target.removeEventListener('pointerdown', this.onDown, true);
    this.target.removeEventListener('pointerup', this.onUp, true);
    this.target.removeEventListener('pointercancel', this.onUp, true);
    this.pressed = false;
    this.flush();
  }

  private flush(): void {
    if (this.pressed) return;
    for (const work of this.queue.splice(0)) work();
  }
}
