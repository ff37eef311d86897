import { multiaddr } from '@multiformats/multiaddr'
import { expandIpv6, isPrivateIpv4, isPrivateIpv6, parseIpv4 } from './ip.js'

/**
 * Per-bucket address-diversity caps against eclipse attacks (S/Kademlia, go-libp2p's peer
 * diversity filter): a routing table holds at most `maxPerBucket` peers from one network
 * group in a bucket, and `maxPerTable` in the whole table. A network group is an IPv4 /16
 * or an IPv6 /32 by default. Private and loopback addresses are exempt unless
 * `includePrivate` is set, so a LAN mesh is not capped by its own subnet.
 */
export interface DiversityLimits {
  maxPerBucket: number
  maxPerTable: number
  ipv4PrefixBits: number
  ipv6PrefixBits: number
  includePrivate: boolean
}

export const DEFAULT_DIVERSITY_LIMITS: DiversityLimits = {
  maxPerBucket: 2,
  maxPerTable: 6,
  ipv4PrefixBits: 16,
  ipv6PrefixBits: 32,
  includePrivate: false
}

/** A routing-table entry as the filter sees it. */
export interface DiversityMember {
  /** The bucket: common prefix length of the peer's and this node's Kademlia ids. */
  bucket: number
  groups: readonly string[]
}

export type DiversityVerdict =
  | { allowed: true }
  | { allowed: false, group: string, scope: 'bucket' | 'table' }

/** Decide whether a candidate may join a table that holds `members`. Pure. */
export function checkDiversity (candidate: DiversityMember, members: Iterable<DiversityMember>, limits: DiversityLimits): DiversityVerdict {
  if (candidate.groups.length === 0) return { allowed: true }
  const inBucket = new Map<string, number>()
  const inTable = new Map<string, number>()
  for (const member of members) {
    for (const group of new Set(member.groups)) {
      inTable.set(group, (inTable.get(group) ?? 0) + 1)
      if (member.bucket === candidate.bucket) inBucket.set(group, (inBucket.get(group) ?? 0) + 1)
    }
  }
  for (const group of new Set(candidate.groups)) {
    if ((inBucket.get(group) ?? 0) >= limits.maxPerBucket) return { allowed: false, group, scope: 'bucket' }
    if ((inTable.get(group) ?? 0) >= limits.maxPerTable) return { allowed: false, group, scope: 'table' }
  }
  return { allowed: true }
}

/** The network groups of a peer's addresses; exempt and unparseable addresses give none. */
export function networkGroups (addresses: readonly string[], limits: DiversityLimits): string[] {
  const groups = new Set<string>()
  for (const address of addresses) {
    const group = networkGroup(address, limits)
    if (group !== undefined) groups.add(group)
  }
  return [...groups]
}

export function networkGroup (address: string, limits: DiversityLimits): string | undefined {
  let components
  try {
    components = multiaddr(address).getComponents()
  } catch {
    return undefined
  }
  const ip = components[0]
  if (ip === undefined || ip.value === undefined) return undefined
  if (ip.name === 'ip4') {
    const octets = parseIpv4(ip.value)
    if (octets === undefined) return undefined
    if (!limits.includePrivate && isPrivateIpv4(octets)) return undefined
    return `ip4:${prefixOf(octets, 8, limits.ipv4PrefixBits)}/${limits.ipv4PrefixBits}`
  }
  if (ip.name === 'ip6') {
    const words = expandIpv6(ip.value)
    if (words === undefined) return undefined
    if (!limits.includePrivate && isPrivateIpv6(words)) return undefined
    return `ip6:${prefixOf(words, 16, limits.ipv6PrefixBits)}/${limits.ipv6PrefixBits}`
  }
  return undefined
}

function prefixOf (parts: number[], bitsPerPart: number, prefixBits: number): string {
  const out: number[] = []
  let remaining = prefixBits
  for (const part of parts) {
    if (remaining <= 0) break
    const take = Math.min(bitsPerPart, remaining)
    out.push(part & (((1 << take) - 1) << (bitsPerPart - take)))
    remaining -= take
  }
  return out.map(p => p.toString(bitsPerPart === 8 ? 10 : 16)).join(bitsPerPart === 8 ? '.' : ':')
}
