import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId, PeerStore } from '@libp2p/interface'
import type { PeerIdString } from '@meshwork/core-mesh'
import { checkDiversity, networkGroups, type DiversityLimits, type DiversityMember, type DiversityVerdict } from './address-diversity.js'
import type { KadRoutingTable } from './kad-binding.js'
import { commonPrefixLength, kadIdOfPeer } from './xor.js'

export interface DiversityRefusal {
  peer: PeerIdString
  group: string
  scope: 'bucket' | 'table'
}

/**
 * Puts the address-diversity caps in front of kad-dht's routing table: every way a peer enters
 * the table (connections, query responses, the peer store at start) goes through
 * `routingTable.add`, which this wraps. Refused peers are never added.
 */
export class RoutingTableGuard {
  private readonly groups = new Map<PeerIdString, string[]>()
  /** Admitted but not yet in the table (kad-dht may still be pinging them): they count. */
  private readonly admitted = new Map<PeerIdString, DiversityMember>()
  /** Checks run one at a time, so two peers cannot both take the last place of a group. */
  private checking: Promise<unknown> = Promise.resolve()
  private selfKadId: Uint8Array | undefined
  private original: KadRoutingTable['add'] | undefined
  refusals = 0

  constructor (
    private readonly table: KadRoutingTable,
    private readonly peerStore: PeerStore,
    private readonly self: PeerIdString,
    private readonly limits: DiversityLimits,
    private readonly refused: (refusal: DiversityRefusal) => void
  ) {}

  async install (): Promise<void> {
    if (this.original !== undefined) return
    this.selfKadId = await kadIdOfPeer(this.self)
    const original = this.table.add.bind(this.table)
    this.original = original
    this.table.add = async (peerId, options) => {
      const peer = peerId.toString()
      if (this.inTable(peer)) {
        await original(peerId, options)
        return
      }
      const verdict = await this.admit(peerId)
      if (!verdict.allowed) {
        this.refusals++
        this.refused({ peer, group: verdict.group, scope: verdict.scope })
        return
      }
      try {
        await original(peerId, options)
      } finally {
        this.admitted.delete(peer)
      }
    }
  }

  uninstall (): void {
    if (this.original !== undefined) this.table.add = this.original
    this.original = undefined
  }

  /** Already in the table: kad-dht only refreshes it, the caps do not apply. */
  private inTable (peer: PeerIdString): boolean {
    for (const entry of this.table.kb.toIterable()) if (entry.peerId.toString() === peer) return true
    return false
  }

  /** Check a peer and, when allowed, count it as a member until kad-dht has added it or not. */
  private async admit (peerId: PeerId): Promise<DiversityVerdict> {
    const run = this.checking.then(async () => {
      const { verdict, candidate } = await this.check(peerId)
      if (verdict.allowed) this.admitted.set(peerId.toString(), candidate)
      return verdict
    })
    this.checking = run.catch(() => {})
    return await run
  }

  /** Whether `peer` may enter the table now. */
  async check (peerId: PeerId): Promise<{ verdict: DiversityVerdict, candidate: DiversityMember }> {
    const peer = peerId.toString()
    const candidate: DiversityMember = { bucket: await this.bucketOf(peer), groups: await this.groupsOf(peerId) }
    const members: DiversityMember[] = [...this.admitted.entries()].filter(([id]) => id !== peer).map(([, member]) => member)
    for (const entry of this.table.kb.toIterable()) {
      const id = entry.peerId.toString()
      if (id === peer || id === this.self) continue
      members.push({ bucket: commonPrefixLength(this.selfKadId ?? new Uint8Array(32), entry.kadId), groups: await this.groupsOf(entry.peerId) })
    }
    return { verdict: checkDiversity(candidate, members, this.limits), candidate }
  }

  private async bucketOf (peer: PeerIdString): Promise<number> {
    return commonPrefixLength(this.selfKadId ?? new Uint8Array(32), await kadIdOfPeer(peer))
  }

  private async groupsOf (peerId: PeerId): Promise<string[]> {
    const key = peerId.toString()
    const cached = this.groups.get(key)
    if (cached !== undefined) return cached
    let addresses: string[] = []
    try {
      addresses = (await this.peerStore.get(peerIdFromString(key))).addresses.map(a => a.multiaddr.toString())
    } catch {}
    const groups = networkGroups(addresses, this.limits)
    if (this.groups.size > 10_000) this.groups.clear()
    // Addresses may come later (identify); only cache what was known.
    if (addresses.length > 0) this.groups.set(key, groups)
    return groups
  }
}
