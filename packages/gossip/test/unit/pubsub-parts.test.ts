import { describe, expect, it } from '@jest/globals'
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { ReplayGuard } from '../../src/pubsub/replay-guard.js'
import { messageIdBytes, messageIdString, PublishedIds } from '../../src/pubsub/message-id.js'
import { resolvePubSubOptions } from '../../src/pubsub/options.js'
import { assertTopicName } from '../../src/pubsub/topic-name.js'
import { meshPubSub, withPubSub } from '../../src/pubsub/index.js'
import { fakePeer } from './pubsub-fakes.js'

describe('ReplayGuard', () => {
  const accept = (guard: ReplayGuard, origin: string, seqno: bigint): void => {
    guard.check(origin, seqno)
    guard.record(origin, seqno)
  }
  const errorName = (fn: () => void): string | undefined => {
    try { fn() } catch (err) { return (err as Error).name }
    return undefined
  }

  it('accepts growing and reordered numbers, refuses repeats and numbers behind the window', () => {
    const guard = new ReplayGuard(64, 10)
    for (const n of [100n, 102n, 101n, 150n, 120n]) accept(guard, 'a', n)
    for (const n of [100n, 101n, 150n, 120n]) expect(errorName(() => { guard.check('a', n) })).toBe('DuplicateMessageError')
    expect(errorName(() => { guard.check('a', 150n - 64n) })).toBe('StaleMessageError')
    expect(errorName(() => { guard.check('a', 103n) })).toBeUndefined()
    // another origin has its own window
    expect(errorName(() => { guard.check('b', 100n) })).toBeUndefined()
  })

  it('forgets what slides out of the window and survives a jump (an author restarting)', () => {
    const guard = new ReplayGuard(32, 10)
    accept(guard, 'a', 10n)
    accept(guard, 'a', 10n + 31n)
    expect(errorName(() => { guard.check('a', 10n) })).toBe('DuplicateMessageError')
    accept(guard, 'a', 10n + 32n)
    expect(errorName(() => { guard.check('a', 10n) })).toBe('StaleMessageError')
    const restart = 10n ** 18n
    accept(guard, 'a', restart)
    expect(errorName(() => { guard.check('a', restart - 1n) })).toBeUndefined()
    expect(errorName(() => { guard.check('a', restart) })).toBe('DuplicateMessageError')
  })

  it('tracks a bounded number of origins, least recently seen forgotten first', () => {
    const guard = new ReplayGuard(32, 2)
    accept(guard, 'a', 1n)
    accept(guard, 'b', 1n)
    accept(guard, 'a', 2n)
    accept(guard, 'c', 1n)
    expect(guard.trackedOrigins).toBe(2)
    expect(errorName(() => { guard.check('b', 1n) })).toBeUndefined()
    expect(errorName(() => { guard.check('a', 1n) })).toBe('DuplicateMessageError')
  })
})

describe('message ids', () => {
  it('are the author key then the 8-byte big-endian sequence number, as js gossipsub makes them', async () => {
    const author = await fakePeer()
    const message = { type: 'signed' as const, from: author.id, topic: 't', data: new Uint8Array(), sequenceNumber: 0x0102030405060708n, signature: new Uint8Array(), key: author.key.publicKey }
    const id = messageIdBytes(message)
    const key = publicKeyToProtobuf(author.key.publicKey)
    expect(Array.from(id.subarray(0, key.byteLength))).toEqual(Array.from(key))
    expect(Array.from(id.subarray(key.byteLength))).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    // unpadded base64, as gossipsub's default msgIdToStrFn (uint8arrays)
    expect(messageIdString(id)).toBe(Buffer.from(id).toString('base64').replace(/=+$/, ''))
    expect(() => messageIdBytes({ type: 'unsigned', topic: 't', data: new Uint8Array() })).toThrow(TypeError)
  })

  it('reach the publisher for the array it published, and only that one', async () => {
    const author = await fakePeer()
    const ids = new PublishedIds()
    const mine = new Uint8Array([1])
    const other = new Uint8Array([1])
    ids.expect(mine)
    const message = (data: Uint8Array): Parameters<typeof ids.msgIdFn>[0] => ({ type: 'signed', from: author.id, topic: 't', data, sequenceNumber: 5n, signature: new Uint8Array(), key: author.key.publicKey })
    ids.msgIdFn(message(other))
    expect(ids.take(other)).toBeUndefined()
    const bytes = ids.msgIdFn(message(mine))
    expect(ids.take(mine)).toBe(messageIdString(bytes))
    expect(ids.take(mine)).toBeUndefined()
  })
})

describe('pub/sub options', () => {
  it('resolves to gossipsub\'s mesh defaults and Meshwork\'s score settings', () => {
    const resolved = resolvePubSubOptions()
    expect(resolved).toMatchObject({ D: 6, Dlo: 4, Dhi: 12, Dout: 2, Dlazy: 6, heartbeatIntervalMs: 1000, floodPublish: true, replayWindow: 1024, maxInboundFrameBytes: 1024 * 1024 })
    expect(resolved.validation.maxMessageBytes).toBe(256 * 1024)
    expect(resolved.scoreThresholds).toMatchObject({ gossipThreshold: -10, publishThreshold: -50, graylistThreshold: -80 })
  })

  it.each([
    [{ D: 3 }, 'Dlo ≤ D ≤ Dhi'],
    [{ Dout: 4 }, 'Dout'],
    [{ heartbeatIntervalMs: 0 }, 'heartbeatIntervalMs'],
    [{ scoreThresholds: { graylistThreshold: 10 } }, 'scoreThresholds'],
    [{ scoreParams: { decayInterval: 10 } }, 'scoreParams'],
    [{ topicScoreParams: { invalidMessageDeliveriesWeight: 5 } }, 'topicScoreParams'],
    [{ validation: { maxMessageBytes: 2_000_000 }, maxInboundFrameBytes: 1_000_000 }, 'maxInboundFrameBytes'],
    [{ replayWindow: -1 }, 'replayWindow']
  ])('refuses %j naming the field', (options, field) => {
    expect(() => resolvePubSubOptions(options)).toThrow(expect.objectContaining({ name: 'InvalidConfigError', message: expect.stringContaining(field) }))
  })

  it('grows the frame limit with the message limit', () => {
    expect(resolvePubSubOptions({ validation: { maxMessageBytes: 2 * 1024 * 1024 } }).maxInboundFrameBytes).toBe(2 * 1024 * 1024 + 64 * 1024)
  })

  it('adds gossipsub and the service to a config, keeping what was there', () => {
    const other = meshPubSub()
    const config = withPubSub({ listen: ['/ip4/127.0.0.1/tcp/0'], libp2pServices: { x: () => 1 }, services: [other.service] })
    expect(Object.keys(config.libp2pServices ?? {})).toEqual(['x', 'gossipsub'])
    expect(config.services?.map(s => s.meta)).toEqual([
      { name: 'pubsub', needs: ['peerId', 'logger', 'metrics', 'clock', 'channels', 'signer'], provides: ['pubsub'] },
      { name: 'pubsub', needs: ['peerId', 'logger', 'metrics', 'clock', 'channels', 'signer'], provides: ['pubsub'] }
    ])
    expect(config.listen).toEqual(['/ip4/127.0.0.1/tcp/0'])
  })
})

describe('topic names', () => {
  it('accepts ordinary names up to 256 UTF-8 bytes and refuses the rest', () => {
    for (const ok of ['news', '/meshwork/chat/1', 'ünïcødé ✓', 'x'.repeat(256)]) expect(() => { assertTopicName(ok) }).not.toThrow()
    for (const bad of ['', 'x'.repeat(257), 'é'.repeat(129), 'a\uD800b', '\uDC00', 42, undefined]) {
      expect(() => { assertTopicName(bad) }).toThrow(expect.objectContaining({ name: 'TopicNameError' }))
    }
  })
})
