import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger, MeshConfig } from '@meshwork/core-mesh'
import { AdminServer } from '../../admin/admin-server.js'
import { hostForUrl, type ListenAddress } from '../../admin/http-listener.js'
import { removeAdminEndpoint, writeAdminEndpoint } from '../../config/admin-files.js'
import { toMeshConfig, type NodeConfig } from '../../config/node-config.js'
import { DEMO_CONVERGE_TIMEOUT_MS } from '../../constants.js'
import { createLogger } from '../../logging.js'
import { createPromMetrics, type PromMetrics } from '../../metrics.js'
import type { CreateNode, RunnableMeshNode } from '../../node-api.js'
import { addDht, dhtOf } from '../../node-dht.js'
import { addGossip, membershipOf, pubsubOf } from '../../node-gossip.js'
import { registerShutdown } from '../../shutdown.js'
import { nodeTextFiles } from '../../text-files.js'
import { loadCommandConfig, type NodeCommandDeps } from './command-config.js'
import type { DemoCommand } from '../args.js'
import type { CliIo } from '../io.js'
import { formatTable } from '../table.js'

/** `logDestination` defaults to stderr, so that stdout holds only the table. */
export interface DemoDeps extends NodeCommandDeps {
  shutdownTimeoutMs?: number
  /** How long to wait for every node to have a connected peer; default 15 s. */
  convergeTimeoutMs?: number
  /** Called once the table is printed and the first node's admin API is up. */
  onReady?: (demo: RunningDemo) => void
}

export interface RunningDemo {
  nodes: readonly RunnableMeshNode[]
  admin: ListenAddress
  /** Stops the demo as SIGINT would. */
  stop(): Promise<void>
}

/**
 * `meshwork demo --nodes N`: N nodes on loopback in this process, with fresh identities and
 * nothing persisted, joined through the first one, which also serves the admin API (so that
 * `status`, `peers`, `members`, `send`, `broadcast` and `dht` work from another terminal).
 * The configured join policy, limits, heartbeat, DHT and gossip settings apply to every node;
 * no node keeps a member list.
 */
export async function demoCommand (command: DemoCommand, deps: DemoDeps): Promise<void> {
  const files = deps.files ?? nodeTextFiles
  const config = await loadCommandConfig(command.options.argv, deps)
  const logger = createLogger({ format: config.logFormat, level: config.logLevel, destination: deps.logDestination ?? 2, base: { service: 'meshwork-demo' } })
  const cleanups: Array<() => Promise<void>> = []
  // The nodes and the admin API stop in parallel: a demo of many nodes stops quickly.
  const stopAll = async (): Promise<void> => {
    const results = await Promise.allSettled(cleanups.splice(0).map(async cleanup => { await cleanup() }))
    const failures = results.flatMap(result => result.status === 'rejected' ? [result.reason] : [])
    if (failures.length > 0) throw new AggregateError(failures, 'the demo did not stop cleanly')
  }

  let nodes: RunnableMeshNode[]
  let admin: ListenAddress
  try {
    const started = await startNodes(command.nodes, config, deps.createNode, logger, cleanups)
    nodes = started.map(({ node }) => node)
    const converged = await waitForMesh(nodes, deps.convergeTimeoutMs ?? DEMO_CONVERGE_TIMEOUT_MS)
    const server = new AdminServer({
      node: nodes[0],
      dht: dhtOf(nodes[0]),
      membership: membershipOf(nodes[0]),
      pubsub: pubsubOf(nodes[0]),
      token: config.admin.token,
      host: config.admin.host,
      port: config.admin.port,
      metrics: started[0].metrics,
      logger: logger.child({ component: 'admin' })
    })
    admin = await server.start()
    cleanups.push(async () => { await server.stop() })
    await writeAdminEndpoint(config.dataDir, admin, files.writeFile)
    cleanups.push(async () => { await removeAdminEndpoint(config.dataDir, files.removeFile) })
    printDemo(command, deps.io, nodes, `http://${hostForUrl(admin.host)}:${admin.port}`, converged)
  } catch (err) {
    await stopAll().catch(cleanupErr => { logger.error({ err: cleanupErr }, 'cleanup after a failed demo start failed') })
    throw err
  }

  const shutdown = registerShutdown({
    stop: stopAll,
    process: deps.process,
    timeoutMs: deps.shutdownTimeoutMs,
    onForcedExit: (reason) => { deps.io.err(`meshwork: exiting without a clean stop: ${reason}`) }
  })
  const timer = command.durationMs === undefined
    ? undefined
    : setTimeout(() => { shutdown.trigger('duration elapsed').catch(() => {}) }, command.durationMs)
  deps.onReady?.({ nodes, admin, stop: async () => { await shutdown.trigger('stop()') } })
  try {
    await shutdown.finished
  } finally {
    clearTimeout(timer)
  }
}

/** A demo node's mesh config: loopback, no data directory, no mDNS, the configured policy and limits. */
export function demoMeshConfig (config: NodeConfig, bootstrap: string[]): MeshConfig {
  const { joinPolicy, denylist, limits, heartbeat } = toMeshConfig(config)
  return {
    transport: 'tcp',
    listen: ['/ip4/127.0.0.1/tcp/0'],
    ...(bootstrap.length > 0 ? { bootstrap } : {}),
    ...(joinPolicy !== undefined ? { joinPolicy } : {}),
    ...(denylist !== undefined ? { denylist } : {}),
    ...(limits !== undefined ? { limits } : {}),
    ...(heartbeat !== undefined ? { heartbeat } : {}),
    mdns: false
  }
}

async function startNodes (
  count: number,
  config: NodeConfig,
  createNode: CreateNode,
  logger: Logger,
  cleanups: Array<() => Promise<void>>
): Promise<Array<{ node: RunnableMeshNode, metrics: PromMetrics }>> {
  const startOne = async (index: number, bootstrap: string[]): Promise<{ node: RunnableMeshNode, metrics: PromMetrics }> => {
    // Node 0's registry is the one the admin API serves; process metrics once is enough.
    const metrics = createPromMetrics({ defaultMetrics: index === 0 })
    const meshConfig = addDht({ ...demoMeshConfig(config, bootstrap), logger: logger.child({ demoNode: index }), metrics }, config.dht)
    const node = await createNode(addGossip(meshConfig, { ...config.gossip, membersFile: undefined }))
    cleanups.push(async () => { await node.stop() })
    await node.start()
    return { node, metrics }
  }
  // Each node bootstraps to every node started before it, so the demo is a full mesh.
  const started: Array<{ node: RunnableMeshNode, metrics: PromMetrics }> = []
  for (let index = 0; index < count; index++) {
    started.push(await startOne(index, started.flatMap(earlier => earlier.node.addresses())))
  }
  return started
}

/** Polls until every node is connected to every other; false when the timeout came first. */
async function waitForMesh (nodes: readonly RunnableMeshNode[], timeoutMs: number): Promise<boolean> {
  if (nodes.length < 2) return true
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (nodes.every(node => connectedPeers(node) >= nodes.length - 1)) return true
    await sleep(50)
  }
  return false
}

function connectedPeers (node: RunnableMeshNode): number {
  return node.peers().filter(peer => peer.status === 'connected').length
}

function printDemo (command: DemoCommand, io: CliIo, nodes: readonly RunnableMeshNode[], adminUrl: string, converged: boolean): void {
  const rows = nodes.map((node, index) => ({
    index,
    peerId: node.peerId,
    addresses: node.addresses(),
    connectedPeers: connectedPeers(node),
    health: node.health().status
  }))
  if (command.options.json) {
    io.out(JSON.stringify({ nodes: rows, admin: adminUrl, converged }))
    return
  }
  const lines = formatTable(
    ['#', 'PEER ID', 'PEERS', 'HEALTH', 'ADDRESS'],
    rows.map(row => [String(row.index), row.peerId, String(row.connectedPeers), row.health, row.addresses[0] ?? '-'])
  )
  for (const line of lines) io.out(line)
  if (!converged) io.out('warning: not every node had a connected peer in time; the table shows the state so far')
  io.out(`admin API of node 0: ${adminUrl} (try: meshwork peers)`)
  io.out(command.durationMs === undefined ? 'press Ctrl-C to stop' : `stopping in ${command.durationMs / 1000} s`)
}
