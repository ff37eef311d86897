/**
 * A module ready for `meshwork start --discovery <path to this file, built>`: the node imports
 * it and uses its default export, a service factory. It watches the file named by
 * `MESHWORK_PEERS_FILE` (default `peers.txt` in the node's working directory) and re-reads it
 * every `MESHWORK_PEERS_FILE_INTERVAL_MS` (default 5000).
 */
import { DEFAULT_INTERVAL_MS, DEFAULT_PEERS_FILE } from './constants.js'
import { fileDiscovery } from './file-discovery.js'

const interval = process.env.MESHWORK_PEERS_FILE_INTERVAL_MS

export default fileDiscovery({
  path: process.env.MESHWORK_PEERS_FILE ?? DEFAULT_PEERS_FILE,
  intervalMs: interval === undefined ? DEFAULT_INTERVAL_MS : Number(interval)
})
