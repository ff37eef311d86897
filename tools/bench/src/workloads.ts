import type { FlowMeasurement } from './flow-meter.js'
import type { ListenerThread } from './listener-thread.js'
import type { DialerNode, FlowKind } from './roles.js'
import { percentile } from './stats.js'

/** A side ready to measure: its dialer in this thread, its listener in a worker, connected. */
export interface RunningSide {
  id: string
  dialer: DialerNode
  listener: ListenerThread
}

export interface FlowParams {
  payloadBytes: number
  /** Traffic before the measured window: muxer windows grow, the JIT settles. */
  warmupMs: number
  durationMs: number
}

export interface FlowResult extends FlowMeasurement {
  unitsPerSecond: number
  bytesPerSecond: number
}

/**
 * Write `payloadBytes` messages on a fresh stream as fast as its backpressure allows, while
 * the listener counts what it takes in its measured window (see `meterFlow`); the writer
 * stops when the listener reports (the listener has aborted the stream by then).
 */
export async function runFlow (side: RunningSide, kind: FlowKind, params: FlowParams): Promise<FlowResult> {
  const measured = side.listener.measureFlow(kind, { warmupMs: params.warmupMs, durationMs: params.durationMs })
  const writer = await side.dialer.openFlow(kind)
  let stopped = false
  const stop = (): void => { stopped = true; writer.abort() }
  measured.then(stop, stop)

  const payload = patterned(params.payloadBytes)
  try {
    while (!stopped) {
      const wait = writer.write(payload)
      if (wait !== undefined) await wait
    }
  } catch {
    // The listener aborts the stream when its window closes, usually before its report
    // arrives here; if the flow broke early instead, the listener reports that.
  }
  const measurement = await measured
  if (measurement.units === 0) throw new Error(`${side.id}: nothing arrived in the measured window`)
  return {
    ...measurement,
    unitsPerSecond: measurement.units / measurement.seconds,
    bytesPerSecond: measurement.bytes / measurement.seconds
  }
}

export interface RoundTripParams {
  payloadBytes: number
  warmupRoundTrips: number
  roundTrips: number
}

export interface RoundTripResult {
  roundTrips: number
  p50Us: number
  p99Us: number
}

/** Ping-pong on one open stream: each round trip waits for the echo before the next send. */
export async function runRoundTrips (side: RunningSide, params: RoundTripParams): Promise<RoundTripResult> {
  const conduit = await side.dialer.openEcho()
  const payload = patterned(params.payloadBytes)
  const samplesUs = new Array<number>(params.roundTrips)
  try {
    for (let i = 0; i < params.warmupRoundTrips; i++) await conduit.roundTrip(payload)
    for (let i = 0; i < params.roundTrips; i++) {
      const t0 = performance.now()
      await conduit.roundTrip(payload)
      samplesUs[i] = (performance.now() - t0) * 1000
    }
  } finally {
    await conduit.close()
  }
  return { roundTrips: params.roundTrips, p50Us: percentile(samplesUs, 0.5), p99Us: percentile(samplesUs, 0.99) }
}

/** Bytes that are not all zeros, so nothing along the way can take a shortcut on them. */
function patterned (length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 131 + 17) & 0xff
  return bytes
}
