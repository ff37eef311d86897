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
  /**
   * CPU time the whole process (writer, reader, GC and helper threads) used in the window.
   * Per byte or per message it is a cost that other load on the machine disturbs far less
   * than it disturbs throughput.
   */
  cpuSeconds: number
  /** CPU time of the reader's thread alone in the window. */
  readerCpuSeconds: number
}

const cpuSecondsOf = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6

/** How long past its planned end a window may wait for the next unit before the run fails. */
const STALL_MS = 10_000

/**
 * Count what the reader takes in a window that opens with the first unit read `warmupMs`
 * after the flow arrived and closes with the first unit read `durationMs` later. The clock is
 * read at every unit, so the window's edges are exact even when the reader's event loop is
 * too busy to fire timers on time (it often is: a reader works through a muxer window's
 * worth of queued messages in one go). When the window closes the stream is aborted, so what
 * the writer still had queued or in flight is dropped and never counted.
 */
export async function meterFlow (reader: FlowReader, window: FlowWindow): Promise<FlowMeasurement> {
  const arrivedAt = performance.now()
  const opensAt = arrivedAt + window.warmupMs
  let units = 0
  let bytes = 0
  let opened: { at: number, units: number, bytes: number, cpu: NodeJS.CpuUsage, readerCpu: NodeJS.CpuUsage } | undefined
  let result: FlowMeasurement | undefined
  let closeWindow: () => void = () => {}
  const windowClosed = new Promise<void>(resolve => { closeWindow = resolve })

  const consuming = reader.consume((byteLength) => {
    if (result !== undefined) return
    units++
    bytes += byteLength
    const now = performance.now()
    if (opened === undefined) {
      if (now >= opensAt) opened = { at: now, units, bytes, cpu: process.cpuUsage(), readerCpu: process.threadCpuUsage() }
    } else if (now >= opened.at + window.durationMs) {
      result = {
        units: units - opened.units,
        bytes: bytes - opened.bytes,
        seconds: (now - opened.at) / 1000,
        cpuSeconds: cpuSecondsOf(process.cpuUsage(opened.cpu)),
        readerCpuSeconds: cpuSecondsOf(process.threadCpuUsage(opened.readerCpu))
      }
      reader.abort()
      closeWindow()
    }
  })
  consuming.catch(() => { /* ends with the abort; earlier failures surface through the race */ })
  const stall = setTimeout(() => { reader.abort() }, window.warmupMs + window.durationMs + STALL_MS)
  try {
    await Promise.race([consuming, windowClosed])
  } catch (err) {
    if (result === undefined) throw err
  } finally {
    clearTimeout(stall)
    if (result === undefined) reader.abort()
  }
  if (result === undefined) throw new Error('the flow ended before the measured window closed')
  return result
}
