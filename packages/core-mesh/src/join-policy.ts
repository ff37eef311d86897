import { preSharedKey } from '@libp2p/pnet'
import type { ConnectionGater, ConnectionProtector, PeerId } from '@libp2p/interface'
import type { JoinPolicyConfig } from './config.js'
import type { PeerIdString } from './interfaces/peer.js'

/** Told of every peer the policy refuses, with the reason. */
export type RefusalListener = (peer: PeerIdString, reason: string) => void

/**
 * The join policy as a libp2p connection gater: CLOSED admits only allow-listed peer ids, the
 * denylist refuses its peers in every mode. Checks run after the encryption handshake, when
 * the remote's id is proven, and before dials, so a refused peer never gets a muxed stream.
 * The denylist can change at run time.
 */
export class JoinPolicyGater implements ConnectionGater {
  private readonly denied: Set<PeerIdString>
  private readonly allowed: Set<PeerIdString> | undefined

  /** Told of every refusal; the node sets it to emit `policy:rejected`. */
  onRefused: RefusalListener = () => {}

  constructor (policy: JoinPolicyConfig, denylist: readonly PeerIdString[]) {
    this.denied = new Set(denylist)
    this.allowed = policy.mode === 'CLOSED' ? new Set(policy.allow) : undefined
  }

  deny (peer: PeerIdString): void {
    this.denied.add(peer)
  }

  undeny (peer: PeerIdString): void {
    this.denied.delete(peer)
  }

  /** Why `peer` is refused, or undefined when it is admitted. */
  refusal (peer: PeerIdString): string | undefined {
    if (this.denied.has(peer)) return 'denylisted'
    if (this.allowed !== undefined && !this.allowed.has(peer)) return 'not on the CLOSED mesh allowlist'
    return undefined
  }

  denyDialPeer = (peerId: PeerId): boolean => this.check(peerId)
  denyInboundEncryptedConnection = (peerId: PeerId): boolean => this.check(peerId)
  denyOutboundEncryptedConnection = (peerId: PeerId): boolean => this.check(peerId)

  private check (peerId: PeerId): boolean {
    const peer = peerId.toString()
    const reason = this.refusal(peer)
    if (reason === undefined) return false
    this.onRefused(peer, reason)
    return true
  }
}

/** KEY_REQUIRED: a libp2p private network keyed by the mesh key; otherwise none. */
export function meshKeyProtector (policy: JoinPolicyConfig): ((components: any) => ConnectionProtector) | undefined {
  if (policy.mode !== 'KEY_REQUIRED' || policy.meshKey === undefined) return undefined
  const psk = new TextEncoder().encode(`/key/swarm/psk/1.0.0/\n/base16/\n${policy.meshKey.toLowerCase()}`)
  return preSharedKey({ psk })
}

/** A fresh random mesh key: 64 hex characters (32 bytes). */
export function generateMeshKey (): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')
}
