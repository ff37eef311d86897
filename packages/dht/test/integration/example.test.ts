import { describe, expect, it } from '@jest/globals'
import { main } from '../../examples/standalone.js'

describe('the README example', () => {
  it('runs: put and get a signed record, provide and find providers, find a peer', async () => {
    const lines: string[] = []
    const result = await main((line) => { lines.push(line) })
    expect(result.record).toBe('online')
    expect(result.sequence).toBe(1n)
    expect(result.providers).toHaveLength(1)
    expect(result.foundAddresses.length).toBeGreaterThan(0)
    expect(lines.some(l => l.startsWith('bob read "online"'))).toBe(true)
  }, 30_000)
})
