/**
 * The one clock. Every piece of code that needs "now" takes a Clock, so tests can move time
 * instead of sleeping for it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests. */
export class FakeClock implements Clock {
  #t: number;
  constructor(start: Date | string) {
    this.#t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#t);
  }
  set(t: Date | string): void {
    this.#t = new Date(t).getTime();
  }
  advance(ms: number): void {
    this.#t += ms;
  }
}
