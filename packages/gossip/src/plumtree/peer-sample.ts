import type { RandomSource } from '@meshwork/core-mesh'

/**
 * Up to `k` distinct elements of `items` chosen uniformly at random (a partial Fisher–Yates
 * shuffle on a copy), in random order. Uses only `random.next()`, so a seeded source gives a
 * reproducible pick.
 */
export function sampleOf<T> (random: RandomSource, items: Iterable<T>, k: number): T[] {
  const pool = [...items]
  const n = Math.min(k, pool.length)
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random.next() * (pool.length - i))
    const t = pool[i]
    pool[i] = pool[j]
    pool[j] = t
  }
  pool.length = n
  return pool
}
