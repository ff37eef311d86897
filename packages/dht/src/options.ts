import { InvalidConfigError } from '@meshwork/core-mesh'
import { DEFAULT_DIVERSITY_LIMITS, type DiversityLimits } from './address-diversity.js'
import type { DhtNetwork } from './reachability.js'

/** The standard libp2p DHT protocol, shared with IPFS and every vanilla kad-dht node. */
export const PUBLIC_DHT_PROTOCOL = '/ipfs/kad/1.0.0'

export interface MeshDhtOptions {
  /**
   * `private` (default): a DHT of this mesh only, on `/meshwork/<meshId>/kad/1.0.0`.
   * `public`: the standard `/ipfs/kad/1.0.0`, shared with vanilla kad-dht nodes.
   */
  network?: DhtNetwork
  /** Names the private DHT's protocol; meshes with different ids never mix. Default `default`. */
  meshId?: string
  /**
   * Keep and hand out private and loopback addresses in DHT messages. Default: true on a
   * private DHT, false on the public one (set it for a public-protocol DHT on a LAN).
   */
  allowPrivateAddresses?: boolean
  /** `auto` (default): server when reachable (see `chooseMode`), otherwise client. */
  mode?: 'auto' | 'client' | 'server'
  /** Kademlia k: bucket size and replication factor. Default 20. */
  kBucketSize?: number
  /** Queries in flight (and disjoint paths) per lookup. Default 5 (kad-dht's own default is 10). */
  alpha?: number
  /** Largest record value accepted, in bytes. Default 64 KiB. */
  maxValueBytes?: number
  /** Longest lifetime a signed record may claim, in ms. Default 48 h. */
  maxRecordLifetimeMs?: number
  /** Lifetime given to records put without `ttlMs`. Default 24 h. */
  defaultRecordTtlMs?: number
  /** Per-bucket address-diversity caps (see `DiversityLimits`), or `false` to turn them off. */
  diversity?: Partial<DiversityLimits> | false
  /** Default time limit of a query, in ms. Default 30 s. */
  queryTimeoutMs?: number
  /**
   * An inbound RPC stream must deliver its request within this many ms, or it is reset. This
   * is what cuts off a peer that sends a never-ending length prefix. Default 5 s.
   */
  rpcTimeoutMs?: number
  /** Random-walk discovery: time between walks, in ms. Default 60 s. */
  randomWalkIntervalMs?: number
  /** Bootstrap multiaddrs (with `/p2p/<id>`) the discovery plugin reports at start. */
  bootstrap?: string[]
  /** Wall-clock time in ms since the epoch, for record expiry. Default `Date.now`. */
  now?: () => number
}

export interface ResolvedDhtOptions {
  network: DhtNetwork
  protocol: string
  allowPrivateAddresses: boolean
  mode: 'auto' | 'client' | 'server'
  kBucketSize: number
  alpha: number
  maxValueBytes: number
  maxRecordLifetimeMs: number
  defaultRecordTtlMs: number
  diversity: DiversityLimits | false
  queryTimeoutMs: number
  rpcTimeoutMs: number
  randomWalkIntervalMs: number
  bootstrap: string[]
  now: () => number
}

const MESH_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const HOUR = 3_600_000

export function resolveDhtOptions (options: MeshDhtOptions = {}): ResolvedDhtOptions {
  const network = options.network ?? 'private'
  if (network !== 'private' && network !== 'public') throw new InvalidConfigError(`dht.network must be private or public, got ${String(network)}`)
  const meshId = options.meshId ?? 'default'
  if (!MESH_ID.test(meshId)) throw new InvalidConfigError(`dht.meshId must be 1-64 letters, digits, '.', '_' or '-', got ${JSON.stringify(meshId)}`)
  const mode = options.mode ?? 'auto'
  if (!['auto', 'client', 'server'].includes(mode)) throw new InvalidConfigError(`dht.mode must be auto, client or server, got ${String(mode)}`)
  const diversity = options.diversity === false ? false : { ...DEFAULT_DIVERSITY_LIMITS, ...options.diversity }
  return {
    network,
    protocol: network === 'public' ? PUBLIC_DHT_PROTOCOL : `/meshwork/${meshId}/kad/1.0.0`,
    allowPrivateAddresses: options.allowPrivateAddresses ?? network === 'private',
    mode,
    kBucketSize: positive(options.kBucketSize, 20, 'dht.kBucketSize'),
    alpha: positive(options.alpha, 5, 'dht.alpha'),
    maxValueBytes: positive(options.maxValueBytes, 64 * 1024, 'dht.maxValueBytes'),
    maxRecordLifetimeMs: positive(options.maxRecordLifetimeMs, 48 * HOUR, 'dht.maxRecordLifetimeMs'),
    defaultRecordTtlMs: positive(options.defaultRecordTtlMs, 24 * HOUR, 'dht.defaultRecordTtlMs'),
    diversity,
    queryTimeoutMs: positive(options.queryTimeoutMs, 30_000, 'dht.queryTimeoutMs'),
    rpcTimeoutMs: positive(options.rpcTimeoutMs, 5_000, 'dht.rpcTimeoutMs'),
    randomWalkIntervalMs: positive(options.randomWalkIntervalMs, 60_000, 'dht.randomWalkIntervalMs'),
    bootstrap: options.bootstrap ?? [],
    now: options.now ?? Date.now
  }
}

function positive (value: number | undefined, fallback: number, field: string): number {
  const result = value ?? fallback
  if (!Number.isFinite(result) || result <= 0) throw new InvalidConfigError(`${field} must be a positive number, got ${String(value)}`)
  return result
}
