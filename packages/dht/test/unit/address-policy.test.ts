import { describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import {
  DEFAULT_DIVERSITY_LIMITS, HopTracker, MAX_ADDRESSES_PER_PEER, checkDiversity, chooseMode, meshAddressFilter, networkGroup, networkGroups
} from '../../src/index.js'

const limits = DEFAULT_DIVERSITY_LIMITS

describe('network groups', () => {
  it('group IPv4 by /16 and IPv6 by /32, and exempt private addresses by default', () => {
    expect(networkGroup('/ip4/8.8.4.4/tcp/1', limits)).toBe('ip4:8.8/16')
    expect(networkGroup('/ip4/8.8.200.1/tcp/1', limits)).toBe('ip4:8.8/16')
    expect(networkGroup('/ip6/2001:db8:1::1/tcp/1', limits)).toBe('ip6:2001:db8/32')
    expect(networkGroup('/ip4/127.0.0.1/tcp/1', limits)).toBeUndefined()
    expect(networkGroup('/ip4/192.168.1.4/tcp/1', limits)).toBeUndefined()
    expect(networkGroup('/ip6/::1/tcp/1', limits)).toBeUndefined()
    expect(networkGroup('/ip4/127.0.0.1/tcp/1', { ...limits, includePrivate: true })).toBe('ip4:127.0/16')
    expect(networkGroup('/memory/abc', limits)).toBeUndefined()
    expect(networkGroup('not a multiaddr', limits)).toBeUndefined()
    expect(networkGroups(['/ip4/8.8.4.4/tcp/1', '/ip4/8.8.9.9/tcp/2', '/ip4/1.1.1.1/tcp/1'], limits).sort()).toEqual(['ip4:1.1/16', 'ip4:8.8/16'])
  })

  it('honour other prefix lengths', () => {
    expect(networkGroup('/ip4/8.8.4.4/tcp/1', { ...limits, ipv4PrefixBits: 24 })).toBe('ip4:8.8.4/24')
    expect(networkGroup('/ip4/8.8.4.4/tcp/1', { ...limits, ipv4PrefixBits: 12 })).toBe('ip4:8.0/12')
  })
})

describe('diversity caps', () => {
  const member = (bucket: number, group: string) => ({ bucket, groups: [group] })

  it('refuse a peer whose group is full in its bucket, but not in another bucket', () => {
    const members = [member(3, 'ip4:8.8/16'), member(3, 'ip4:8.8/16'), member(4, 'ip4:1.1/16')]
    expect(checkDiversity(member(3, 'ip4:8.8/16'), members, limits)).toEqual({ allowed: false, group: 'ip4:8.8/16', scope: 'bucket' })
    expect(checkDiversity(member(5, 'ip4:8.8/16'), members, limits)).toEqual({ allowed: true })
    expect(checkDiversity(member(3, 'ip4:9.9/16'), members, limits)).toEqual({ allowed: true })
  })

  it('refuse a group over the table-wide cap', () => {
    const members = [1, 2, 3, 4, 5, 6].map(b => member(b, 'ip4:8.8/16'))
    expect(checkDiversity(member(9, 'ip4:8.8/16'), members, limits)).toEqual({ allowed: false, group: 'ip4:8.8/16', scope: 'table' })
  })

  it('let exempt peers (no group) in', () => {
    expect(checkDiversity({ bucket: 3, groups: [] }, [member(3, 'x'), member(3, 'x')], { ...limits, maxPerBucket: 1 })).toEqual({ allowed: true })
  })
})

describe('address filter', () => {
  const id = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

  it('drops unspecified hosts, port 0, transportless and (public DHT) private addresses; caps the count', async () => {
    const peer = await id()
    const addresses = [
      '/ip4/0.0.0.0/tcp/4001', '/ip4/8.8.8.8/tcp/0', '/ip4/8.8.8.8', '/ip6/::/tcp/1', '/ip4/10.0.0.1/tcp/4001', '/ip4/8.8.8.8/tcp/4001',
      ...Array.from({ length: 20 }, (_, i) => `/ip4/9.9.9.${i}/tcp/4001`)
    ].map(a => multiaddr(a))
    const publicView = meshAddressFilter({ allowPrivate: false })({ id: peer, multiaddrs: addresses })
    expect(publicView.multiaddrs.map(String)[0]).toBe('/ip4/8.8.8.8/tcp/4001')
    expect(publicView.multiaddrs).toHaveLength(MAX_ADDRESSES_PER_PEER)
    const privateView = meshAddressFilter({ allowPrivate: true })({ id: peer, multiaddrs: addresses.slice(0, 6) })
    expect(privateView.multiaddrs.map(String)).toEqual(['/ip4/10.0.0.1/tcp/4001', '/ip4/8.8.8.8/tcp/4001'])
  })
})

describe('automatic mode', () => {
  it('serves a private mesh from any direct address, the public DHT only from a public one', () => {
    expect(chooseMode(['/ip4/127.0.0.1/tcp/4001'], 'private')).toBe('server')
    expect(chooseMode(['/memory/abc'], 'private')).toBe('server')
    expect(chooseMode(['/ip4/127.0.0.1/tcp/4001'], 'public')).toBe('client')
    expect(chooseMode(['/ip4/127.0.0.1/tcp/4001', '/ip4/8.8.8.8/tcp/4001'], 'public')).toBe('server')
    expect(chooseMode(['/ip4/8.8.8.8/tcp/4001/p2p/12D3KooWGRUVh2zS5Xh1qhrr6mC4gaTAKm8NtqJW77ujNYpvKqZG/p2p-circuit'], 'public')).toBe('client')
    expect(chooseMode([], 'private')).toBe('client')
  })
})

describe('hop tracking', () => {
  it('counts referrals: table peers are hop 1, peers they name hop 2, keeping the shortest chain', () => {
    const hops = new HopTracker('self')
    expect(hops.hopOf('a')).toBe(1)
    hops.referred('a', ['b', 'c', 'self'])
    hops.referred('b', ['d'])
    expect(hops.hopOf('b')).toBe(2)
    expect(hops.hopOf('d')).toBe(3)
    hops.referred('a', ['d'])
    expect(hops.hopOf('d')).toBe(2)
    expect(hops.hopOf('self')).toBe(0)
    expect(hops.maxHop()).toBe(2)
  })
})
