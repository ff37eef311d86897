/**
 * @packageDocumentation
 *
 * `@meshwork/core-mesh/testkit`: deterministic simulation for Meshwork's I/O-free protocol
 * cores (Raft, SWIM, Plumtree, anti-entropy). A {@link VirtualClock} moves time only when the
 * test says so, a {@link SeededRandom} makes every chance reproducible, and a
 * {@link SimulatedNetwork} delivers messages on that clock with delay, loss, duplication,
 * reordering, partitions, crashes and pauses drawn from that random source. The same seed gives
 * the same run, to the message; {@link runSeeded} runs a scenario over many seeds and names the
 * one that fails, and `MESHWORK_SEED=<n>` replays it alone.
 *
 * Nothing here does I/O, reads the wall clock or calls `Math.random`.
 *
 * @example
 * ```ts
 * import { runSeeded, seedsFromEnv, SeededRandom, SimulatedNetwork, VirtualClock } from '@meshwork/core-mesh/testkit'
 *
 * await runSeeded(seedsFromEnv(20), seed => {
 *   const clock = new VirtualClock()
 *   const random = new SeededRandom(seed)
 *   const net = new SimulatedNetwork<string>({ clock, random: random.fork('net'), delay: { minMs: 1, maxMs: 20 }, loss: 0.1 })
 *   const heard: string[] = []
 *   for (const id of ['a', 'b', 'c']) net.addNode(id, (from, text) => heard.push(`${from}>${id} ${text}`))
 *   net.partition(['a'], ['c'])
 *   for (const to of ['b', 'c']) net.send('a', to, 'hello')
 *   clock.runUntilIdle()
 *   if (heard.includes('a>c hello')) throw new Error('a message crossed the partition')
 * })
 * ```
 *
 * Conditions a test may expect throw named errors ({@link TimerLimitError},
 * {@link SeededScenarioError}); misuse (a bad argument, an unknown node id) throws a built-in
 * `RangeError` or `Error` whose message says what was wrong.
 */

export { VirtualClock, TimerLimitError } from './virtual-clock.js'
export type { VirtualClockInit, RunUntilIdleOptions } from './virtual-clock.js'
export { SeededRandom } from './seeded-random.js'
export { SimulatedNetwork, DEFAULT_LINK_CONDITIONS } from './simulated-network.js'
export type {
  DelayRange,
  DropReason,
  LinkConditions,
  MessageHandler,
  NetworkEvent,
  NetworkStats,
  NodeStatus,
  SimulatedNetworkInit
} from './simulated-network.js'
export { runSeeded, seedsFromEnv, SeededScenarioError, SeededScenariosError } from './simulation.js'
export type { RunSeededOptions, SeedList } from './simulation.js'
export { eventually } from './eventually.js'
