import { checkLinearizability, type CheckOptions, type CheckResult } from './checker.js'
import { kvRegisterModel, type KvInput, type KvOperation, type KvOutput } from './kv-register-model.js'

/**
 * Check a key-value history and throw an `Error` carrying the explanation unless it is proved
 * linearizable. `unknown` (the search ran out of budget) throws too: it proves nothing.
 */
export function assertKvLinearizable (history: readonly KvOperation[], options?: CheckOptions): CheckResult<KvInput, KvOutput> {
  const result = checkLinearizability(kvRegisterModel, history, options)
  if (!result.ok) throw new Error(result.explanation)
  return result
}
