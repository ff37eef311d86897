/**
 * Random choices over an injected {@link RandomSource}, which offers only `next()`. Kept apart so
 * that every draw the core makes goes through one place (and so stays reproducible).
 */
import type { RandomSource } from '@meshwork/core-mesh'

/** An integer in [0, maxExclusive); `maxExclusive` ≥ 1. */
export function randomIndex (random: RandomSource, maxExclusive: number): number {
  // Guard against a source that returns exactly 1 (outside its contract) rather than overrun.
  return Math.min(maxExclusive - 1, Math.floor(random.next() * maxExclusive))
}

/** One element, or undefined for an empty array. */
export function pickOne<T> (random: RandomSource, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[randomIndex(random, items.length)]
}

/** Up to `k` distinct elements in random order (a partial Fisher–Yates on a copy). */
export function sampleUpTo<T> (random: RandomSource, items: readonly T[], k: number): T[] {
  const result = [...items]
  const count = Math.max(0, Math.min(k, result.length))
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(random, result.length - i)
    const t = result[i]
    result[i] = result[j]
    result[j] = t
  }
  result.length = count
  return result
}

/** Shuffle `items` in place (Fisher–Yates). */
export function shuffleInPlace<T> (random: RandomSource, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1)
    const t = items[i]
    items[i] = items[j]
    items[j] = t
  }
}
