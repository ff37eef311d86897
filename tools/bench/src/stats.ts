/** Order statistics for benchmark samples. Inputs are never mutated. */

/** The value at quantile `q` (0..1) by linear interpolation between closest ranks. */
export function percentile (samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples')
  if (q < 0 || q > 1) throw new RangeError(`quantile must be within 0..1, got ${q}`)
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = q * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low)
}

export function median (samples: readonly number[]): number {
  return percentile(samples, 0.5)
}

/** Spread of per-round results as (max − min) / median, to show how much a figure moved. */
export function relativeSpread (samples: readonly number[]): number {
  if (samples.length < 2) return 0
  const mid = median(samples)
  if (mid === 0) return 0
  return (Math.max(...samples) - Math.min(...samples)) / mid
}
