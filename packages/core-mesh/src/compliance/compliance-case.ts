import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ComplianceError } from '../errors.js'
import type { PeerIdString } from '../interfaces/peer.js'

/**
 * One check of a compliance suite, for any test runner:
 * `for (const c of cases) test(c.name, c.run)`.
 */
export interface ComplianceCase {
  /** The contract rule this case checks, in words; use it as the test's name. */
  readonly name: string
  /**
   * Resolves when the plugin keeps the rule. Rejects with a {@link ComplianceError} whose
   * message names the contract and the rule when it does not, including when the plugin
   * throws or hangs where the contract does not allow it (the plugin's error is the `cause`).
   */
  readonly run: () => Promise<void>
}

/**
 * Called by a suite about every 10 ms while it waits for the plugin: advance a virtual clock,
 * or otherwise prompt a plugin that does not run on the wall clock. A plugin on the wall
 * clock needs none. An error it throws fails the case.
 */
export type ComplianceTick = () => void | Promise<void>

/** How often a suite polls the plugin (and calls the tick) while it waits. */
const POLL_INTERVAL_MS = 10

/** What a plugin call did: resolved with a value or rejected with an error. */
export type CallOutcome<T> = { resolved: true, value: T } | { resolved: false, error: unknown }

/** The rule a running case checks: how to wait on the plugin and how to say it broke the rule. */
export class RuleCheck {
  constructor (
    /** The contract's name, as in the docs: `DiscoveryPlugin`, `RouterPlugin`. */
    readonly contract: string,
    readonly rule: string,
    private readonly tick: ComplianceTick | undefined
  ) {}

  /** The error for a broken rule; `detail` says what the plugin did. */
  broken (detail: string, cause?: unknown): ComplianceError {
    return new ComplianceError(`${this.contract} breaks "${this.rule}": ${detail}`, cause === undefined ? undefined : { cause })
  }

  /** Throw {@link broken} unless `condition` holds. */
  that (condition: boolean, detail: string | (() => string)): void {
    if (!condition) throw this.broken(typeof detail === 'string' ? detail : detail())
  }

  /**
   * Call the plugin and wait, ticking, up to `timeoutMs` for the call to settle. A call that
   * does not settle in time breaks the rule; a rejection is returned, not thrown.
   */
  async settle<T> (what: string, timeoutMs: number, call: () => Promise<T> | T): Promise<CallOutcome<T>> {
    let outcome: CallOutcome<T> | undefined
    void Promise.resolve().then(call).then(
      value => { outcome = { resolved: true, value } },
      (error: unknown) => { outcome = { resolved: false, error } }
    )
    const started = performance.now()
    await this.pause(0)
    while (outcome === undefined) {
      if (performance.now() - started > timeoutMs) throw this.broken(`${what} did not settle within ${timeoutMs} ms`)
      await this.pause(POLL_INTERVAL_MS)
    }
    return outcome
  }

  /** Like {@link settle}, but a rejection breaks the rule too. */
  async call<T> (what: string, timeoutMs: number, call: () => Promise<T> | T): Promise<T> {
    const outcome = await this.settle(what, timeoutMs, call)
    if (!outcome.resolved) throw this.broken(`${what} rejected with ${describeError(outcome.error)}`, outcome.error)
    return outcome.value
  }

  /**
   * Poll `predicate`, ticking, until it holds; returns how many ms that took. After
   * `timeoutMs` the rule is broken with `detail`. `invariant` runs at every poll and throws
   * when something that must always hold does not.
   */
  async eventually (predicate: () => boolean, timeoutMs: number, detail: () => string, invariant?: () => void): Promise<number> {
    const started = performance.now()
    for (;;) {
      invariant?.()
      if (predicate()) return performance.now() - started
      if (performance.now() - started > timeoutMs) throw this.broken(detail())
      await this.pause(POLL_INTERVAL_MS)
    }
  }

  /** Watch for `ms`, ticking, running `invariant` at every poll. */
  async during (ms: number, invariant: () => void): Promise<void> {
    const started = performance.now()
    do {
      invariant()
      await this.pause(POLL_INTERVAL_MS)
    } while (performance.now() - started < ms)
    invariant()
  }

  private async pause (ms: number): Promise<void> {
    await new Promise(resolve => setTimeout(resolve, ms))
    await this.tick?.()
  }
}

export interface CaseInit<Plugin extends { stop(): Promise<void> }> {
  contract: string
  rule: string
  tick: ComplianceTick | undefined
  /** Bound on each clean-up `stop()`. */
  timeoutMs: number
  /** The setup's own clean-up, called after the suite stopped every plugin it used. */
  teardown: (() => Promise<void>) | undefined
  /**
   * The case itself. `using(plugin)` hands the suite a plugin to stop when the case ends;
   * a failing clean-up stop fails a case that had passed.
   */
  body: (check: RuleCheck, using: (plugin: Plugin) => Plugin) => Promise<void>
}

/** Build a {@link ComplianceCase}: every failure becomes a ComplianceError naming the rule. */
export function complianceCase<Plugin extends { stop(): Promise<void> }> (init: CaseInit<Plugin>): ComplianceCase {
  return {
    name: init.rule,
    run: async () => {
      const check = new RuleCheck(init.contract, init.rule, init.tick)
      const plugins: Plugin[] = []
      const using = (plugin: Plugin): Plugin => {
        if (!plugins.includes(plugin)) plugins.push(plugin)
        return plugin
      }
      let failure: unknown
      try {
        await init.body(check, using)
      } catch (err) {
        failure = err instanceof ComplianceError ? err : check.broken(`the plugin threw ${describeError(err)}`, err)
      }
      for (const plugin of plugins) {
        try {
          await check.call('stop() at the end of the case', init.timeoutMs, async () => { await plugin.stop() })
        } catch (err) {
          failure ??= err
        }
      }
      try {
        await init.teardown?.()
      } catch (err) {
        failure ??= err
      }
      if (failure !== undefined) throw failure
    }
  }
}

/** `Name: message` of an error, or the thrown value as a string. */
export function describeError (error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

let peerIds: Promise<PeerIdString[]> | undefined

/**
 * Real Ed25519 peer ids that the suites use for peers of their own making, the same in
 * every run (made from fixed seeds) so that a failure message is reproducible.
 */
export async function compliancePeerIds (): Promise<PeerIdString[]> {
  peerIds ??= Promise.all(Array.from({ length: 80 }, async (_, i) => {
    const key = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(i + 1))
    return peerIdFromPrivateKey(key).toString()
  }))
  return await peerIds
}
