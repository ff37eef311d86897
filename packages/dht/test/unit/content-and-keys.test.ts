import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  commonPrefixLength, compareDistance, contentCid, contentRecordKey, parseContentRecordKey, parseSignedRecordKey,
  serviceCid, signedRecordKey, verifyContentRecord, xorDistance
} from '../../src/index.js'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('content-addressed records', () => {
  it('accept exactly the bytes that hash to the key', async () => {
    const key = contentRecordKey(await contentCid(utf8('abc')))
    await expect(verifyContentRecord(key, utf8('abc'), 100)).resolves.toBeUndefined()
    await expect(verifyContentRecord(key, utf8('abd'), 100)).rejects.toMatchObject({ name: 'RecordKeyMismatchError' })
    await expect(verifyContentRecord(utf8('/mw-content/not-a-cid'), utf8('abc'), 100)).rejects.toMatchObject({ name: 'RecordKeyMismatchError' })
    await expect(verifyContentRecord(key, utf8('abc'), 2)).rejects.toMatchObject({ name: 'RecordTooLargeError' })
  })

  it('refuse CIDs that are not CIDv1 raw sha2-256', () => {
    // a CIDv0 (dag-pb) is a valid CID but not a content key
    expect(() => parseContentRecordKey(utf8('/mw-content/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG'))).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
  })
})

describe('keys', () => {
  it('build and parse signed-record keys, and refuse bad names and owners', async () => {
    const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    expect(parseSignedRecordKey(signedRecordKey(id, 'a/b.c'))).toEqual({ owner: id, name: 'a/b.c' })
    expect(() => signedRecordKey(id, 'has space')).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
    expect(() => signedRecordKey(id, '')).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
    expect(() => signedRecordKey('not-a-peer', 'x')).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
    expect(() => parseSignedRecordKey(new Uint8Array([0xff, 0xfe]))).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
  })

  it('derive one CID per service name', async () => {
    expect((await serviceCid('search')).toString()).toBe((await serviceCid('search')).toString())
    expect((await serviceCid('search')).toString()).not.toBe((await serviceCid('store')).toString())
  })
})

describe('XOR distance', () => {
  it('is symmetric, zero to itself, and orders by closeness', () => {
    const a = new Uint8Array([0b1010_0000, 0])
    const b = new Uint8Array([0b1000_0000, 0])
    const c = new Uint8Array([0b0000_0000, 1])
    expect(xorDistance(a, b)).toEqual(xorDistance(b, a))
    expect(xorDistance(a, a)).toEqual(new Uint8Array(2))
    expect(compareDistance(a, b, c)).toBeLessThan(0)
    expect(compareDistance(a, c, b)).toBeGreaterThan(0)
    expect(compareDistance(a, b, b)).toBe(0)
    expect(() => xorDistance(a, new Uint8Array(3))).toThrow(RangeError)
  })

  it('counts common prefix bits', () => {
    expect(commonPrefixLength(new Uint8Array([0xff]), new Uint8Array([0x7f]))).toBe(0)
    expect(commonPrefixLength(new Uint8Array([0xff, 0x00]), new Uint8Array([0xff, 0x01]))).toBe(15)
    expect(commonPrefixLength(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(16)
  })
})
