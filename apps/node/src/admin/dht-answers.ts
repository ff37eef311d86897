/**
 * The JSON answers of the admin API's DHT routes, shared with the admin client: sequences (bigints)
 * as decimal strings, values as UTF-8 text (null when they are not UTF-8) and as base64.
 */
import type { FoundPeer, Provider, PutResult, SignedRecordResult } from '@meshwork/dht'
import { base64Of, utf8OrNull } from './payload-text.js'

/** `POST /api/dht/put` */
export interface DhtPutAnswer {
  name: string
  /** `/mw-signed/<this peer id>/<name>` */
  key: string
  sequence: string
  bytes: number
  /** Peers that confirmed they stored the record. */
  storedAt: string[]
}

/** `GET /api/dht/get` */
export interface DhtRecordAnswer {
  owner: string
  name: string
  /** The value as UTF-8 text, or null when it is not valid UTF-8 (see `valueBase64`). */
  value: string | null
  valueBase64: string
  bytes: number
  sequence: string
  /** Milliseconds since the epoch. */
  expiresAt: number
  /** Peers sent a query, and the hop of the peer that answered (0: this node held it). */
  queried: number
  hops: number
}

/** `POST /api/dht/provide` */
export interface DhtProvideAnswer {
  name: string
  cid: string
}

/** `GET /api/dht/providers` */
export interface DhtProvidersAnswer {
  name: string
  providers: Provider[]
}

/** `GET /api/dht/peer/<peer id>` */
export type DhtPeerAnswer = FoundPeer

export function putAnswer (name: string, value: Uint8Array, result: PutResult): DhtPutAnswer {
  return { name, key: result.key, sequence: result.sequence.toString(), bytes: value.byteLength, storedAt: result.storedAt }
}

export function recordAnswer (record: SignedRecordResult): DhtRecordAnswer {
  return {
    owner: record.owner,
    name: record.name,
    value: utf8OrNull(record.value),
    valueBase64: base64Of(record.value),
    bytes: record.value.byteLength,
    sequence: record.sequence.toString(),
    expiresAt: record.expiresAt,
    queried: record.queried,
    hops: record.hops
  }
}
