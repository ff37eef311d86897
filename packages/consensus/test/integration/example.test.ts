import { describe, expect, it } from '@jest/globals'
import { main } from '../../examples/standalone.js'

describe('the README example', () => {
  it('runs: a 3-voter control group, a read on a follower, one cas winner, a write after the leader stops', async () => {
    const lines: string[] = []
    const result = await main((line) => { lines.push(line) })
    expect(result.voters).toBe(3)
    expect(result.readOnFollower).toBe('hello, raft')
    expect(result.casSucceeded).toBe(true)
    expect(result.readAfterFailover).toBe('failover')
    expect(lines.some(l => l.startsWith('lock taken by '))).toBe(true)
  }, 60_000)
})
