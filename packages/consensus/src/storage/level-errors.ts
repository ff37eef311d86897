import { StorageCorruptionError } from '../errors.js'

interface ErrorLike {
  readonly message: string
  readonly code?: unknown
  readonly cause?: unknown
}

/**
 * The error and its `cause` chain. Duck-typed, not `instanceof Error`: errors the native addon
 * creates may come from another realm (as under jest's VM modules).
 */
function chain (err: unknown): ErrorLike[] {
  const errors: ErrorLike[] = []
  for (let e = err; typeof e === 'object' && e !== null && typeof (e as ErrorLike).message === 'string' && errors.length < 8; e = (e as ErrorLike).cause) {
    errors.push(e as ErrorLike)
  }
  return errors
}

/**
 * Whether LevelDB itself reported damage: its `Corruption` status (code `LEVEL_CORRUPTION`),
 * anywhere in the error's `cause` chain (abstract-level wraps open failures).
 */
export function isLevelCorruption (err: unknown): boolean {
  return chain(err).some(e => e.code === 'LEVEL_CORRUPTION' || /\bCorruption\b/.test(e.message))
}

/** The innermost message of an error's `cause` chain (LevelDB's own words). */
export function rootMessage (err: unknown): string {
  return chain(err).at(-1)?.message ?? String(err)
}

/**
 * Runs a LevelDB operation, turning LevelDB's report of damage into `StorageCorruptionError`
 * (with the original as `cause`); other errors pass through unchanged.
 */
export async function levelOperation<T> (what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (err) {
    if (isLevelCorruption(err)) throw new StorageCorruptionError(`LevelDB reports corruption while ${what}: ${rootMessage(err)}`, { cause: err })
    throw err
  }
}
