import { type DiscoveredPeer, peersFromMultiaddrs } from '@meshwork/core-mesh'

/** What one read of a peers file yielded. */
export interface PeersFileContent {
  /** Valid entries, merged by peer id. */
  peers: DiscoveredPeer[]
  /** One line per entry that was skipped, saying why. */
  problems: string[]
}

/**
 * Parse a peers file: either a JSON array of multiaddr strings, or one multiaddr per line
 * (blank lines and `#` comments ignored). Every entry must end in `/p2p/<peer id>`. A bad
 * entry is skipped and named in `problems`, so that one typo does not hide every other peer;
 * a file that starts with `[` but is not a JSON array of strings throws a `SyntaxError`
 * (it may be half-written: the caller keeps what it had).
 */
export function parsePeersFile (text: string): PeersFileContent {
  const entries = text.trimStart().startsWith('[') ? jsonEntries(text) : lineEntries(text)
  const addresses: string[] = []
  const problems: string[] = []
  for (const entry of entries) {
    try {
      peersFromMultiaddrs([entry])
      addresses.push(entry)
    } catch (err) {
      problems.push((err as Error).message)
    }
  }
  return { peers: peersFromMultiaddrs(addresses), problems }
}

function jsonEntries (text: string): string[] {
  const value: unknown = JSON.parse(text)
  if (!Array.isArray(value) || !value.every(entry => typeof entry === 'string')) {
    throw new SyntaxError('a JSON peers file must be an array of multiaddr strings')
  }
  return value.map(entry => entry.trim()).filter(entry => entry.length > 0)
}

function lineEntries (text: string): string[] {
  return text.split('\n')
    .map(line => line.replace(/#.*$/, '').trim())
    .filter(line => line.length > 0)
}
