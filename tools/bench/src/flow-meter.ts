import type { FlowReader } from './roles.js'

export interface FlowWindow {
  /** Traffic before the window opens: muxer windows grow, the JIT settles. */
  warmupMs: number
  durationMs: number
}

export interface FlowMeasurement {
  /** Messages (or chunks, for byte flows) the reader took in the window. */
  units: number
  bytes: number
  seconds: number
}

/**
 * Count what the reader takes between two timer ticks on the reader's own event loop: the
 * window opens `warmupMs` after the flow arrived and closes `durationMs` later. Then the
 * stream is aborted, so whatever the writer still had queued or in flight is dropped and not
 * counted. The counts are read at the moments the timers actually fire, so a busy event loop
 * that fires a timer late widens the window but does not skew the rate.
 */
export async function meterFlow (reader: FlowReader, window: FlowWindow): Promise<FlowMeasurement> {
  let units = 0
  let bytes = 0
  let result: FlowMeasurement | undefined
  const consuming = reader.consume((byteLength) => { units++; bytes += byteLength })
  consuming.catch(() => { /* the abort below ends it; failures before that surface through the race */ })

  let timer: NodeJS.Timeout | undefined
  const windowClosed = new Promise<void>(resolve => {
    timer = setTimeout(() => {
      const opened = { at: performance.now(), units, bytes }
      timer = setTimeout(() => {
        result = { units: units - opened.units, bytes: bytes - opened.bytes, seconds: (performance.now() - opened.at) / 1000 }
        reader.abort()
        resolve()
      }, window.durationMs)
    }, window.warmupMs)
  })
  try {
    await Promise.race([consuming, windowClosed])
  } catch (err) {
    if (result === undefined) throw err
  } finally {
    clearTimeout(timer)
    if (result === undefined) reader.abort()
  }
  if (result === undefined) throw new Error('the flow ended before the measured window closed')
  return result
}
