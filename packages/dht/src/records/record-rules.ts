import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { CONTENT_NAMESPACE, SIGNED_NAMESPACE, describeKey } from '../keys.js'
import { StaleRecordError } from '../errors.js'
import { verifyContentRecord } from './content-record.js'
import { selectNewestSignedRecord, sequenceOf, verifySignedRecord, type RecordLimits } from './signed-record.js'

export interface RecordRulesInit extends RecordLimits {
  /** Wall-clock time in ms since the epoch (records carry absolute expiries). */
  now: () => number
  /**
   * The bytes this node already holds for a key, if any: a signed record older than the held
   * one is refused (`StaleRecordError`), so an old record cannot be replayed over a new one.
   */
  held?: (key: Uint8Array) => Promise<Uint8Array | undefined>
  /** Told of every record refused, with the typed error, before kad-dht drops it. */
  rejected?: (key: string, error: Error) => void
}

export interface RecordRules {
  validators: Record<string, ValidateFn>
  selectors: Record<string, SelectFn>
}

/**
 * kad-dht validators and selectors for Meshwork's two record kinds. kad-dht runs a validator on
 * every record it is asked to store (PUT_VALUE), serves from its store, or receives in a
 * lookup; what throws is never stored or returned.
 */
export function recordRules (init: RecordRulesInit): RecordRules {
  const report = <T>(check: (key: Uint8Array, value: Uint8Array) => Promise<T>) => async (key: Uint8Array, value: Uint8Array): Promise<void> => {
    try {
      await check(key, value)
    } catch (err) {
      init.rejected?.(describeKey(key), err as Error)
      throw err
    }
  }
  return {
    validators: {
      [SIGNED_NAMESPACE]: report(async (key, value) => {
        const record = await verifySignedRecord(key, value, init.now(), init)
        const held = await init.held?.(key)
        const heldSequence = held === undefined ? undefined : sequenceOf(held)
        if (heldSequence !== undefined && record.sequence < heldSequence) throw new StaleRecordError(record.sequence, heldSequence)
      }),
      [CONTENT_NAMESPACE]: report(async (key, value) => { await verifyContentRecord(key, value, init.maxValueBytes) })
    },
    selectors: {
      [SIGNED_NAMESPACE]: (_key, records) => selectNewestSignedRecord(records),
      [CONTENT_NAMESPACE]: () => 0
    }
  }
}
