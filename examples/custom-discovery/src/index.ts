/**
 * @packageDocumentation
 *
 * `@meshwork/example-custom-discovery`: how to write a Meshwork discovery plugin, and prove it
 * keeps the `DiscoveryPlugin` contract with the compliance suite from
 * `@meshwork/core-mesh/compliance`. {@link fileDiscovery} reports the peers listed in a file
 * (a JSON array of multiaddrs, or one per line, each ending in `/p2p/<peer id>`) and re-reads
 * the file every `intervalMs`, reporting the entries that are new.
 *
 * @example
 * ```ts
 * import { createMeshNode } from '@meshwork/core-mesh'
 * import { fileDiscovery } from '@meshwork/example-custom-discovery'
 *
 * const node = await createMeshNode({ dataDir: './data', discovery: [fileDiscovery({ path: './peers.txt', intervalMs: 10_000 })] })
 * await node.start()
 * ```
 */

export { FileDiscovery, fileDiscovery, type FileDiscoveryComponents, type FileDiscoveryInit } from './file-discovery.js'
export { parsePeersFile, type PeersFileContent } from './peers-file.js'
export { DEFAULT_INTERVAL_MS } from './constants.js'
