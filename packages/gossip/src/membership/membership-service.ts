import type { AbortOptions, Channel, ChannelHost, Clock, Logger, MeshEvents, MessageSigner, RandomSource, TypedEventTarget } from '@meshwork/core-mesh'
import { ChannelPool } from '@meshwork/core-mesh'
import { MessageValidationError } from '../errors.js'
import { SWIM_PROTOCOL } from '../constants.js'
import type { MemberView } from '../plumtree/member-view.js'
import type { MembershipConfig } from './core/config.js'
import { MembershipCore, type MemberInfo, type MembershipEvent, type MembershipStatus } from './core/membership-core.js'
import type { MemberMetadata, SwimMessage } from './core/messages.js'
import { decodeSwimMessage, encodeSwimMessage } from './membership-codec.js'
import { MemberListStore } from './member-list-store.js'
import { identityUpdateSigner, UpdateVerifier } from './update-signatures.js'

/** Live members that came and went, as a {@link MemberView} reports them. */
export interface MembersChange { joined: string[], left: string[] }

export interface MembershipOptions extends Partial<MembershipConfig> {
  /** What this node says about itself: region, roles, tags. */
  metadata?: Partial<MemberMetadata>
  /**
   * A file to keep the member list in (written atomically, fsynced), so that a restarted node
   * rejoins through the members it knew. Without it the node rejoins only through peers it
   * connects to.
   */
  stateFile?: string
  /**
   * Join the membership through every newly connected peer that is not yet a member (on by
   * default): any connection — bootstrap, mDNS, a DHT walk — brings the two lists together.
   */
  joinOnConnect?: boolean
}

export interface MembershipComponents {
  peerId: string
  addresses: () => string[]
  clock: Clock
  random: RandomSource
  channels: ChannelHost
  events: TypedEventTarget<MeshEvents>
  logger: Logger
  signer: MessageSigner
}

/** How often a changed member list is written to `stateFile`. */
const SAVE_INTERVAL_MS = 5_000

/**
 * SWIM membership on a mesh node: the libp2p adapter around {@link MembershipCore}.
 *
 * It carries the core's messages on `/meshwork/swim/1.0.0` channels, checks every frame on the
 * way in (decoding limits, then each update's signature: an `alive` claim must be signed by
 * the member, a `suspect`/`dead` by its accuser), and closes only the channel of a peer that
 * sends a malformed frame or a forged claim, reporting it to the node. It keeps the member list
 * on disk for rejoining after a restart, and tells listeners (Plumtree, the discovery plugin)
 * which members are live.
 */
export class MembershipService implements MemberView {
  readonly name = 'membership'
  private core: MembershipCore | undefined
  private readonly pool: ChannelPool
  private readonly verifier: UpdateVerifier
  private readonly log: Logger
  private readonly store: MemberListStore | undefined
  private readonly listeners = new Set<(event: MembershipEvent) => void>()
  private readonly changeListeners = new Set<(change: MembersChange) => void>()
  private readonly inbound = new Set<Channel>()
  private saveTimer: unknown
  private dirty = false
  /** The save in progress, if any: saves never overlap (they share a temporary file). */
  private saving: Promise<void> = Promise.resolve()
  private stopLeaving: (() => void) | undefined
  // Listeners on the node's EventTarget: an exception there would be uncaught, so none escapes.
  private readonly onConnect = (event: CustomEvent<MeshEvents['peer:connect']>): void => {
    this.guard('join through a new connection', () => { this.joinThrough(event.detail.peer) })
  }

  // A dropped connection is a hint (a killed process resets its sockets): probe that member next.
  private readonly onDisconnect = (event: CustomEvent<MeshEvents['peer:disconnect']>): void => {
    this.guard('expedite a probe', () => { this.core?.expediteProbe(event.detail.peer) })
  }

  constructor (private readonly components: MembershipComponents, private readonly options: MembershipOptions = {}) {
    this.pool = new ChannelPool(components.channels, SWIM_PROTOCOL)
    this.verifier = new UpdateVerifier(components.signer)
    this.log = components.logger.child({ component: 'membership' })
    this.store = options.stateFile === undefined ? undefined : new MemberListStore(options.stateFile, components.peerId, this.verifier)
  }

  async start (options?: AbortOptions): Promise<void> {
    if (this.core !== undefined) return
    options?.signal?.throwIfAborted()
    const initial = await this.store?.load(this.log)
    const core = new MembershipCore({
      self: this.components.peerId,
      addresses: this.components.addresses(),
      metadata: { roles: [], tags: {}, ...this.options.metadata },
      clock: this.components.clock,
      random: this.components.random,
      signer: identityUpdateSigner(this.components.signer),
      send: (to, message) => { this.send(to, message) },
      config: swimConfigOf(this.options),
      initial
    })
    core.onEvent(event => { this.onCoreEvent(event) })
    await this.components.channels.handle(SWIM_PROTOCOL, async (channel) => { await this.receive(channel) })
    this.core = core
    core.start()
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    if (this.options.joinOnConnect !== false) {
      this.components.events.addEventListener('peer:connect', this.onConnect)
      for (const peer of this.components.channels.connectedPeers()) this.joinThrough(peer)
    }
    this.scheduleSave()
  }

  async stop (): Promise<void> {
    const core = this.core
    if (core === undefined) return
    this.core = undefined
    this.components.events.removeEventListener('peer:connect', this.onConnect)
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
    if (this.saveTimer !== undefined) this.components.clock.clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    this.stopLeaving?.()
    await this.save(core)
    core.stop()
    await this.components.channels.unhandle(SWIM_PROTOCOL)
    for (const channel of this.inbound) channel.abort(new Error('membership stopped'))
    this.inbound.clear()
    await this.pool.closeAll('membership stopped')
  }

  /**
   * Leave gracefully: tell the members, keep answering while the news spreads, then stop
   * probing. Other nodes mark this one `left`, not failed. Call `stop` afterwards.
   */
  async leave (options?: AbortOptions): Promise<void> {
    const core = this.requireCore()
    core.leave()
    // `stop` cuts the wait short: there is nothing left to spread the leave with.
    const stopping = new AbortController()
    this.stopLeaving = () => { stopping.abort() }
    try {
      await sleep(this.components.clock, core.config.leavePropagateMs, options, stopping.signal)
    } finally {
      this.stopLeaving = undefined
    }
  }

  /** Join through these members (peer ids; they must be dialable). */
  join (peers: string[]): void {
    this.requireCore().join(peers.filter(peer => peer !== this.components.peerId))
  }

  members (): MemberInfo[] {
    return this.core?.members() ?? []
  }

  member (id: string): MemberInfo | undefined {
    return this.core?.member(id)
  }

  liveMembers (): string[] {
    return this.core?.liveMembers() ?? []
  }

  /** `HEALTHY`, or `PARTITIONED` while fewer than a quorum of members are reachable. */
  status (): MembershipStatus {
    return this.core?.status() ?? 'HEALTHY'
  }

  /** Lifeguard's local health score: 0 is healthy; it slows probing when this node lags. */
  localHealth (): number {
    return this.core?.localHealth() ?? 0
  }

  /** A sender of gossip this node accepts: itself or a live (alive or suspect) member. */
  isKnownSender (peer: string): boolean {
    if (peer === this.components.peerId) return true
    const state = this.core?.member(peer)?.state
    return state === 'alive' || state === 'suspect'
  }

  setMetadata (metadata: Partial<MemberMetadata>): void {
    const core = this.requireCore()
    const current = core.member(this.components.peerId)?.metadata ?? { roles: [], tags: {} }
    core.setMetadata({ ...current, ...metadata })
  }

  /** Membership events (join, suspect, dead, left, partitioned, …); returns an unsubscribe. */
  onEvent (listener: (event: MembershipEvent) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  onMembersChanged (listener: (change: MembersChange) => void): () => void {
    this.changeListeners.add(listener)
    return () => { this.changeListeners.delete(listener) }
  }

  private requireCore (): MembershipCore {
    if (this.core === undefined) throw new Error('membership is not started')
    return this.core
  }

  private guard (what: string, run: () => void): void {
    try {
      run()
    } catch (err) {
      this.log.warn({ err }, `cannot ${what}`)
    }
  }

  private joinThrough (peer: string): void {
    const core = this.core
    if (core?.isRunning() !== true || peer === this.components.peerId) return
    const known = core.member(peer)
    if (known !== undefined && known.state !== 'dead' && known.state !== 'left') return
    core.join([peer])
  }

  private send (to: string, message: SwimMessage): void {
    let bytes: Uint8Array
    try {
      bytes = encodeSwimMessage(message)
    } catch (err) {
      this.log.warn({ err, type: message.type }, 'cannot encode a SWIM message')
      return
    }
    this.pool.send(to, bytes).catch(err => { this.log.debug({ remote: to, err: (err as Error).message }, 'SWIM send failed') })
  }

  private async receive (channel: Channel): Promise<void> {
    this.inbound.add(channel)
    try {
      for await (const frame of channel) {
        const core = this.core
        if (core === undefined) break
        let message: SwimMessage
        try {
          message = decodeSwimMessage(frame)
          for (const update of message.type === 'push-pull' ? message.members : message.updates) this.verifier.verify(update)
        } catch (err) {
          if (!(err instanceof MessageValidationError)) throw err
          this.log.info({ remote: channel.peer, err: err.message, name: err.name }, 'refused a SWIM frame')
          this.components.channels.reportViolation(channel.peer, SWIM_PROTOCOL, err)
          channel.abort(err)
          return
        }
        core.receive(channel.peer, message)
      }
    } catch (err) {
      this.log.debug({ remote: channel.peer, err: (err as Error).message }, 'SWIM channel ended')
    } finally {
      this.inbound.delete(channel)
    }
  }

  private onCoreEvent (event: MembershipEvent): void {
    this.dirty = true
    const change = membersChange(event)
    if (change !== undefined) {
      if (change.left.length > 0) for (const peer of change.left) this.pool.forget(peer)
      for (const listener of this.changeListeners) {
        try { listener(change) } catch (err) { this.log.warn({ err }, 'members-changed listener threw') }
      }
    }
    for (const listener of this.listeners) {
      try { listener(event) } catch (err) { this.log.warn({ err }, 'membership listener threw') }
    }
  }

  private scheduleSave (): void {
    if (this.store === undefined || this.core === undefined) return
    this.saveTimer = this.components.clock.setTimeout(() => {
      const core = this.core
      if (core === undefined) return
      void this.save(core).finally(() => { this.scheduleSave() })
    }, SAVE_INTERVAL_MS)
  }

  private async save (core: MembershipCore): Promise<void> {
    const store = this.store
    if (store === undefined) return
    this.saving = this.saving.then(async () => {
      if (!this.dirty) return
      this.dirty = false
      try {
        await store.save(core.snapshot())
      } catch (err) {
        this.dirty = true
        this.log.warn({ err }, 'cannot save the member list')
      }
    })
    await this.saving
  }
}

function swimConfigOf (options: MembershipOptions): Partial<MembershipConfig> {
  const { metadata: _metadata, stateFile: _stateFile, joinOnConnect: _joinOnConnect, ...config } = options
  return config
}

/** Which live members an event adds or removes, for {@link MemberView} listeners. */
function membersChange (event: MembershipEvent): MembersChange | undefined {
  switch (event.type) {
    case 'member:join':
    case 'member:alive':
      return { joined: [event.member.id], left: [] }
    case 'member:dead':
    case 'member:left':
      return { joined: [], left: [event.member.id] }
    default:
      return undefined
  }
}

/** Wait `ms` on `clock`: rejects when the caller aborts, resolves early when `cutShort` does. */
async function sleep (clock: Clock, ms: number, options: AbortOptions | undefined, cutShort: AbortSignal): Promise<void> {
  options?.signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      clock.clearTimeout(timer)
      options?.signal?.removeEventListener('abort', onAbort)
      cutShort.removeEventListener('abort', onCut)
    }
    const onAbort = (): void => { done(); reject(options?.signal?.reason) }
    const onCut = (): void => { done(); resolve() }
    const timer = clock.setTimeout(onCut, ms)
    options?.signal?.addEventListener('abort', onAbort, { once: true })
    cutShort.addEventListener('abort', onCut, { once: true })
  })
}
