import { describe, expect, it } from '@jest/globals'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PubSubMessage } from '@meshwork/core-mesh'
import { GossipsubBinding } from '../../src/pubsub/gossipsub-binding.js'
import type { DroppedMessage } from '../../src/pubsub/index.js'
import { fakePeer, harness, utf8 } from './pubsub-fakes.js'

describe('GossipPubSub on a stub gossipsub', () => {
  it('joins a topic on the first handler and leaves it with the last', async () => {
    const { pubsub, gossipsub } = await harness()
    const offA = pubsub.subscribe('t', () => {})
    const offB = pubsub.subscribe('t', () => {})
    expect(gossipsub.calls).toEqual(['subscribe t'])
    expect(gossipsub.topicValidators.has('t')).toBe(true)
    expect(gossipsub.score.params.topics.t).toMatchObject({ invalidMessageDeliveriesWeight: -10 })
    offA()
    offA()
    expect(gossipsub.calls).toEqual(['subscribe t'])
    expect(pubsub.topics()).toEqual(['t'])
    offB()
    expect(gossipsub.calls).toEqual(['subscribe t', 'unsubscribe t'])
    expect(pubsub.topics()).toEqual([])
    expect(gossipsub.topicValidators.has('t')).toBe(false)
  })

  it('calls handlers in subscription order, and one that throws does not stop the others', async () => {
    const { pubsub, gossipsub } = await harness()
    const calls: string[] = []
    pubsub.subscribe('t', () => { calls.push('first') })
    pubsub.subscribe('t', () => { throw new Error('handler bug') })
    pubsub.subscribe('t', (m) => { calls.push(`third ${new TextDecoder().decode(m.data)}`) })
    const [origin, relay] = [await fakePeer(), await fakePeer()]
    await gossipsub.deliver(relay, gossipsub.message('t', utf8('x'), origin))
    expect(calls).toEqual(['first', 'third x'])
  })

  it('gives handlers the author, the neighbour and the id', async () => {
    const { pubsub, gossipsub } = await harness()
    const got: PubSubMessage[] = []
    pubsub.subscribe('t', (m) => { got.push(m) })
    const [origin, relay] = [await fakePeer(), await fakePeer()]
    await gossipsub.deliver(relay, gossipsub.message('t', utf8('x'), origin, 7n))
    expect(got).toEqual([{ topic: 't', origin: origin.toString(), from: relay.toString(), id: 'id-7', data: utf8('x') }])
  })

  it('maps validation failures to gossipsub verdicts, charging only penalising ones', async () => {
    const known = await fakePeer()
    const stranger = await fakePeer()
    const { pubsub, gossipsub, violations, self } = await harness({
      validation: { maxMessageBytes: 8, originRatePerSecond: 1, originBurst: 2 },
      isKnownSender: (origin) => origin !== stranger.toString()
    })
    const dropped: DroppedMessage[] = []
    pubsub.addEventListener('message:dropped', (e) => { dropped.push(e.detail) })
    pubsub.subscribe('t', () => {})
    const relay = await fakePeer()

    expect(await gossipsub.deliver(relay, gossipsub.message('t', new Uint8Array(9), known))).toBe(TopicValidatorResult.Reject)
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('hi'), stranger))).toBe(TopicValidatorResult.Ignore)
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('hi'), self))).toBe(TopicValidatorResult.Ignore)
    // rate: a burst of two, then over the limit; a relay is not charged for the author's rate
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('1'), known))).toBe(TopicValidatorResult.Accept)
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('2'), known))).toBe(TopicValidatorResult.Accept)
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('3'), known))).toBe(TopicValidatorResult.Ignore)
    // … but the author is, when it sends the copy itself
    expect(await gossipsub.deliver(known, gossipsub.message('t', utf8('4'), known))).toBe(TopicValidatorResult.Reject)

    expect(dropped.map(d => [d.verdict, d.error.name])).toEqual([
      ['reject', 'MessageTooLargeError'],
      ['ignore', 'UnknownSenderError'],
      ['ignore', 'SelfOriginError'],
      ['ignore', 'OriginRateLimitedError'],
      ['reject', 'OriginRateLimitedError']
    ])
    expect(violations.map(v => [v.peer, v.protocol, v.error.name])).toEqual([
      [relay.toString(), '/meshsub/1.2.0', 'MessageTooLargeError'],
      [known.toString(), '/meshsub/1.2.0', 'OriginRateLimitedError']
    ])
    expect(pubsub.reputation.score(relay.toString())).toBeLessThan(0)
    expect(pubsub.appSpecificScore(relay.toString())).toBe(pubsub.reputation.score(relay.toString()))
  })

  it('ignores everything from a peer its reputation graylists, and feeds gossipsub a negative P5 only', async () => {
    const { pubsub, gossipsub } = await harness({ validation: { maxMessageBytes: 1 } })
    pubsub.subscribe('t', () => {})
    const [bad, good, origin] = [await fakePeer(), await fakePeer(), await fakePeer()]
    for (let i = 0; i < 5; i++) await gossipsub.deliver(bad, gossipsub.message('t', new Uint8Array(2), origin))
    expect(pubsub.reputation.isGraylisted(bad.toString())).toBe(true)
    const dropped: DroppedMessage[] = []
    pubsub.addEventListener('message:dropped', (e) => { dropped.push(e.detail) })
    expect(await gossipsub.deliver(bad, gossipsub.message('t', new Uint8Array(1), origin))).toBe(TopicValidatorResult.Ignore)
    expect(dropped[0].error.name).toBe('GraylistedPeerError')
    expect(pubsub.appSpecificScore(bad.toString())).toBeLessThanOrEqual(-50)
    await gossipsub.deliver(good, gossipsub.message('t', new Uint8Array(1), origin))
    expect(pubsub.reputation.score(good.toString())).toBeGreaterThan(0)
    expect(pubsub.appSpecificScore(good.toString())).toBe(0)
  })

  it('runs addValidator validators in order after the pipeline: reject charges, ignore and throw do not', async () => {
    const { pubsub, gossipsub, violations } = await harness()
    const seen: string[] = []
    pubsub.subscribe('t', () => {})
    const verdicts = new Map([['r', 'reject'], ['i', 'ignore']])
    const remove = pubsub.addValidator('t', (m) => {
      const word = new TextDecoder().decode(m.data)
      seen.push(`one ${word}`)
      if (word === 'boom') throw new Error('validator bug')
      return (verdicts.get(word) ?? 'accept') as 'accept'
    })
    pubsub.addValidator('t', (m) => { seen.push(`two ${new TextDecoder().decode(m.data)}`); return 'accept' })
    const [origin, relay] = [await fakePeer(), await fakePeer()]
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('ok'), origin))).toBe(TopicValidatorResult.Accept)
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('r'), origin))).toBe(TopicValidatorResult.Reject)
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('i'), origin))).toBe(TopicValidatorResult.Ignore)
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('boom'), origin))).toBe(TopicValidatorResult.Ignore)
    expect(seen).toEqual(['one ok', 'two ok', 'one r', 'one i', 'one boom'])
    expect(violations.map(v => v.error.name)).toEqual(['MessageRejectedError'])
    remove()
    expect(await gossipsub.deliver(relay, gossipsub.message('t', utf8('r'), origin))).toBe(TopicValidatorResult.Accept)
  })

  it('keeps validators of topics it does not read installed, and only those', async () => {
    const { pubsub, gossipsub } = await harness()
    const remove = pubsub.addValidator('relay-only', () => 'accept')
    expect(gossipsub.topicValidators.has('relay-only')).toBe(true)
    remove()
    expect(gossipsub.topicValidators.has('relay-only')).toBe(false)
  })

  it('refuses replays the seen cache no longer remembers', async () => {
    const { pubsub, gossipsub } = await harness()
    pubsub.subscribe('t', () => {})
    const [origin, relay] = [await fakePeer(), await fakePeer()]
    const message = gossipsub.message('t', utf8('once'), origin, 1000n)
    expect(await gossipsub.deliver(relay, message)).toBe(TopicValidatorResult.Accept)
    expect(await gossipsub.deliver(relay, message)).toBe(TopicValidatorResult.Ignore)
    const off = await harness({ replayWindow: false })
    off.pubsub.subscribe('t', () => {})
    expect(await off.gossipsub.deliver(relay, message)).toBe(TopicValidatorResult.Accept)
    expect(await off.gossipsub.deliver(relay, message)).toBe(TopicValidatorResult.Accept)
  })

  it('reports messages gossipsub refused for their signature as violations', async () => {
    const { gossipsub, violations } = await harness()
    const forger = await fakePeer()
    gossipsub.score.rejectInvalidMessage(forger.toString(), 't')
    expect(violations.map(v => [v.peer, v.error.name])).toEqual([[forger.toString(), 'InvalidSignatureError']])
  })

  it('publishes with the id gossipsub computed, and types its refusals', async () => {
    const { pubsub, gossipsub } = await harness({ validation: { maxMessageBytes: 4, originRatePerSecond: 1, originBurst: 3 } })
    const peer = await fakePeer()
    gossipsub.publishImpl = async () => ({ recipients: [peer.id] })
    const result = await pubsub.publish('t', utf8('hi'))
    expect(result.recipients).toEqual([peer.toString()])
    expect(result.id).toMatch(/^[A-Za-z0-9+/]+$/)

    await expect(pubsub.publish('t', utf8('12345'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' })
    gossipsub.publishImpl = async () => { throw new Error('PublishError.NoPeersSubscribedToTopic') }
    await expect(pubsub.publish('t', utf8('a'))).rejects.toMatchObject({ name: 'NoSubscribersError', topic: 't' })
    gossipsub.publishImpl = async () => ({ recipients: [] })
    await expect(pubsub.publish('t', utf8('a'))).rejects.toMatchObject({ name: 'NoSubscribersError' })
    // the burst of three is spent: this node would be over the rate its peers enforce
    await expect(pubsub.publish('t', utf8('a'))).rejects.toMatchObject({ name: 'PublishRateLimitedError' })
  })

  it('maps other gossipsub refusals to PublishFailedError', async () => {
    const { pubsub, gossipsub } = await harness()
    gossipsub.publishImpl = async () => { throw new Error('PublishError.Duplicate') }
    await expect(pubsub.publish('t', utf8('a'))).rejects.toMatchObject({ name: 'PublishFailedError', cause: { message: 'PublishError.Duplicate' } })
  })

  it('stops waiting for a publish when the signal aborts', async () => {
    const { pubsub, gossipsub } = await harness()
    gossipsub.publishImpl = async () => await new Promise(() => {})
    const controller = new AbortController()
    const pending = pubsub.publish('t', utf8('a'), { signal: controller.signal })
    controller.abort(new Error('changed my mind'))
    await expect(pending).rejects.toThrow('changed my mind')
  })

  it('stops: leaves its topics, removes its validators, and refuses new work', async () => {
    const { pubsub, gossipsub } = await harness()
    pubsub.subscribe('a', () => {})
    pubsub.addValidator('b', () => 'accept')
    await pubsub.stop()
    await pubsub.stop()
    expect(gossipsub.calls).toEqual(['subscribe a', 'unsubscribe a'])
    expect(gossipsub.topicValidators.size).toBe(0)
    expect(pubsub.topics()).toEqual([])
    expect(pubsub.subscribers('a')).toEqual([])
    expect(() => pubsub.subscribe('a', () => {})).toThrow(expect.objectContaining({ name: 'NotStartedError' }))
    // validators outlive a stop and are back after a start
    await pubsub.start()
    expect(gossipsub.topicValidators.has('b')).toBe(true)
  })

  it('refuses topics outside allowedTopics, which gossipsub would drop', async () => {
    const { pubsub } = await harness({ allowedTopics: ['a'] })
    expect(() => pubsub.subscribe('b', () => {})).toThrow(expect.objectContaining({ name: 'TopicNameError' }))
    await expect(pubsub.publish('b', utf8('x'))).rejects.toMatchObject({ name: 'TopicNameError' })
    expect(() => pubsub.subscribe('a', () => {})).not.toThrow()
  })

  it('names the missing libp2p half', async () => {
    expect(() => new GossipsubBinding().require()).toThrow(expect.objectContaining({ name: 'NotStartedError', message: expect.stringContaining('libp2pServices') }))
    const binding = new GossipsubBinding()
    const { gossipsub } = await harness()
    binding.attach(gossipsub as never)
    expect(() => { binding.attach(gossipsub as never) }).toThrow(expect.objectContaining({ name: 'ServiceConfigurationError' }))
  })
})
