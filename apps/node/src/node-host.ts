/**
 * Hosts one mesh node the way `meshwork start` runs it: pino logs, Prometheus metrics, plugins
 * from module paths, the DHT, gossip and consensus (unless disabled), the loopback admin API
 * (and the metrics listener when `metricsPort` is set), and `<dataDir>/admin.json` for the client
 * commands. `stop` undoes all of it, leaving the gossip membership gracefully first.
 */
import type { DestinationStream } from 'pino'
import type { AbortOptions, Logger, MeshConfig } from '@meshwork/core-mesh'
import { AdminServer } from './admin/admin-server.js'
import { MEMBERSHIP_LEAVE_TIMEOUT_MS } from './constants.js'
import { hostForUrl, type ListenAddress } from './admin/http-listener.js'
import { removeAdminEndpoint, writeAdminEndpoint } from './config/admin-files.js'
import { toMeshConfig, type NodeConfig } from './config/node-config.js'
import { createLogger } from './logging.js'
import { createPromMetrics, type PromMetrics } from './metrics.js'
import { MetricsServer } from './metrics-server.js'
import type { CreateNode, RunnableMeshNode } from './node-api.js'
import { addConsensus, consensusHealth, consensusOf, logConsensusReady } from './node-consensus.js'
import { addDht, dhtHealth, dhtOf } from './node-dht.js'
import { addGossip, gossipHealth, leaveMembership, logMembershipEvents, membershipOf, pubsubOf } from './node-gossip.js'
import { importPluginModule, loadPlugins, type ImportModule } from './plugins.js'
import { nodeTextFiles, type TextFiles } from './text-files.js'

export interface HostNodeDeps {
  createNode: CreateNode
  files?: TextFiles
  /** Where log lines go: a file descriptor or a stream; default stdout. */
  logDestination?: number | DestinationStream
  importModule?: ImportModule
}

export interface HostedNode {
  readonly node: RunnableMeshNode
  readonly logger: Logger
  readonly metrics: PromMetrics
  /** The admin API's bound address. */
  readonly admin: ListenAddress
  /** The metrics listener's bound address, when `metricsPort` is set. */
  readonly metricsAddress?: ListenAddress
  /** Stops the admin API, the metrics listener and the node, and removes admin.json. Idempotent. */
  stop(): Promise<void>
}

export async function hostNode (config: NodeConfig, deps: HostNodeDeps, options: AbortOptions = {}): Promise<HostedNode> {
  const files = deps.files ?? nodeTextFiles
  const logger = createLogger({
    format: config.logFormat,
    level: config.logLevel,
    destination: deps.logDestination,
    base: { service: 'meshwork' }
  })
  const metrics = createPromMetrics()
  const plugins = await loadPlugins(config.plugins, deps.importModule ?? importPluginModule)
  const meshConfig: MeshConfig = addConsensus(addGossip(addDht({
    ...toMeshConfig(config),
    logger: logger.child({ component: 'mesh' }),
    metrics,
    ...(plugins.discovery.length > 0 ? { discovery: plugins.discovery } : {}),
    ...(plugins.router !== undefined ? { router: plugins.router } : {})
  }, config.dht), config.gossip), config.consensus)

  const cleanups: Array<() => Promise<void>> = []
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = []
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup()
      } catch (err) {
        errors.push(err)
      }
    }
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1) throw new AggregateError(errors, 'several parts of the node failed to stop')
  }

  try {
    options.signal?.throwIfAborted()
    const node = await deps.createNode(meshConfig)
    // Registered first: a start that fails halfway is stopped too.
    cleanups.push(async () => { await node.stop() })
    await node.start()
    const nodeLogger = logger.child({ peerId: node.peerId })
    logNodeEvents(node, nodeLogger)
    const dht = dhtOf(node)
    const membership = membershipOf(node)
    const pubsub = pubsubOf(node)
    const consensus = consensusOf(node)
    if (consensus !== undefined) {
      // Waiting for a leader must not hold the start up: a joining node may wait long.
      const waiting = new AbortController()
      void logConsensusReady(consensus, nodeLogger.child({ component: 'consensus' }), waiting.signal)
      cleanups.push(async () => { waiting.abort() })
    }
    if (membership !== undefined) {
      logMembershipEvents(membership, nodeLogger.child({ component: 'membership' }))
      // Runs before the node stops (cleanups run in reverse): the others see this node leave, not fail.
      cleanups.push(async () => { await leaveMembership(membership, nodeLogger, MEMBERSHIP_LEAVE_TIMEOUT_MS) })
    }

    const admin = new AdminServer({
      node,
      dht,
      membership,
      pubsub,
      consensus,
      token: config.admin.token,
      host: config.admin.host,
      port: config.admin.port,
      metrics,
      logger: nodeLogger.child({ component: 'admin' })
    })
    const adminAddress = await admin.start(options)
    cleanups.push(async () => { await admin.stop() })

    let metricsAddress: ListenAddress | undefined
    if (config.metricsPort !== undefined) {
      const server = new MetricsServer({ node, metrics, port: config.metricsPort, logger: nodeLogger.child({ component: 'metrics' }) })
      metricsAddress = await server.start(options)
      cleanups.push(async () => { await server.stop() })
    }

    await writeAdminEndpoint(config.dataDir, adminAddress, files.writeFile)
    cleanups.push(async () => { await removeAdminEndpoint(config.dataDir, files.removeFile) })

    nodeLogger.info({
      addresses: node.addresses(),
      admin: `http://${hostForUrl(adminAddress.host)}:${adminAddress.port}`,
      ...(metricsAddress !== undefined ? { metricsPort: metricsAddress.port } : {}),
      joinPolicy: config.joinPolicy,
      dht: dhtHealth(dht),
      gossip: gossipHealth(membership, pubsub),
      consensus: consensusHealth(consensus),
      dataDir: config.dataDir
    }, 'node started')

    let stopped: Promise<void> | undefined
    return {
      node,
      logger: nodeLogger,
      metrics,
      admin: adminAddress,
      ...(metricsAddress !== undefined ? { metricsAddress } : {}),
      stop: async () => {
        stopped ??= (async () => {
          nodeLogger.info({}, 'node stopping')
          await stopAll()
          nodeLogger.info({}, 'node stopped')
        })()
        await stopped
      }
    }
  } catch (err) {
    await stopAll().catch(cleanupErr => { logger.error({ err: cleanupErr }, 'cleanup after a failed start failed') })
    throw err
  }
}

/** Up to this many characters of a received payload go into its log line. */
const PAYLOAD_PREVIEW_CHARS = 120

function preview (data: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(data.subarray(0, PAYLOAD_PREVIEW_CHARS * 4)).slice(0, PAYLOAD_PREVIEW_CHARS)
}

function logNodeEvents (node: RunnableMeshNode, logger: Logger): void {
  node.onMessage(({ from, data }) => { logger.info({ from, bytes: data.byteLength, preview: preview(data) }, 'message received') })
  node.onBroadcast(({ origin, from, data, hops }) => {
    logger.info({ origin, from, hops, bytes: data.byteLength, preview: preview(data) }, 'broadcast received')
  })
  node.addEventListener('peer:connect', (event) => { logger.info({ peer: event.detail.peer }, 'peer connected') })
  node.addEventListener('peer:disconnect', (event) => { logger.info({ peer: event.detail.peer }, 'peer disconnected') })
  node.addEventListener('peer:unreachable', (event) => { logger.warn({ peer: event.detail.peer }, 'peer unreachable') })
  node.addEventListener('peer:left', (event) => { logger.info({ peer: event.detail.peer }, 'peer left') })
  node.addEventListener('health', (event) => {
    const { status, previous, members, unreachable } = event.detail
    logger.info({ status, previous, members, unreachable }, 'health changed')
  })
  node.addEventListener('violation', (event) => {
    logger.warn({ peer: event.detail.peer, protocol: event.detail.protocol, err: event.detail.error }, 'protocol violation')
  })
  node.addEventListener('policy:rejected', (event) => {
    logger.info({ peer: event.detail.peer, reason: event.detail.reason }, 'connection refused by policy')
  })
}
