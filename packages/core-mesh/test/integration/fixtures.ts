import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMeshNode, type MeshNode } from '../../src/index.js'
import type { MeshConfig } from '../../src/config.js'

/** Real TCP + Noise + Yamux nodes on loopback, stopped by `stopAll`. */
export class NodeFixture {
  private readonly nodes: MeshNode[] = []
  private readonly dirs: string[] = []

  async node (config: MeshConfig = {}): Promise<MeshNode> {
    const node = await createMeshNode({ heartbeat: { intervalMs: 200, timeoutMs: 200 }, reconnect: { initialDelayMs: 100, maxDelayMs: 500 }, ...config })
    await node.start()
    this.nodes.push(node)
    return node
  }

  async dataDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'meshwork-test-'))
    this.dirs.push(dir)
    return dir
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.nodes.splice(0).map(async n => { await n.stop() }))
    await Promise.all(this.dirs.splice(0).map(async d => { await rm(d, { recursive: true, force: true }) }))
  }
}

export { eventually } from '../../src/testkit/index.js'

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
