/** Limits on what the replicated KV store accepts; checked before a command is proposed. */
export const KV_LIMITS = Object.freeze({
  /** Keys starting with this belong to Meshwork itself (the member directory); clients cannot write them. */
  reservedPrefix: '\u0000meshwork/',
  /** UTF-8 bytes of a key. */
  maxKeyBytes: 4096,
  /** Bytes of a value. */
  maxValueBytes: 1024 * 1024,
  /** UTF-8 bytes of a client id. */
  maxClientIdBytes: 256,
  /** Remembered results per client, for answering retries. */
  resultsPerClient: 1024,
  /** Clients remembered; the least recently active is forgotten first. */
  maxClients: 10_000
})
