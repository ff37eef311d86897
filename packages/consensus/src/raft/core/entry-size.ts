import type { Entry } from './types.js'

/**
 * Bytes an entry is assumed to take besides its data (term, index, type and framing). Used only to
 * budget messages and Ready batches; it need not match any wire encoding exactly.
 */
export const ENTRY_OVERHEAD_BYTES = 16

/** The budgeted size of one entry: its data plus a fixed overhead. */
export function entryBytes (entry: Entry): number {
  return entry.data.byteLength + ENTRY_OVERHEAD_BYTES
}

/**
 * How many of `entries[from..to)` fit in `maxBytes` (at least one when any are there): the
 * length of the prefix to keep.
 */
export function prefixWithinBytes (entries: readonly Entry[], maxBytes: number, from = 0, to = entries.length): number {
  if (to <= from) return 0
  let size = entryBytes(entries[from])
  let count = 1
  for (let i = from + 1; i < to; i++) {
    size += entryBytes(entries[i])
    if (size > maxBytes) break
    count++
  }
  return count
}

/** Sum of the data bytes of `entries`: what counts against the uncommitted-bytes limit. */
export function payloadBytes (entries: readonly Entry[]): number {
  let total = 0
  for (const entry of entries) total += entry.data.byteLength
  return total
}

/** Sum of the budgeted sizes of `entries`. */
export function totalEntryBytes (entries: readonly Entry[]): number {
  let total = 0
  for (const entry of entries) total += entryBytes(entry)
  return total
}

/** How many leading `entries` fit in what is left of a budget; unlike `prefixWithinBytes`, may be 0. */
export function prefixWithinBudget (entries: readonly Entry[], budget: number): number {
  let size = 0
  let count = 0
  for (const entry of entries) {
    size += entryBytes(entry)
    if (size > budget) break
    count++
  }
  return count
}
