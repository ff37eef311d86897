import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { MeshChannel, type ChannelHooks } from './channel.js'
import {
  resolveHeartbeat, resolveJoinPolicy, resolveLimits, resolveReconnect,
  type MeshConfig, type ResolvedLimits
} from './config.js'
import { CHANNEL_PROTOCOL, DEFAULT_LISTEN, REPUTATION_FLOOR, VIOLATION_PENALTY } from './constants.js'
import { ControlProtocol } from './control-protocol.js'
import { DirectMessages, type DirectMessageHandler } from './direct-messages.js'
import { MeshError, NotStartedError, PeerUnreachableError } from './errors.js'
import { TypedEvents } from './events.js'
import { assessHealth } from './health.js'
import { loadOrCreateIdentity } from './identity.js'
import type { AbortOptions } from './interfaces/abort.js'
import type { BroadcastHandler } from './interfaces/broadcast.js'
import type { Channel, ChannelHandler, ChannelHost, OpenChannelOptions } from './interfaces/channel.js'
import type { Clock, RandomSource } from './interfaces/clock.js'
import type { DiscoveredPeer } from './interfaces/discovery.js'
import type { HealthReport, HealthStatus, MeshEvents } from './interfaces/events.js'
import type { Logger } from './interfaces/observability.js'
import type { PeerIdString, PeerRecord } from './interfaces/peer.js'
import type { RouteEntry } from './interfaces/router.js'
import type { MeshComponents } from './interfaces/service.js'
import { JoinPolicyGater } from './join-policy.js'
import { createLibp2pHost, type MeshLibp2p } from './libp2p-host.js'
import { LinkMonitor } from './link-monitor.js'
import { MeshMetrics } from './mesh-metrics.js'
import { noopMetrics, silentLogger } from './observability.js'
import { PeerRegistry } from './peer-registry.js'
import { PeerRateLimiter } from './rate-limiter.js'
import { Reconnector } from './reconnector.js'
import { NodePlugins } from './node-plugins.js'
import { IdentitySigner } from './identity-signer.js'
import type { MessageSigner } from './interfaces/signer.js'
import { systemClock, systemRandom } from './system-clock.js'

const REGISTRY_SAVE_INTERVAL_MS = 5_000
const DIAL_TIMEOUT_MS = 5_000
const LEAVE_TIMEOUT_MS = 2_000

/**
 * A Meshwork node: a libp2p node plus the peer registry, link health, join policy, channels,
 * broadcast and the plugins. Create it with {@link createMeshNode}.
 */
export class MeshNode extends TypedEvents<MeshEvents> implements ChannelHost {
  readonly peerId: PeerIdString
  private readonly registry: PeerRegistry
  private readonly limits: ResolvedLimits
  private readonly gater: JoinPolicyGater
  private readonly limiter: PeerRateLimiter
  private readonly monitor: LinkMonitor
  private readonly reconnector: Reconnector
  private readonly messages: DirectMessages
  private readonly control: ControlProtocol
  private readonly log: Logger
  private readonly stats: MeshMetrics
  private readonly clock: Clock
  private readonly random: RandomSource
  private readonly channelHooks: ChannelHooks
  private readonly plugins = new NodePlugins()
  private lastHealth: HealthStatus = 'HEALTHY'
  private saveTimer: unknown
  private running = false
  private stopping: Promise<void> | undefined

  /** @internal use {@link createMeshNode} */
  constructor (private readonly libp2p: MeshLibp2p, private readonly config: MeshConfig, gater: JoinPolicyGater, private readonly signer: MessageSigner) {
    super()
    this.peerId = libp2p.peerId.toString()
    this.clock = config.clock ?? systemClock
    this.random = config.random ?? systemRandom
    this.log = (config.logger ?? silentLogger).child({ component: 'mesh-node', peer: this.peerId })
    this.stats = new MeshMetrics(config.metrics ?? noopMetrics)
    this.limits = resolveLimits(config.limits)
    this.gater = gater
    this.registry = new PeerRegistry(this.random)
    this.limiter = new PeerRateLimiter(this.limits, this.clock)
    this.channelHooks = {
      maxFrameBytes: this.limits.maxFrameBytes,
      inboundDelay: (peer, bytes) => this.limiter.delayFor(peer, bytes),
      sleep: async (ms) => { await new Promise<void>(resolve => { this.clock.setTimeout(resolve, ms) }) },
      frameIn: (peer, bytes) => { this.registry.recordIn(peer, bytes); this.stats.frameIn(bytes) },
      frameOut: (peer, bytes) => { this.registry.recordOut(peer, bytes); this.stats.frameOut(bytes) },
      violation: (peer, protocol, error) => { this.reportViolation(peer, protocol, error) }
    }
    this.monitor = new LinkMonitor({
      connectedPeers: () => this.connectedPeers(),
      ping: async (peer, signal) => await this.libp2p.services.ping.ping(peerIdFromString(peer), { signal }),
      framesExchanged: (peer) => {
        const traffic = this.registry.get(peer)?.traffic
        return traffic === undefined ? 0 : traffic.messagesIn + traffic.messagesOut
      },
      rtt: (peer, rtt) => { this.onRtt(peer, rtt) },
      unreachable: (peer) => { void this.onHeartbeatLost(peer) }
    }, resolveHeartbeat(config.heartbeat), this.clock)
    this.reconnector = new Reconnector(async (peer) => await this.redial(peer), resolveReconnect(config.reconnect), this.clock, this.random)
    this.messages = new DirectMessages(this, this.log)
    this.control = new ControlProtocol(this, (peer) => { this.onPeerLeft(peer) })
  }

  // ---- lifecycle ----------------------------------------------------------------------

  async start (options?: AbortOptions): Promise<void> {
    if (this.running) return
    options?.signal?.throwIfAborted()
    if (this.config.dataDir !== undefined) await this.registry.load(this.config.dataDir)
    this.wireLibp2pEvents()
    await this.libp2p.start()
    this.running = true
    try {
      await this.messages.start()
      await this.control.start()
      await this.startServices(options)
    } catch (err) {
      await this.stop()
      throw err
    }
    this.monitor.start()
    this.reconnector.start()
    for (const peer of this.registry.list()) {
      if (peer.addresses.length > 0) {
        await this.libp2p.peerStore.merge(peerIdFromString(peer.id), { multiaddrs: peer.addresses.map(a => multiaddr(a)) }).catch(() => {})
        this.reconnector.schedule(peer.id, true)
      }
    }
    if (this.config.dataDir !== undefined) this.scheduleRegistrySave()
    this.log.info({ addresses: this.addresses() }, 'mesh node started')
    if ((this.config.bootstrap ?? []).length > 0) await this.join(this.config.bootstrap ?? [], options)
  }

  /**
   * Stop everything and release every handle; safe to call twice. The signal only stops the
   * wait: the shutdown itself runs to the end.
   */
  async stop (options?: AbortOptions): Promise<void> {
    this.stopping ??= this.shutdown()
    if (options?.signal === undefined) {
      await this.stopping
      return
    }
    const signal = options.signal
    signal.throwIfAborted()
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
      this.stopping?.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
    })
  }

  /**
   * Dial the given multiaddrs (`…/p2p/<id>`) and add them to the registry. Resolves with the
   * peers reached and the failures; it never rejects for an unreachable address.
   */
  async join (addresses: readonly string[], options?: AbortOptions): Promise<{ connected: PeerIdString[], failed: Array<{ address: string, error: string }> }> {
    this.assertRunning()
    const connected: PeerIdString[] = []
    const failed: Array<{ address: string, error: string }> = []
    await Promise.all(addresses.map(async address => {
      try {
        const target = multiaddr(address)
        const signal = AbortSignal.any([AbortSignal.timeout(DIAL_TIMEOUT_MS), ...(options?.signal === undefined ? [] : [options.signal])])
        const connection = await this.libp2p.dial(target, { signal })
        const peer = connection.remotePeer.toString()
        this.registry.upsert(peer, [address])
        connected.push(peer)
      } catch (err) {
        failed.push({ address, error: (err as Error).message })
        const id = safePeerIdOf(address)
        if (id !== undefined) {
          this.registry.upsert(id, [address])
          this.reconnector.schedule(id)
        }
      }
    }))
    return { connected, failed }
  }

  /** Tell every connected peer this node is leaving, then stop. */
  async leave (options?: AbortOptions): Promise<void> {
    if (!this.running) return
    const signal = AbortSignal.any([AbortSignal.timeout(LEAVE_TIMEOUT_MS), ...(options?.signal === undefined ? [] : [options.signal])])
    await Promise.allSettled(this.connectedPeers().map(async peer => { await this.control.sendLeave(peer, 'leave', signal) }))
    await this.stop()
  }

  // ---- state ----------------------------------------------------------------------------

  health (): HealthReport {
    return assessHealth(this.registry.list())
  }

  peers (): PeerRecord[] {
    return this.registry.list().map(p => ({ ...p, addresses: [...p.addresses], traffic: { ...p.traffic }, tags: [...p.tags] }))
  }

  /** Read-only registry view (what plugins get). */
  get peerRegistry (): PeerRegistry {
    return this.registry
  }

  addresses (): string[] {
    return this.libp2p.getMultiaddrs().map(a => a.toString())
  }

  routes (): RouteEntry[] {
    return this.plugins.router?.routes() ?? []
  }

  isRunning (): boolean {
    return this.running
  }

  /** A service created from the config's factories, by its meta name. */
  service<T> (name: string): T | undefined {
    return this.plugins.byName.get(name) as T | undefined
  }

  /** The underlying libp2p node, for packages that add libp2p services. */
  get libp2pNode (): MeshLibp2p {
    return this.libp2p
  }

  /** Set a peer's tags and region in the registry (membership plugins feed this). */
  setPeerMetadata (peer: PeerIdString, metadata: { tags?: readonly string[], region?: string }): void {
    this.registry.setMetadata(peer, metadata)
  }

  /** Refuse this peer from now on and drop its connections. */
  async deny (peer: PeerIdString): Promise<void> {
    this.gater.deny(peer)
    await this.libp2p.hangUp(peerIdFromString(peer)).catch(() => {})
  }

  // ---- messaging ----------------------------------------------------------------------

  async send (peer: PeerIdString, data: Uint8Array, options?: AbortOptions): Promise<void> {
    this.assertRunning()
    await this.messages.send(peer, data, options)
  }

  onMessage (handler: DirectMessageHandler): () => void {
    return this.messages.onMessage(handler)
  }

  async broadcast (data: Uint8Array, options?: AbortOptions): Promise<Uint8Array> {
    this.assertRunning()
    if (this.plugins.broadcast === undefined) throw new NotStartedError('no broadcast service')
    return await this.plugins.broadcast.broadcast(data, options)
  }

  onBroadcast (handler: BroadcastHandler): () => void {
    if (this.plugins.broadcast === undefined) throw new NotStartedError('start the node before subscribing to broadcasts')
    return this.plugins.broadcast.onMessage(handler)
  }

  // ---- ChannelHost --------------------------------------------------------------------

  async openChannel (peer: PeerIdString, options?: OpenChannelOptions): Promise<Channel> {
    this.assertRunning()
    const protocol = options?.protocol ?? CHANNEL_PROTOCOL
    let stream: Stream
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(DIAL_TIMEOUT_MS), ...(options?.signal === undefined ? [] : [options.signal])])
      stream = await this.libp2p.dialProtocol(peerIdFromString(peer), protocol, { signal })
    } catch (err) {
      options?.signal?.throwIfAborted()
      throw new PeerUnreachableError(peer, { cause: err })
    }
    return new MeshChannel(stream, peer, protocol, this.channelHooks)
  }

  async handle (protocol: string, handler: ChannelHandler): Promise<void> {
    await this.libp2p.handle(protocol, (stream: Stream, connection: Connection) => {
      const channel = new MeshChannel(stream, connection.remotePeer.toString(), protocol, this.channelHooks)
      Promise.resolve(handler(channel)).catch((err: unknown) => {
        this.log.warn({ protocol, err }, 'channel handler failed')
        channel.abort(err instanceof Error ? err : new MeshError(String(err)))
      })
    }, { maxInboundStreams: 256, maxOutboundStreams: 256, runOnLimitedConnection: false })
  }

  async unhandle (protocol: string): Promise<void> {
    await this.libp2p.unhandle(protocol)
  }

  connectedPeers (): PeerIdString[] {
    return this.libp2p.getPeers().map(p => p.toString())
  }

  reportViolation (peer: PeerIdString, protocol: string, error: Error): void {
    const reputation = this.registry.adjustReputation(peer, -VIOLATION_PENALTY)
    this.stats.violation(protocol, error.name)
    this.log.warn({ remote: peer, protocol, error: error.name, message: error.message }, 'protocol violation')
    this.emit('violation', { peer, protocol, error })
    if (reputation <= REPUTATION_FLOOR) {
      this.log.warn({ remote: peer, reputation }, 'reputation at floor: disconnecting')
      void this.libp2p.hangUp(peerIdFromString(peer)).catch(() => {})
    }
  }

  // ---- internals ----------------------------------------------------------------------

  private assertRunning (): void {
    if (!this.running) throw new NotStartedError('the mesh node is not started')
  }

  private async startServices (options?: AbortOptions): Promise<void> {
    const components: MeshComponents = {
      peerId: this.peerId,
      addresses: () => this.addresses(),
      logger: this.config.logger ?? silentLogger,
      metrics: this.config.metrics ?? noopMetrics,
      clock: this.clock,
      random: this.random,
      registry: this.registry,
      channels: this,
      events: this,
      relayObserver: this.config.relayObserver ?? { onForward () {} },
      signer: this.signer
    }
    await this.plugins.start(this.config, components, (source, peer) => { this.onDiscovered(source, peer) }, options)
  }

  private async shutdown (): Promise<void> {
    const wasRunning = this.running
    this.running = false
    this.monitor.stop()
    this.reconnector.stop()
    if (this.saveTimer !== undefined) this.clock.clearTimeout(this.saveTimer)
    await this.plugins.stop(this.log)
    for (const step of [async () => { await this.messages.stop() }, async () => { await this.control.stop() }]) {
      try { await step() } catch (err) { this.log.warn({ err }, 'error while stopping a service') }
    }
    if (this.config.dataDir !== undefined && wasRunning) await this.registry.save(this.config.dataDir, true)
    await this.libp2p.stop()
    this.log.info({}, 'mesh node stopped')
  }

  private wireLibp2pEvents (): void {
    this.libp2p.addEventListener('peer:connect', (event: CustomEvent<PeerId>) => { this.onConnect(event.detail.toString()) })
    this.libp2p.addEventListener('peer:disconnect', (event: CustomEvent<PeerId>) => { this.onDisconnect(event.detail.toString()) })
    this.libp2p.addEventListener('peer:identify', (event) => {
      const peer = event.detail.peerId.toString()
      const addresses = event.detail.listenAddrs.map(a => a.toString())
      if (addresses.length > 0) this.registry.upsert(peer, addresses.map(a => withPeerId(a, peer)))
    })
  }

  private onConnect (peer: PeerIdString): void {
    if (!this.running) return
    // Only an address we dialled is known to be dialable; an inbound connection's remote
    // address is the peer's ephemeral port (identify supplies its listen addresses instead).
    const dialled = this.libp2p.getConnections(peerIdFromString(peer)).filter(c => c.direction === 'outbound').map(c => withPeerId(c.remoteAddr.toString(), peer))
    this.registry.upsert(peer, dialled)
    this.registry.setStatus(peer, 'connected')
    this.reconnector.cancel(peer)
    this.monitor.reset(peer)
    this.plugins.router?.onLink({ type: 'up', peer, rttMs: this.registry.get(peer)?.rttMs })
    this.emit('peer:connect', { peer })
    this.updateHealth()
  }

  private onDisconnect (peer: PeerIdString): void {
    if (!this.running) return
    this.messages.forget(peer)
    this.limiter.forget(peer)
    this.monitor.reset(peer)
    this.plugins.router?.onLink({ type: 'down', peer })
    const record = this.registry.get(peer)
    this.emit('peer:disconnect', { peer })
    if (record === undefined || record.status === 'left') return
    if (record.status === 'connected') this.registry.setStatus(peer, 'known')
    // Try once at once: a peer that is still there comes straight back; otherwise the
    // failed dial marks it unreachable and the reconnector keeps trying with backoff.
    this.reconnector.schedule(peer, true)
  }

  private onRtt (peer: PeerIdString, sample: number): void {
    const rttMs = this.registry.recordRtt(peer, sample)
    this.plugins.router?.onLink({ type: 'rtt', peer, rttMs })
    this.emit('peer:rtt', { peer, rttMs })
  }

  private async onHeartbeatLost (peer: PeerIdString): Promise<void> {
    this.markUnreachable(peer)
    await this.libp2p.hangUp(peerIdFromString(peer)).catch(() => {})
  }

  private markUnreachable (peer: PeerIdString): void {
    const record = this.registry.get(peer)
    if (!this.running || record === undefined || record.status === 'left' || record.status === 'unreachable') return
    this.registry.setStatus(peer, 'unreachable')
    this.log.info({ remote: peer }, 'peer unreachable')
    this.emit('peer:unreachable', { peer })
    this.updateHealth()
  }

  private onPeerLeft (peer: PeerIdString): void {
    this.registry.setStatus(peer, 'left')
    this.reconnector.cancel(peer)
    this.log.info({ remote: peer }, 'peer left')
    this.emit('peer:left', { peer })
    this.updateHealth()
  }

  private async redial (peer: PeerIdString): Promise<boolean> {
    if (!this.running) return false
    const record = this.registry.get(peer)
    if (record === undefined || record.status === 'left' || this.gater.refusal(peer) !== undefined) return true
    if (this.libp2p.getConnections(peerIdFromString(peer)).length > 0) return true
    try {
      await this.libp2p.dial(peerIdFromString(peer), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      return true
    } catch (err) {
      this.log.debug({ remote: peer, err: (err as Error).message }, 're-dial failed')
      this.markUnreachable(peer)
      return false
    }
  }

  private onDiscovered (source: string, found: DiscoveredPeer): void {
    if (!this.running || found.id === this.peerId) return
    if (this.gater.refusal(found.id) !== undefined) return
    const before = this.registry.get(found.id)?.addresses.join()
    const record = this.registry.upsert(found.id, found.addresses)
    if (found.metadata !== undefined) this.registry.setMetadata(found.id, found.metadata)
    if (before !== record.addresses.join()) {
      this.emit('peer:discovered', { peer: found.id, addresses: [...record.addresses], source })
      if (found.addresses.length > 0) {
        void this.libp2p.peerStore.merge(peerIdFromString(found.id), { multiaddrs: found.addresses.map(a => multiaddr(a)) }).catch(() => {})
      }
    }
    if (record.status !== 'connected' && record.status !== 'left') this.reconnector.schedule(found.id, true)
  }

  private updateHealth (): void {
    const report = this.health()
    this.stats.peers(this.registry.list())
    this.stats.health(report.status)
    if (report.status !== this.lastHealth) {
      const previous = this.lastHealth
      this.lastHealth = report.status
      this.log.info({ ...report, previous }, 'health changed')
      this.emit('health', { ...report, previous })
    }
  }

  private scheduleRegistrySave (): void {
    this.saveTimer = this.clock.setTimeout(() => {
      const dataDir = this.config.dataDir
      if (!this.running || dataDir === undefined) return
      this.registry.save(dataDir)
        .catch((err: unknown) => { this.log.warn({ err }, 'could not persist the peer registry') })
        .finally(() => { this.scheduleRegistrySave() })
    }, REGISTRY_SAVE_INTERVAL_MS)
  }
}

function withPeerId (address: string, peer: PeerIdString): string {
  return address.includes('/p2p/') ? address : `${address}/p2p/${peer}`
}

function safePeerIdOf (address: string): PeerIdString | undefined {
  try {
    return multiaddr(address).getComponents().findLast(c => c.name === 'p2p')?.value
  } catch {
    return undefined
  }
}

/**
 * Create a mesh node from a config: loads (or creates) the identity in `dataDir`, builds the
 * libp2p host with the join policy, and returns the node, not yet started.
 */
export async function createMeshNode (config: MeshConfig = {}): Promise<MeshNode> {
  const joinPolicy = resolveJoinPolicy(config.joinPolicy)
  const limits = resolveLimits(config.limits)
  const privateKey = await loadOrCreateIdentity(config.dataDir)
  const gater = new JoinPolicyGater(joinPolicy, config.denylist ?? [])
  const transport = config.transport ?? 'tcp'
  const libp2p = await createLibp2pHost({
    privateKey,
    transport,
    listen: config.listen ?? (transport === 'memory' ? [`/memory/${crypto.randomUUID()}`] : DEFAULT_LISTEN),
    announce: config.announce,
    limits,
    joinPolicy,
    gater,
    services: config.libp2pServices
  })
  const node = new MeshNode(libp2p, config, gater, new IdentitySigner(privateKey))
  gater.onRefused = (peer, reason) => { node.emit('policy:rejected', { peer, reason }) }
  return node
}
