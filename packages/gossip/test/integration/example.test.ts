import { describe, expect, it } from '@jest/globals'
import { main } from '../../examples/standalone.js'

describe('the README example', () => {
  it('runs: members with metadata, a Plumtree broadcast, a pub/sub topic', async () => {
    const lines: string[] = []
    const result = await main((line) => { lines.push(line) })
    expect(result.members.map(m => m.state)).toEqual(['alive', 'alive', 'alive'])
    expect(result.members.map(m => m.roles[0]).sort()).toEqual(['alice', 'bob', 'carol'])
    expect(result.broadcastReceivedBy).toBe(2)
    expect(result.topicMessage).toBe('gossip works')
    expect(lines.some(l => l.startsWith('bob read "gossip works"'))).toBe(true)
  }, 40_000)
})
