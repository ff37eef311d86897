/** How often the peers file is re-read when `intervalMs` is not given. */
export const DEFAULT_INTERVAL_MS = 5000

/** The file `meshwork-plugin.ts` watches when `MESHWORK_PEERS_FILE` is not set. */
export const DEFAULT_PEERS_FILE = 'peers.txt'
