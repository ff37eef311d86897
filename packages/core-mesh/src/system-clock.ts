import type { Clock, RandomSource, TimerHandle } from './interfaces/clock.js'

/** The wall clock for live nodes. Timers are unref'd so they never keep a process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout (fn: () => void, ms: number): TimerHandle {
    const timer = setTimeout(fn, ms)
    timer.unref()
    return timer
  },
  clearTimeout (handle: TimerHandle): void {
    clearTimeout(handle as NodeJS.Timeout)
  }
}

export const systemRandom: RandomSource = { next: () => Math.random() }
