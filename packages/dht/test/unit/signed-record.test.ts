import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  recordRules, selectNewestSignedRecord, signRecord, signedRecordKey, verifySignedRecord
} from '../../src/index.js'
import { SignedRecord } from '../../src/wire/signed-record.js'

const NOW = 1_800_000_000_000
const LIMITS = { maxValueBytes: 1024, maxLifetimeMs: 48 * 3_600_000 }
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

async function signer () {
  const privateKey = await generateKeyPair('Ed25519')
  return { privateKey, id: peerIdFromPrivateKey(privateKey).toString() }
}

async function record (privateKey: Awaited<ReturnType<typeof signer>>['privateKey'], overrides: { name?: string, value?: string, sequence?: bigint, expiresAt?: number } = {}) {
  return await signRecord({
    privateKey,
    name: overrides.name ?? 'greeting',
    value: utf8(overrides.value ?? 'hello'),
    sequence: overrides.sequence ?? 1n,
    expiresAt: overrides.expiresAt ?? NOW + 60_000
  })
}

describe('signed mutable records', () => {
  it('round-trips: the key comes from the public key and the name', async () => {
    const { privateKey, id } = await signer()
    const { key, bytes } = await record(privateKey, { sequence: 7n })
    expect(new TextDecoder().decode(key)).toBe(`/mw-signed/${id}/greeting`)
    const view = await verifySignedRecord(key, bytes, NOW, LIMITS)
    expect(view).toMatchObject({ owner: id, name: 'greeting', sequence: 7n, expiresAt: NOW + 60_000 })
    expect(new TextDecoder().decode(view.value)).toBe('hello')
  })

  it('refuses a forged value (signature no longer verifies)', async () => {
    const { privateKey } = await signer()
    const { key, bytes } = await record(privateKey)
    const tampered = SignedRecord.encode({ ...SignedRecord.decode(bytes), value: utf8('evil') as Uint8Array<ArrayBuffer> })
    await expect(verifySignedRecord(key, tampered, NOW, LIMITS)).rejects.toMatchObject({ name: 'RecordSignatureError' })
  })

  it('refuses a raised sequence on a valid signature (replay with a new number)', async () => {
    const { privateKey } = await signer()
    const { key, bytes } = await record(privateKey)
    const bumped = SignedRecord.encode({ ...SignedRecord.decode(bytes), sequence: 99n })
    await expect(verifySignedRecord(key, bumped, NOW, LIMITS)).rejects.toMatchObject({ name: 'RecordSignatureError' })
  })

  it('refuses a record stored under someone else\'s key, or another name', async () => {
    const alice = await signer()
    const mallory = await signer()
    const { bytes } = await record(mallory.privateKey)
    await expect(verifySignedRecord(signedRecordKey(alice.id, 'greeting'), bytes, NOW, LIMITS)).rejects.toMatchObject({ name: 'RecordKeyMismatchError' })
    await expect(verifySignedRecord(signedRecordKey(mallory.id, 'other'), bytes, NOW, LIMITS)).rejects.toMatchObject({ name: 'RecordKeyMismatchError' })
    await expect(verifySignedRecord(new TextEncoder().encode('/mw-signed/not-a-peer/x'), bytes, NOW, LIMITS)).rejects.toMatchObject({ name: 'RecordKeyMismatchError' })
  })

  it('refuses an expired record and one that claims too long a life', async () => {
    const { privateKey } = await signer()
    const expired = await record(privateKey, { expiresAt: NOW - 1 })
    await expect(verifySignedRecord(expired.key, expired.bytes, NOW, LIMITS)).rejects.toMatchObject({ name: 'RecordExpiredError' })
    const forever = await record(privateKey, { expiresAt: NOW + LIMITS.maxLifetimeMs + 1 })
    await expect(verifySignedRecord(forever.key, forever.bytes, NOW, LIMITS)).rejects.toMatchObject({ name: 'RecordExpiredError' })
  })

  it('refuses an oversized value and bytes that are not a record', async () => {
    const { privateKey } = await signer()
    const big = await record(privateKey, { value: 'x'.repeat(LIMITS.maxValueBytes + 1) })
    await expect(verifySignedRecord(big.key, big.bytes, NOW, LIMITS)).rejects.toMatchObject({ name: 'RecordTooLargeError' })
    await expect(verifySignedRecord(big.key, new Uint8Array([0xff, 0xff, 0xff]), NOW, LIMITS)).rejects.toMatchObject({ name: 'MalformedRecordError' })
  })

  it('selects the newest: highest sequence, then latest expiry, the same choice in any order', async () => {
    const { privateKey } = await signer()
    const one = (await record(privateKey, { sequence: 1n })).bytes
    const three = (await record(privateKey, { sequence: 3n })).bytes
    const threeLater = (await record(privateKey, { sequence: 3n, expiresAt: NOW + 120_000 })).bytes
    const garbage = new Uint8Array([1, 2, 3])
    expect(selectNewestSignedRecord([one, three, garbage])).toBe(1)
    expect(selectNewestSignedRecord([three, threeLater, one])).toBe(1)
    expect(selectNewestSignedRecord([threeLater, three, one])).toBe(0)
  })

  it('the kad-dht validator refuses a record older than the one held, and reports every refusal', async () => {
    const { privateKey } = await signer()
    const newer = await record(privateKey, { sequence: 5n })
    const older = await record(privateKey, { sequence: 4n })
    const rejected: string[] = []
    const rules = recordRules({ ...LIMITS, now: () => NOW, held: async () => newer.bytes, rejected: (_key, error) => { rejected.push(error.name) } })
    const validate = rules.validators['mw-signed']
    await expect(Promise.resolve(validate(older.key, older.bytes))).rejects.toMatchObject({ name: 'StaleRecordError' })
    await expect(Promise.resolve(validate(newer.key, newer.bytes))).resolves.toBeUndefined()
    expect(rejected).toEqual(['StaleRecordError'])
  })
})
