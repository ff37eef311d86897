import { usableAddress } from './address-filter.js'

export type DhtMode = 'client' | 'server'
export type DhtNetwork = 'private' | 'public'

/**
 * Automatic client/server mode from reachability: a node serves the DHT (and so is put in
 * others' routing tables) only when others can dial it. On the public DHT that takes a public
 * address; on a private mesh, any address that is not a relay address — the mesh's members
 * share its network. A node with only relayed (`/p2p-circuit`) addresses, or none, is a client.
 */
export function chooseMode (selfAddresses: readonly string[], network: DhtNetwork): DhtMode {
  const reachable = selfAddresses.some(address => !address.includes('/p2p-circuit') && usableAddress(address, network === 'private'))
  return reachable ? 'server' : 'client'
}
