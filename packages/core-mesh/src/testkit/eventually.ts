/**
 * For tests on real nodes and real time: resolve when `predicate` holds, polling every
 * `intervalMs`; reject naming `what` after `timeoutMs`. (Deterministic tests advance a
 * `VirtualClock` instead.)
 */
export async function eventually (predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}
