import type { FlowMeasurement } from './flow-meter.js'
import { NodeThread } from './node-thread.js'
import type { FlowKind } from './roles.js'
import type { SideDefinition } from './sides.js'
import type { FlowParams, RoundTripParams, RoundTripResult } from './workloads.js'

/** How long past a run's planned length the coordinator waits for its result. */
const GRACE_MS = 20_000
/** A round trip on loopback takes well under a millisecond; this only catches a hang. */
const ROUND_TRIP_BUDGET_MS = 20

export interface FlowResult extends FlowMeasurement {
  unitsPerSecond: number
  bytesPerSecond: number
}

/** A side started: its dialer and its listener each on a worker thread, connected. */
export interface RunningSide {
  id: string
  /** Link events either node reported since the start, oldest first (see `LinkEventHandler`). */
  linkEvents: string[]
  /** Connect again if the link dropped (a no-op while connected). */
  reconnect(): Promise<void>
  runFlow(kind: FlowKind, params: FlowParams): Promise<FlowResult>
  runRoundTrips(params: RoundTripParams): Promise<RoundTripResult>
  stop(): Promise<void>
}

export async function startSide (definition: SideDefinition): Promise<RunningSide> {
  const windowClosed = new SharedArrayBuffer(4)
  const flag = new Int32Array(windowClosed)
  const linkEvents: string[] = []
  const threads: NodeThread[] = []
  const stop = async (): Promise<void> => {
    for (const thread of threads) await thread.stop()
  }
  try {
    const listener = await NodeThread.start('listener', definition.spec, windowClosed)
    threads.push(listener)
    const dialer = await NodeThread.start('dialer', definition.spec, windowClosed)
    threads.push(dialer)
    listener.onLinkEvent((description) => { linkEvents.push(`listener: ${description}`) })
    dialer.onLinkEvent((description) => { linkEvents.push(`dialer: ${description}`) })
    const reconnect = async (): Promise<void> => {
      await dialer.request({ type: 'connect', peerId: listener.peerId, addresses: listener.addresses }, GRACE_MS)
    }
    await reconnect()

    return {
      id: definition.id,
      linkEvents,
      reconnect,

      /**
       * The listener meters (see `meterFlow`) while the dialer writes until the listener's
       * window closes; the figures are the listener's.
       */
      async runFlow (kind, params) {
        Atomics.store(flag, 0, 0)
        const limitMs = params.warmupMs + params.durationMs + GRACE_MS
        const measured = listener.request<FlowMeasurement>({ type: 'expect-flow', kind, window: { warmupMs: params.warmupMs, durationMs: params.durationMs } }, limitMs)
        const written = dialer.request<number>({ type: 'write-flow', kind, payloadBytes: params.payloadBytes }, limitMs)
        // A writer that could not even open the stream fails at once: withdraw the expectation.
        const opened = written.then(() => undefined, (err: unknown) => {
          listener.cancelPending()
          throw err
        })
        const [measurement] = await Promise.all([measured, opened])
        if (measurement.units === 0) throw new Error('nothing arrived in the measured window')
        return {
          ...measurement,
          unitsPerSecond: measurement.units / measurement.seconds,
          bytesPerSecond: measurement.bytes / measurement.seconds
        }
      },

      async runRoundTrips (params) {
        const budgetMs = (params.warmupRoundTrips + params.roundTrips) * ROUND_TRIP_BUDGET_MS + GRACE_MS
        return await dialer.request<RoundTripResult>({ type: 'round-trips', params }, budgetMs)
      },

      stop
    }
  } catch (err) {
    await stop()
    throw err
  }
}
