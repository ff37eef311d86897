import type { DiscoveredPeer, DiscoveryContext, DiscoveryPlugin } from '@meshwork/core-mesh'
import { KV_LIMITS } from '../kv/kv-limits.js'
import type { KvEntry } from '../kv/kv-types.js'
import type { NodeId } from '../raft/core/types.js'

/**
 * The control group's member directory: each member keeps its own addresses under a reserved
 * key of the replicated KV store, so that every member can dial every other — followers never
 * need to talk while a leader lives, and must find each other when it dies.
 */
export const MEMBER_PREFIX = `${KV_LIMITS.reservedPrefix}members/`
const MAX_ADDRESSES = 32
const MAX_ADDRESS_LENGTH = 1024

export function memberKey (id: NodeId): string {
  return `${MEMBER_PREFIX}${id}`
}

export function isMemberKey (key: string): boolean {
  return key.startsWith(MEMBER_PREFIX)
}

export function encodeAddresses (addresses: readonly string[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(addresses.slice(0, MAX_ADDRESSES)))
}

/** The member a directory record describes; undefined for a record that does not decode (skipped). */
export function memberFromRecord (entry: KvEntry): DiscoveredPeer | undefined {
  try {
    const addresses: unknown = JSON.parse(new TextDecoder().decode(entry.value))
    if (!Array.isArray(addresses)) return undefined
    const valid = addresses.filter((a): a is string => typeof a === 'string' && a.length <= MAX_ADDRESS_LENGTH).slice(0, MAX_ADDRESSES)
    return { id: entry.key.slice(MEMBER_PREFIX.length), addresses: valid }
  } catch {
    return undefined
  }
}

/** What the discovery plugin reads from the consensus service. */
export interface MemberDirectorySource {
  /** Every member record known locally, and a subscription to new ones. */
  members(): DiscoveredPeer[]
  onMember(listener: (peer: DiscoveredPeer) => void): () => void
}

/** Reports the control group's members to the node, so it connects to them. */
export class MemberDirectoryDiscovery implements DiscoveryPlugin {
  readonly name = 'raft-members'
  private detach: (() => void) | undefined

  constructor (private readonly source: () => MemberDirectorySource | undefined) {}

  async start (context: DiscoveryContext): Promise<void> {
    const source = this.source()
    if (source === undefined) return
    const report = (peer: DiscoveredPeer): void => { if (peer.id !== context.self) context.peerFound(peer) }
    for (const peer of source.members()) report(peer)
    this.detach = source.onMember(report)
  }

  async stop (): Promise<void> {
    this.detach?.()
    this.detach = undefined
  }
}
