import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { PeerInfo } from '@libp2p/interface'
import { expandIpv6, isPrivateIpv4, isPrivateIpv6, parseIpv4 } from './ip.js'

/** At most this many addresses per peer are kept from a DHT message. */
export const MAX_ADDRESSES_PER_PEER = 8

const DIALABLE_TRANSPORTS = new Set(['tcp', 'memory', 'p2p-circuit', 'ws', 'wss', 'quic-v1', 'webtransport'])

/**
 * kad-dht's `peerInfoMapper`: what this node keeps of the addresses other peers tell it about
 * (closer-peer lists, providers) and tells others. Keeps at most {@link MAX_ADDRESSES_PER_PEER}
 * addresses that name a transport, drop unspecified hosts (0.0.0.0, ::) and port 0, and —
 * on the public DHT only — private and loopback hosts. A peer left with no address is ignored.
 */
export function meshAddressFilter (options: { allowPrivate: boolean }): (peer: PeerInfo) => PeerInfo {
  return (peer) => ({
    ...peer,
    multiaddrs: peer.multiaddrs.filter(address => usableAddress(address, options.allowPrivate)).slice(0, MAX_ADDRESSES_PER_PEER)
  })
}

export function usableAddress (address: Multiaddr | string, allowPrivate: boolean): boolean {
  let components
  try {
    components = (typeof address === 'string' ? multiaddr(address) : address).getComponents()
  } catch {
    return false
  }
  if (!components.some(c => DIALABLE_TRANSPORTS.has(c.name))) return false
  for (const c of components) {
    if ((c.name === 'tcp' || c.name === 'udp') && (c.value === '0' || c.value === undefined)) return false
    if (c.name === 'ip4') {
      const octets = parseIpv4(c.value ?? '')
      if (octets === undefined || octets.every(o => o === 0) || (!allowPrivate && isPrivateIpv4(octets))) return false
    }
    if (c.name === 'ip6') {
      const words = expandIpv6(c.value ?? '')
      if (words === undefined || words.every(w => w === 0) || (!allowPrivate && isPrivateIpv6(words))) return false
    }
  }
  return true
}
