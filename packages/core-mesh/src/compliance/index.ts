/**
 * @packageDocumentation
 *
 * `@meshwork/core-mesh/compliance`: prove that a plugin keeps its contract. Each suite turns
 * the rules written in a contract's doc comment (`DiscoveryPlugin`, `RouterPlugin`)
 * into a list of {@link ComplianceCase}s, `{ name, run }`, that any test runner can run: jest,
 * vitest, mocha and `node:test` all take `test(name, fn)`. A case resolves when the plugin
 * keeps the rule and rejects with a `ComplianceError` (match on `err.name`) whose message
 * names the contract and the broken rule; the rules are listed in
 * {@link discoveryComplianceRules} and {@link routerComplianceRules}.
 *
 * @example
 * ```ts
 * // test/compliance.test.ts: one file proves a plugin conforms.
 * import { describe, test } from '@jest/globals' // or 'vitest', or 'node:test'; mocha: `it`
 * import { discoveryPluginCompliance, routerPluginCompliance } from '@meshwork/core-mesh/compliance'
 * import { systemClock } from '@meshwork/core-mesh'
 * import { MyDiscovery } from '../src/my-discovery.js'
 * import { MyRouter } from '../src/my-router.js'
 *
 * const seedPeerId = '12D3KooW…' // a peer MyDiscovery is configured to find
 *
 * describe('MyDiscovery', () => {
 *   const cases = discoveryPluginCompliance({
 *     create: async () => new MyDiscovery(systemClock, { peers: [`/ip4/127.0.0.1/tcp/4001/p2p/${seedPeerId}`] }),
 *     seedPeerId
 *   })
 *   for (const c of cases) test(c.name, c.run)
 * })
 *
 * describe('MyRouter', () => {
 *   for (const c of routerPluginCompliance({ create: async () => new MyRouter() })) test(c.name, c.run)
 * })
 * ```
 *
 * A plugin on an injected virtual clock passes `tick: () => { clock.advance(100) }`: the suite
 * calls it about every 10 ms while it waits. Cases need real time (a failing one waits up to
 * its setup's `timeoutMs`, 5 s by default for discovery): keep the runner's test timeout above it.
 */

export type { ComplianceCase, ComplianceTick } from './compliance-case.js'
export { discoveryPluginCompliance, discoveryComplianceRules } from './discovery-compliance.js'
export type { DiscoveryComplianceSetup } from './discovery-compliance.js'
export { routerPluginCompliance, routerComplianceRules } from './router-compliance.js'
export type { RouterComplianceSetup } from './router-compliance.js'
export { ComplianceError } from '../errors.js'
