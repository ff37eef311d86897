import type { ResolvedHeartbeat } from './config.js'
import type { Clock, TimerHandle } from './interfaces/clock.js'
import type { PeerIdString } from './interfaces/peer.js'

export interface LinkMonitorHost {
  /** Peers with an open connection. */
  connectedPeers(): PeerIdString[]
  /** One heartbeat: resolves with the round trip in ms, rejects on failure or abort. */
  ping(peer: PeerIdString, signal: AbortSignal): Promise<number>
  /** Frames moved to or from `peer` so far; any progress during a heartbeat proves it alive. */
  framesExchanged(peer: PeerIdString): number
  rtt(peer: PeerIdString, rttMs: number): void
  /** `missesBeforeUnreachable` heartbeats in a row failed. */
  unreachable(peer: PeerIdString): void
}

/**
 * Heartbeats every connected peer each interval, all in parallel, each bounded by the
 * timeout. A run never overlaps the previous one, so a slow network cannot pile pings up.
 * A heartbeat that times out while frames kept flowing with the peer is not a miss: a peer
 * busy saturating a channel may answer pings late, but it is plainly alive.
 */
export class LinkMonitor {
  private readonly misses = new Map<PeerIdString, number>()
  private timer: TimerHandle | undefined
  private running = false
  private readonly controller = new AbortController()

  constructor (private readonly host: LinkMonitorHost, private readonly config: ResolvedHeartbeat, private readonly clock: Clock) {}

  start (): void {
    this.running = true
    this.schedule()
  }

  stop (): void {
    this.running = false
    this.controller.abort()
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Forget a peer's misses (it disconnected or was seen again). */
  reset (peer: PeerIdString): void {
    this.misses.delete(peer)
  }

  /** Heartbeat every connected peer once; resolves when all answered or timed out. */
  async beat (): Promise<void> {
    await Promise.all(this.host.connectedPeers().map(async peer => { await this.beatOne(peer) }))
  }

  private schedule (): void {
    if (!this.running) return
    this.timer = this.clock.setTimeout(() => {
      void this.beat().finally(() => { this.schedule() })
    }, this.config.intervalMs)
  }

  private async beatOne (peer: PeerIdString): Promise<void> {
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.config.timeoutMs)])
    const framesBefore = this.host.framesExchanged(peer)
    try {
      const rtt = await this.host.ping(peer, signal)
      this.misses.delete(peer)
      this.host.rtt(peer, rtt)
    } catch {
      if (this.controller.signal.aborted) return
      if (this.host.framesExchanged(peer) !== framesBefore) {
        this.misses.delete(peer)
        return
      }
      const misses = (this.misses.get(peer) ?? 0) + 1
      this.misses.set(peer, misses)
      if (misses >= this.config.missesBeforeUnreachable) {
        this.misses.delete(peer)
        this.host.unreachable(peer)
      }
    }
  }
}
