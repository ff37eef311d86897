import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RaftStorageEngine } from '../../src/storage/level-raft-storage.js'
import { CRASH_ENTRY_BYTES } from '../fixtures/storage-crash-writer.js'
import { tempStoreDir } from '../fixtures/storage-helpers.js'

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..')
const GROUPS = 3
const ROUNDS = 4

interface Run {
  /** The highest acknowledged last index of each group. */
  readonly acked: Map<string, number>
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
}

/**
 * Runs the writer fixture from source (Node strips the types; the hook maps `.js` imports to
 * `.ts`) and SIGKILLs it `killAfterMs` after its first acknowledgement.
 */
async function runWriterAndKill (dir: string, killAfterMs: number): Promise<Run> {
  const child = spawn(process.execPath, [
    '--experimental-transform-types', '--no-warnings', '--conditions=@meshwork/source',
    '--import', './test/fixtures/storage-ts-hooks.ts', './test/fixtures/storage-crash-writer.ts', dir, String(GROUPS)
  ], { cwd: PACKAGE, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' }, timeout: 15_000 })
  const acked = new Map<string, number>()
  let stderr = ''
  let pending = ''
  let killTimer: NodeJS.Timeout | undefined
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const [group, index] = line.split(' ')
      if (index === undefined) continue
      acked.set(group, Math.max(acked.get(group) ?? 0, Number(index)))
      killTimer ??= setTimeout(() => { child.kill('SIGKILL') }, killAfterMs)
    }
  })
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (_code, signal) => { resolve(signal) })
  })
  clearTimeout(killTimer)
  return { acked, signal, stderr }
}

describe('durability across SIGKILL of a real process', () => {
  let dir: string
  let remove: () => Promise<void>
  beforeAll(async () => { ({ dir, remove } = await tempStoreDir('crash')) })
  afterAll(async () => { await remove() })

  it('keeps every acknowledged entry, and the store verifies, after each of several kills', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 32)
    const random = new SeededRandom(seed)
    const lastAcked = new Map<string, number>()
    for (let round = 1; round <= ROUNDS; round++) {
      const killAfterMs = 50 + random.int(500)
      const run = await runWriterAndKill(dir, killAfterMs)
      const context = `seed ${seed} (CRASH_SEED=${seed} to repeat), round ${round}, killed ${killAfterMs} ms after the first ack`
      expect({ context, signal: run.signal, stderr: run.stderr }).toEqual({ context, signal: 'SIGKILL', stderr: '' })
      expect(run.acked.size).toBe(GROUPS)

      const engine = await RaftStorageEngine.open(dir)
      try {
        expect((await engine.groups()).length).toBe(GROUPS)
        for (const [group, acked] of run.acked) {
          // load() verifies every record; then check what it holds against what was acknowledged
          const { log } = await engine.group(group).load()
          const lastIndex = log.lastIndex()
          expect({ context, group, acked, lastIndex, present: lastIndex >= acked }).toEqual({ context, group, acked, lastIndex, present: true })
          expect(acked).toBeGreaterThan(lastAcked.get(group) ?? 0)
          lastAcked.set(group, acked)
          const hardState = log.initialState().hardState
          expect(hardState.commit).toBeLessThanOrEqual(log.lastIndex())
          for (const entry of log.entries(log.firstIndex(), log.lastIndex() + 1)) {
            const view = new DataView(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength)
            expect([entry.data.length, view.getFloat64(0), view.getUint32(8)]).toEqual([CRASH_ENTRY_BYTES, entry.index, entry.term])
          }
        }
      } finally {
        await engine.close()
      }
    }
  }, 20_000)
})
