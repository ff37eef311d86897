/**
 * @packageDocumentation
 *
 * `@meshwork/dht`: Kademlia for a Meshwork mesh, on `@libp2p/kad-dht`. A private DHT per mesh
 * (or the public `/ipfs/kad/1.0.0` one for interop), signed mutable records and
 * content-addressed records, provide / find providers for services and topics, find peer and
 * closest peers, a random-walk DiscoveryPlugin, address-diversity caps on the routing table,
 * automatic client/server mode, and abortable queries with typed progress events.
 *
 * @example
 * ```ts
 * import { createMeshNode } from '@meshwork/core-mesh'
 * import { withDht, type MeshDht } from '@meshwork/dht'
 *
 * const node = await createMeshNode(withDht({ bootstrap: [seed] }, { meshId: 'my-mesh' }))
 * await node.start()
 * const dht = node.service<MeshDht>('dht')!
 * await dht.put('greeting', new TextEncoder().encode('hello'))
 * ```
 */

export { meshDht, withDht, DHT_SERVICE, type MeshDhtParts } from './create-dht.js'
export { MeshDht, type DhtEvents, type DhtQueryOptions, type GetOptions, type PutOptions, type PutResult, type SignedRecordResult, type FoundPeer, type Provider, type QueryStats, type DhtStatus } from './mesh-dht.js'
export { DhtDiscovery } from './dht-discovery.js'
export { resolveDhtOptions, PUBLIC_DHT_PROTOCOL, type MeshDhtOptions } from './options.js'
export * from './errors.js'
export {
  SIGNED_NAMESPACE, CONTENT_NAMESPACE, signedRecordKey, parseSignedRecordKey, contentCid, contentRecordKey,
  parseContentRecordKey, serviceCid, decodeKey, describeKey, namespaceOf, encodeKey
} from './keys.js'
export { kadIdOfKey, kadIdOfPeer, xorDistance, compareDistance, commonPrefixLength } from './xor.js'
export { signRecord, verifySignedRecord, selectNewestSignedRecord, type SignedRecordView, type RecordLimits } from './records/signed-record.js'
export { verifyContentRecord } from './records/content-record.js'
export { recordRules, type RecordRules, type RecordRulesInit } from './records/record-rules.js'
export { checkDiversity, networkGroups, networkGroup, DEFAULT_DIVERSITY_LIMITS, type DiversityLimits, type DiversityMember, type DiversityVerdict } from './address-diversity.js'
export { meshAddressFilter, usableAddress, MAX_ADDRESSES_PER_PEER } from './address-filter.js'
export { chooseMode, type DhtMode, type DhtNetwork } from './reachability.js'
export { HopTracker, toProgressEvent, type DhtProgressEvent, type DhtProgressHandler } from './progress.js'
export type { DiversityRefusal } from './routing-table-guard.js'
