import { MeshError } from '../errors.js'
import type { Clock, TimerHandle } from '../interfaces/clock.js'

/**
 * More timers ran than allowed: almost always a timer that keeps rescheduling itself
 * (an interval under `runUntilIdle`, or a zero-delay retry loop).
 */
export class TimerLimitError extends MeshError {}

export interface VirtualClockInit {
  /** What `now()` returns before the clock is advanced. Default 0. */
  start?: number
  /**
   * Most timers that may run at one instant (time not moving) before the clock assumes a
   * zero-delay loop and throws a {@link TimerLimitError} instead of hanging. Default 100 000.
   */
  maxTimersPerInstant?: number
}

export interface RunUntilIdleOptions {
  /** Most timers to run before throwing a {@link TimerLimitError}. Default 100 000. */
  maxSteps?: number
}

const DEFAULT_MAX_STEPS = 100_000

interface Timer {
  readonly id: number
  readonly fn: () => void
  /** Set for intervals: the timer is rescheduled this far after each run. */
  readonly intervalMs: number | undefined
  due: number
  /** Scheduling order, which breaks ties between timers due at the same time. */
  seq: number
}

/**
 * A {@link Clock} whose time moves only when the test says so. Timers run in order of due
 * time, and timers due at the same time in the order they were scheduled, so a run is a pure
 * function of the calls made on it.
 *
 * Time moves only through `advance`, `runNext` and `runUntilIdle`; these may not be called
 * from a timer callback. A callback that throws stops the run: the error propagates out of the
 * call that ran it and the clock stays at that timer's time.
 */
export class VirtualClock implements Clock {
  private time: number
  private readonly maxTimersPerInstant: number
  private readonly queue = new TimerQueue()
  /** Timers not yet fired or cancelled, by handle. The queue may still hold cancelled ones. */
  private readonly active = new Map<number, Timer>()
  private lastId = 0
  private lastSeq = 0
  /** How many timers ran at time `countedInstant`, to catch zero-delay loops. */
  private runsAtThisInstant = 0
  private countedInstant = NaN
  private running = false

  constructor (init: VirtualClockInit = {}) {
    this.time = init.start ?? 0
    this.maxTimersPerInstant = init.maxTimersPerInstant ?? DEFAULT_MAX_STEPS
    if (!Number.isFinite(this.time)) throw new RangeError(`start must be a finite number, got ${this.time}`)
  }

  now (): number {
    return this.time
  }

  /** A negative delay counts as 0: the timer runs at the current time, after those already due. */
  setTimeout (fn: () => void, ms: number): TimerHandle {
    return this.schedule(fn, checkDelay(ms, 'setTimeout'), undefined)
  }

  clearTimeout (handle: TimerHandle): void {
    if (typeof handle === 'number') this.active.delete(handle)
  }

  /** Call `fn` every `ms` (> 0) milliseconds until cleared; the first call is `ms` from now. */
  setInterval (fn: () => void, ms: number): TimerHandle {
    if (!(Number.isFinite(ms) && ms > 0)) throw new RangeError(`setInterval needs a finite delay > 0 ms, got ${ms}`)
    return this.schedule(fn, ms, ms)
  }

  /** Same as `clearTimeout`: both kinds of handle can be cleared by either method. */
  clearInterval (handle: TimerHandle): void {
    this.clearTimeout(handle)
  }

  /** Timers scheduled and neither fired (for a timeout) nor cleared. */
  get pendingTimers (): number {
    return this.active.size
  }

  /**
   * Move time forward by `ms`, running in order every timer due up to the new time, including
   * timers that those callbacks schedule inside the window. Afterwards `now()` is the old time
   * plus `ms`.
   */
  advance (ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`advance needs a finite number of ms >= 0, got ${ms}`)
    const target = this.time + ms
    this.guard('advance', () => {
      for (let timer = this.peek(); timer !== undefined && timer.due <= target; timer = this.peek()) {
        this.fire(timer)
      }
    })
    this.time = target
  }

  /** Jump to the earliest pending timer and run it. Returns false when no timer is pending. */
  runNext (): boolean {
    return this.guard('runNext', () => {
      const timer = this.peek()
      if (timer === undefined) return false
      this.fire(timer)
      return true
    })
  }

  /**
   * Run timers until none is pending; returns how many ran. A pending interval never lets the
   * clock go idle, so clear intervals first. Throws a {@link TimerLimitError} after `maxSteps`
   * timers, so that a runaway loop fails the test instead of hanging it.
   */
  runUntilIdle (options: RunUntilIdleOptions = {}): number {
    const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS
    return this.guard('runUntilIdle', () => {
      let steps = 0
      for (let timer = this.peek(); timer !== undefined; timer = this.peek()) {
        if (steps === maxSteps) {
          throw new TimerLimitError(`runUntilIdle ran ${maxSteps} timers and ${this.pendingTimers} are still pending at t=${this.time}: ` +
            'is a timer rescheduling itself (an interval, a retry loop)? Clear it, or raise maxSteps if the run is meant to be this long')
        }
        this.fire(timer)
        steps++
      }
      return steps
    })
  }

  private schedule (fn: () => void, ms: number, intervalMs: number | undefined): number {
    const timer: Timer = { id: ++this.lastId, fn, intervalMs, due: this.time + ms, seq: ++this.lastSeq }
    this.active.set(timer.id, timer)
    this.queue.push(timer)
    return timer.id
  }

  /** The earliest timer still active, dropping cancelled ones from the front of the queue. */
  private peek (): Timer | undefined {
    for (let timer = this.queue.peek(); timer !== undefined; timer = this.queue.peek()) {
      if (this.active.get(timer.id) === timer) return timer
      this.queue.pop()
    }
    return undefined
  }

  /** Run `timer`, which must be the one `peek()` returned. */
  private fire (timer: Timer): void {
    this.time = timer.due
    if (this.countedInstant !== timer.due) {
      this.countedInstant = timer.due
      this.runsAtThisInstant = 0
    }
    if (this.runsAtThisInstant === this.maxTimersPerInstant) {
      throw new TimerLimitError(`${this.maxTimersPerInstant} timers ran at t=${this.time} without time moving: ` +
        'is a zero-delay timer rescheduling itself? Raise maxTimersPerInstant if this many are expected')
    }
    this.runsAtThisInstant++
    this.queue.pop()
    if (timer.intervalMs === undefined) {
      this.active.delete(timer.id)
    } else {
      // Rescheduled before the callback runs, so that the callback can clear its own interval.
      timer.due += timer.intervalMs
      timer.seq = ++this.lastSeq
      this.queue.push(timer)
    }
    timer.fn()
  }

  private guard<T> (method: string, run: () => T): T {
    if (this.running) throw new Error(`VirtualClock.${method}() was called from a timer callback; schedule a timer instead`)
    this.running = true
    try {
      return run()
    } finally {
      this.running = false
    }
  }
}

function checkDelay (ms: number, method: string): number {
  if (Number.isNaN(ms) || ms === Infinity) throw new RangeError(`${method} needs a finite delay, got ${ms}`)
  return Math.max(0, ms)
}

/** Does timer `a` run before timer `b`? Earlier due time first, then earlier scheduling. */
function runsBefore (a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq)
}

/** A binary min-heap of timers, ordered by {@link runsBefore}. */
class TimerQueue {
  private readonly heap: Timer[] = []

  peek (): Timer | undefined {
    return this.heap[0]
  }

  push (timer: Timer): void {
    const heap = this.heap
    heap.push(timer)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!runsBefore(heap[i], heap[parent])) break
      swap(heap, i, parent)
      i = parent
    }
  }

  pop (): Timer | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length === 0 || last === undefined) return top
    heap[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let first = i
      if (left < heap.length && runsBefore(heap[left], heap[first])) first = left
      if (right < heap.length && runsBefore(heap[right], heap[first])) first = right
      if (first === i) return top
      swap(heap, i, first)
      i = first
    }
  }
}

function swap (heap: Timer[], i: number, j: number): void {
  const t = heap[i]
  heap[i] = heap[j]
  heap[j] = t
}
