import { afterAll, describe, expect, it } from '@jest/globals'
import { peerIdFromString } from '@libp2p/peer-id'
import { NodeFixture } from './fixtures.js'
import { PING_MAX_OUTBOUND_STREAMS } from '../../src/index.js'

describe('libp2p ping next to the link monitor', () => {
  const fixture = new NodeFixture()
  afterAll(async () => { await fixture.stopAll() })

  it('several pings to one peer at once all succeed (another service pinging does not cost a heartbeat)', async () => {
    const a = await fixture.node({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    const b = await fixture.node({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: a.addresses() })
    const ping = b.libp2pNode.services.ping
    const results = await Promise.allSettled(Array.from({ length: PING_MAX_OUTBOUND_STREAMS }, async () => await ping.ping(peerIdFromString(a.peerId))))
    expect(results.map(r => r.status)).toEqual(results.map(() => 'fulfilled'))
  }, 20_000)
})
