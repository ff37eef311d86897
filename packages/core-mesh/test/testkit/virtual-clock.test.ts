import { describe, expect, it } from '@jest/globals'
import { TimerLimitError, VirtualClock } from '../../src/testkit/virtual-clock.js'

describe('VirtualClock', () => {
  it('starts at 0, or at the given start, and moves only when advanced', () => {
    expect(new VirtualClock().now()).toBe(0)
    const clock = new VirtualClock({ start: 1000 })
    expect(clock.now()).toBe(1000)
    clock.advance(250)
    expect(clock.now()).toBe(1250)
  })

  it('runs timers in order of due time, whatever the order they were scheduled in', () => {
    const clock = new VirtualClock()
    const ran: string[] = []
    clock.setTimeout(() => ran.push('30'), 30)
    clock.setTimeout(() => ran.push('10'), 10)
    clock.setTimeout(() => ran.push('20'), 20)
    clock.advance(100)
    expect(ran).toEqual(['10', '20', '30'])
  })

  it('runs timers due at the same time in scheduling order', () => {
    const clock = new VirtualClock()
    const ran: number[] = []
    for (let i = 0; i < 50; i++) clock.setTimeout(() => ran.push(i), i % 2 === 0 ? 5 : 7)
    clock.advance(10)
    const evens = Array.from({ length: 25 }, (_, i) => 2 * i)
    expect(ran).toEqual([...evens, ...evens.map(n => n + 1)])
  })

  it('shows each callback its own due time, and ends advance at the target', () => {
    const clock = new VirtualClock()
    const seen: number[] = []
    clock.setTimeout(() => seen.push(clock.now()), 3)
    clock.setTimeout(() => seen.push(clock.now()), 8)
    clock.advance(10)
    expect(seen).toEqual([3, 8])
    expect(clock.now()).toBe(10)
  })

  it('runs a timer due exactly at the end of the window, and not one due after it', () => {
    const clock = new VirtualClock()
    const ran: string[] = []
    clock.setTimeout(() => ran.push('at 10'), 10)
    clock.setTimeout(() => ran.push('at 11'), 11)
    clock.advance(10)
    expect(ran).toEqual(['at 10'])
    clock.advance(1)
    expect(ran).toEqual(['at 10', 'at 11'])
  })

  it('runs timers scheduled by callbacks when they fall inside the window', () => {
    const clock = new VirtualClock()
    const ran: Array<[string, number]> = []
    clock.setTimeout(() => {
      ran.push(['outer', clock.now()])
      clock.setTimeout(() => ran.push(['inner', clock.now()]), 4)
      clock.setTimeout(() => ran.push(['late', clock.now()]), 50)
    }, 5)
    clock.advance(10)
    expect(ran).toEqual([['outer', 5], ['inner', 9]])
    expect(clock.pendingTimers).toBe(1)
  })

  it('runs a zero-delay timer scheduled by a callback after the timers already due then', () => {
    const clock = new VirtualClock()
    const ran: string[] = []
    clock.setTimeout(() => {
      ran.push('a')
      clock.setTimeout(() => ran.push('a+0'), 0)
    }, 5)
    clock.setTimeout(() => ran.push('b'), 5)
    clock.advance(5)
    expect(ran).toEqual(['a', 'b', 'a+0'])
  })

  it('treats a negative delay as 0 and refuses NaN', () => {
    const clock = new VirtualClock({ start: 7 })
    let at = -1
    clock.setTimeout(() => { at = clock.now() }, -5)
    clock.advance(0)
    expect(at).toBe(7)
    expect(() => clock.setTimeout(() => {}, NaN)).toThrow(RangeError)
    expect(() => clock.advance(-1)).toThrow(RangeError)
  })

  it('does not run a cleared timer, and ignores unknown or fired handles', () => {
    const clock = new VirtualClock()
    const ran: string[] = []
    const first = clock.setTimeout(() => ran.push('first'), 10)
    clock.setTimeout(() => ran.push('second'), 10)
    clock.clearTimeout(first)
    expect(clock.pendingTimers).toBe(1)
    clock.advance(20)
    expect(ran).toEqual(['second'])
    clock.clearTimeout(first)
    clock.clearTimeout('not a handle')
    clock.clearTimeout(undefined)
    expect(clock.pendingTimers).toBe(0)
  })

  it('lets a callback clear a timer due at the same time', () => {
    const clock = new VirtualClock()
    const ran: string[] = []
    clock.setTimeout(() => {
      ran.push('a')
      clock.clearTimeout(b)
    }, 5)
    const b = clock.setTimeout(() => ran.push('b'), 5)
    clock.advance(5)
    expect(ran).toEqual(['a'])
  })

  it('repeats an interval every period until it is cleared', () => {
    const clock = new VirtualClock()
    const at: number[] = []
    const handle = clock.setInterval(() => at.push(clock.now()), 10)
    clock.advance(35)
    expect(at).toEqual([10, 20, 30])
    expect(clock.pendingTimers).toBe(1)
    clock.clearInterval(handle)
    clock.advance(100)
    expect(at).toEqual([10, 20, 30])
    expect(clock.pendingTimers).toBe(0)
  })

  it('lets an interval clear itself from its callback', () => {
    const clock = new VirtualClock()
    let runs = 0
    const handle = clock.setInterval(() => {
      if (++runs === 3) clock.clearInterval(handle)
    }, 5)
    clock.advance(100)
    expect(runs).toBe(3)
    expect(clock.pendingTimers).toBe(0)
  })

  it('orders an interval against timeouts due at the same time by when each was last scheduled', () => {
    const clock = new VirtualClock()
    const ran: string[] = []
    const handle = clock.setInterval(() => ran.push(`tick ${clock.now()}`), 10)
    clock.setTimeout(() => ran.push('timeout 10'), 10)
    clock.setTimeout(() => ran.push('timeout 20'), 20)
    clock.advance(20)
    clock.clearInterval(handle)
    // The tick at 20 was rescheduled when the tick at 10 ran, after 'timeout 20' was scheduled.
    expect(ran).toEqual(['tick 10', 'timeout 10', 'timeout 20', 'tick 20'])
  })

  it('refuses an interval that would never let time move', () => {
    const clock = new VirtualClock()
    expect(() => clock.setInterval(() => {}, 0)).toThrow(RangeError)
    expect(() => clock.setInterval(() => {}, -1)).toThrow(RangeError)
  })

  it('runNext jumps to the earliest timer, runs only it, and says when there was none', () => {
    const clock = new VirtualClock()
    const ran: string[] = []
    clock.setTimeout(() => ran.push('b'), 20)
    clock.setTimeout(() => ran.push('a'), 15)
    expect(clock.runNext()).toBe(true)
    expect(ran).toEqual(['a'])
    expect(clock.now()).toBe(15)
    expect(clock.runNext()).toBe(true)
    expect(clock.now()).toBe(20)
    expect(clock.runNext()).toBe(false)
    expect(clock.now()).toBe(20)
  })

  it('runUntilIdle runs everything, including chains, and returns how many ran', () => {
    const clock = new VirtualClock()
    let depth = 0
    const chain = (): void => {
      if (++depth < 5) clock.setTimeout(chain, 100)
    }
    clock.setTimeout(chain, 100)
    clock.setTimeout(() => {}, 1)
    expect(clock.runUntilIdle()).toBe(6)
    expect(depth).toBe(5)
    expect(clock.now()).toBe(500)
    expect(clock.pendingTimers).toBe(0)
  })

  it('runUntilIdle throws a TimerLimitError past maxSteps instead of looping forever', () => {
    const clock = new VirtualClock()
    let ticks = 0
    clock.setInterval(() => { ticks++ }, 10)
    let error: unknown
    try {
      clock.runUntilIdle({ maxSteps: 50 })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(TimerLimitError)
    expect((error as Error).name).toBe('TimerLimitError')
    expect((error as Error).message).toContain('runUntilIdle ran 50 timers')
    expect(ticks).toBe(50)
  })

  it('runUntilIdle allows exactly maxSteps timers', () => {
    const clock = new VirtualClock()
    for (let i = 0; i < 3; i++) clock.setTimeout(() => {}, i)
    expect(clock.runUntilIdle({ maxSteps: 3 })).toBe(3)
  })

  it('stops a zero-delay loop in advance with a TimerLimitError rather than hanging', () => {
    const clock = new VirtualClock({ maxTimersPerInstant: 1000 })
    let runs = 0
    const loop = (): void => {
      runs++
      clock.setTimeout(loop, 0)
    }
    clock.setTimeout(loop, 1)
    expect(() => clock.advance(10)).toThrow(TimerLimitError)
    expect(runs).toBe(1000)
    expect(clock.now()).toBe(1)
  })

  it('does not count timers at different instants against the per-instant limit', () => {
    const clock = new VirtualClock({ maxTimersPerInstant: 2 })
    for (let i = 0; i < 10; i++) clock.setTimeout(() => {}, i)
    expect(clock.runUntilIdle()).toBe(10)
  })

  it('refuses to be advanced from inside a timer callback', () => {
    const clock = new VirtualClock()
    clock.setTimeout(() => clock.advance(1), 1)
    expect(() => clock.advance(5)).toThrow(/called from a timer callback/)
  })

  it('lets an error from a callback out, leaving the clock at that timer and usable', () => {
    const clock = new VirtualClock()
    const ran: string[] = []
    clock.setTimeout(() => { throw new Error('boom') }, 3)
    clock.setTimeout(() => ran.push('after'), 6)
    expect(() => clock.advance(10)).toThrow('boom')
    expect(clock.now()).toBe(3)
    clock.advance(7)
    expect(ran).toEqual(['after'])
    expect(clock.now()).toBe(10)
  })

  it('keeps order across many random timers and cancellations (the heap against a sort)', () => {
    const clock = new VirtualClock()
    const ran: number[] = []
    const expected: Array<{ due: number, n: number }> = []
    // A local LCG keeps this test independent of SeededRandom.
    let x = 12345
    const lcg = (): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      return x >>> 16
    }
    const handles: unknown[] = []
    for (let n = 0; n < 2000; n++) {
      const due = lcg() % 100
      handles.push(clock.setTimeout(() => ran.push(n), due))
      expected.push({ due, n })
    }
    for (let n = 0; n < 2000; n += 3) clock.clearTimeout(handles[n])
    clock.advance(100)
    const order = expected.filter(t => t.n % 3 !== 0).sort((a, b) => a.due - b.due || a.n - b.n).map(t => t.n)
    expect(ran).toEqual(order)
  })
})
