import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/** CPU time and resident memory of some processes at one moment, read from `/proc/<pid>/stat`. */
export interface UsageSample {
  at: number
  /** user + system CPU ms per pid (all threads). */
  cpuMs: Map<number, number>
  /** Resident set size per pid, bytes. */
  rssBytes: Map<number, number>
}

/** What a set of server processes used over a window. */
export interface ServerUsage {
  /** CPU time of all of them ÷ wall time: 1.0 = one core busy. */
  cores: number
  /** Sum of their resident set sizes at the end of the window, MiB. */
  rssMiB: number
}

function getconf (name: string, fallback: number): number {
  const value = Number(spawnSync('getconf', [name], { encoding: 'utf8' }).stdout?.trim())
  return Number.isFinite(value) && value > 0 ? value : fallback
}

const CLOCK_TICKS_PER_SECOND = getconf('CLK_TCK', 100)
const PAGE_BYTES = getconf('PAGESIZE', 4096)

/** Sample `pids`; a pid that is gone is left out. Linux only: elsewhere the sample is empty. */
export function sampleUsage (pids: readonly number[]): UsageSample {
  const sample: UsageSample = { at: performance.now(), cpuMs: new Map(), rssBytes: new Map() }
  for (const pid of pids) {
    let text: string
    try { text = readFileSync(`/proc/${pid}/stat`, 'utf8') } catch { continue }
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime: fields 14 and 15
    sample.cpuMs.set(pid, ticks * 1000 / CLOCK_TICKS_PER_SECOND)
    sample.rssBytes.set(pid, Number(fields[21]) * PAGE_BYTES) // rss: field 24, in pages
  }
  return sample
}

/** Usage between two samples, over the pids present in both. */
export function usageBetween (start: UsageSample, end: UsageSample): ServerUsage {
  let cpuMs = 0
  let rssBytes = 0
  for (const [pid, endCpu] of end.cpuMs) {
    const startCpu = start.cpuMs.get(pid)
    if (startCpu === undefined) continue
    cpuMs += endCpu - startCpu
    rssBytes += end.rssBytes.get(pid) ?? 0
  }
  const wallMs = end.at - start.at
  return { cores: wallMs > 0 ? cpuMs / wallMs : Number.NaN, rssMiB: rssBytes / 2 ** 20 }
}
