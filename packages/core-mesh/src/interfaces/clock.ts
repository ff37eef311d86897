/**
 * Time and randomness, injected so that protocol cores run unchanged on the wall clock
 * (the node) and on a virtual clock (the deterministic test kit, large simulations).
 */

/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown

export interface Clock {
  /** Milliseconds since an arbitrary, fixed origin. Never goes backwards. */
  now(): number
  /** Call `fn` once after `ms` milliseconds. The callback must not throw. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  /** Cancel a timer; cancelling a fired or unknown timer does nothing. */
  clearTimeout(handle: TimerHandle): void
}

/** A source of uniformly distributed random numbers. */
export interface RandomSource {
  /** A float in [0, 1). */
  next(): number
}
