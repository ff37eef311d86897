import type { DialerNode, FlowKind } from './roles.js'
import { percentile } from './stats.js'

/** The writer's and the round-tripper's loops; they run in the dialer's worker. */

export interface FlowParams {
  payloadBytes: number
  /** Traffic before the measured window: muxer windows grow, the JIT settles. */
  warmupMs: number
  durationMs: number
}

/**
 * Open a flow and write `payloadBytes` messages as fast as its backpressure allows until the
 * listener closes its measured window (`windowClosed`), then drop the stream. Errors after
 * the stream opened end the writing quietly: the listener aborts the stream when its window
 * closes, often a moment before the flag is seen, and if the flow broke early the listener's
 * report says so. Resolves with the number of writes.
 */
export async function writeFlow (dialer: DialerNode, kind: FlowKind, payloadBytes: number, windowClosed: () => boolean): Promise<number> {
  const writer = await dialer.openFlow(kind)
  const payload = patterned(payloadBytes)
  let writes = 0
  try {
    while (!windowClosed()) {
      const wait = writer.write(payload)
      writes++
      if (wait !== undefined) await wait
    }
  } catch {
    // see above
  }
  writer.abort()
  return writes
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

/** Ping-pong on a fresh echo stream: each round trip waits for the echo before the next send. */
export async function measureRoundTrips (dialer: DialerNode, params: RoundTripParams): Promise<RoundTripResult> {
  const conduit = await dialer.openEcho()
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
