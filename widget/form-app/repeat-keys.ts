/**
 * Stable keys of the instances of each repeating group, by the group's name.
 * Lit's `repeat` directive uses them to keep each instance's controls when an
 * earlier instance is removed, so typed values never move between instances.
 */
export class RepeatKeys {
  private readonly byName = new Map<string, number[]>();
  private next = 0;

  /** @param changed Called after an instance is added or removed, to render again. */
  constructor(private readonly changed: () => void) {}

  /** Returns the keys of a group's instances; a group shows one instance until the patient removes it. */
  keys(name: string): number[] {
    let keys = this.byName.get(name);
    if (!keys) {
      keys = [this.next++];
      this.byName.set(name, keys);
    }
    return keys;
  }

  add(name: string): void {
    this.byName.set(name, [...this.keys(name), this.next++]);
    this.changed();
  }

  remove(name: string, index: number): void {
    this.byName.set(name, this.keys(name).filter((_key, position) => position !== index));
    this.changed();
  }

  clear(): void {
    this.byName.clear();
  }
}
