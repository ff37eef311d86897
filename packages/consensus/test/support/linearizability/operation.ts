/**
 * A history as the linearizability checker sees it: one record per client operation, with the
 * interval in which it ran and what the client learned.
 *
 * `call` and `return` are positions in real-time order (virtual milliseconds, or a counter that
 * orders events which happened at the same instant). Two operations are ordered when one returned
 * before the other was called; a `return` equal to another operation's `call` counts as
 * overlapping, which is the permissive choice. An operation whose outcome the client never learned
 * (a timeout, a crash of the member serving it) has `return: Infinity` and no `output`: it may or
 * may not have taken effect, at any point after its call. Operations that definitely failed (the
 * request was refused before it was proposed) are not part of a history at all.
 */
export interface Operation<Input, Output> {
  /** Who issued it; operations of one client never overlap. Shown in explanations. */
  readonly client: string
  readonly input: Input
  readonly call: number
  /** `Infinity` when the outcome is unknown. */
  readonly return: number
  /** What the client was told; absent exactly when `return` is `Infinity`. */
  readonly output?: Output
  /** Free text for explanations: virtual times, the member that served it, the request id. */
  readonly note?: string
}

/** Whether the client never learned how `op` ended. */
export function outcomeUnknown (op: Operation<unknown, unknown>): boolean {
  return op.return === Infinity
}

/** Throws a `RangeError` naming the first record that is not a well-formed operation. */
export function validateHistory (history: ReadonlyArray<Operation<unknown, unknown>>): void {
  history.forEach((op, i) => {
    const what = `operation ${i} (client ${op.client})`
    if (!Number.isFinite(op.call)) throw new RangeError(`${what}: call must be finite, got ${op.call}`)
    if (Number.isNaN(op.return) || op.return < op.call) throw new RangeError(`${what}: return ${op.return} is before call ${op.call}`)
    if (outcomeUnknown(op) !== (op.output === undefined)) {
      throw new RangeError(`${what}: an output is required exactly when return is finite`)
    }
  })
}
