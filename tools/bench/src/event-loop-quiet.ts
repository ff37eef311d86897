import { performance } from 'node:perf_hooks'

export interface QuietParams {
  /** Event-loop utilisation (0..1) over one window below which the loop counts as quiet. */
  threshold: number
  windowMs: number
  /** Give up waiting after this long. */
  maxMs: number
}

/**
 * Wait until this thread's event loop is quiet: a lookup then pays for itself, not for the
 * identify rounds, routing-table pings and dials the previous lookup left queued (100 nodes
 * share this one loop). Resolves with how long it waited and whether it gave up.
 */
export async function waitForQuiet ({ threshold, windowMs, maxMs }: QuietParams): Promise<{ waitedMs: number, gaveUp: boolean }> {
  const start = performance.now()
  for (;;) {
    const before = performance.eventLoopUtilization()
    await new Promise(resolve => setTimeout(resolve, windowMs))
    const waitedMs = performance.now() - start
    if (performance.eventLoopUtilization(before).utilization < threshold) return { waitedMs, gaveUp: false }
    if (waitedMs >= maxMs) return { waitedMs, gaveUp: true }
  }
}

/** This thread's event-loop utilisation over the next `ms`. */
export async function measureUtilisation (ms: number): Promise<number> {
  const before = performance.eventLoopUtilization()
  await new Promise(resolve => setTimeout(resolve, ms))
  return performance.eventLoopUtilization(before).utilization
}
