import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMeshNode, type Counter, type Gauge, type Histogram, type MeshNode, type MetricLabels, type Metrics } from '@meshwork/core-mesh'
import { withConsensus, type MeshConsensusOptions } from '../../src/create-consensus.js'
import { CONSENSUS_SERVICE } from '../../src/service/consensus-api.js'
import type { ConsensusNode } from '../../src/service/consensus-node.js'

export { eventually } from '@meshwork/core-mesh/testkit'

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
export const text = (bytes: Uint8Array | undefined): string | undefined => bytes === undefined ? undefined : new TextDecoder().decode(bytes)

/** Metrics kept in maps, keyed `name:first label value`, to read back in tests. */
export class RecordingMetrics implements Metrics {
  readonly gauges = new Map<string, number>()
  readonly counters = new Map<string, number>()
  counter (name: string): Counter {
    return { inc: (labels, value = 1) => { const key = keyOf(name, labels); this.counters.set(key, (this.counters.get(key) ?? 0) + value) } }
  }

  gauge (name: string): Gauge {
    return { set: (value, labels) => { this.gauges.set(keyOf(name, labels), value) } }
  }

  histogram (): Histogram {
    return { observe: () => {} }
  }
}

function keyOf (name: string, labels: MetricLabels | undefined): string {
  const first = labels === undefined ? undefined : Object.values(labels)[0]
  return first === undefined ? name : `${name}:${first}`
}

export interface ConsensusMember {
  metrics: RecordingMetrics
  node: MeshNode
  consensus: ConsensusNode
  id: string
  address: string
  dataDir: string
}

/**
 * Real mesh nodes (TCP + Noise + Yamux on loopback) running the consensus service on LevelDB
 * in a temporary directory. Mesh heartbeats are slowed: the CPU is shared with other test files.
 */
export class ConsensusFixture {
  readonly members: ConsensusMember[] = []
  private root: string | undefined

  /** A member keeping its identity and Raft state in `dataDir` (a new directory unless given: pass one to restart a member). */
  async member (name: string, bootstrap: string[], options: Partial<MeshConsensusOptions> = {}, existingDataDir?: string): Promise<ConsensusMember> {
    this.root ??= await mkdtemp(join(tmpdir(), 'meshwork-consensus-it-'))
    const dataDir = existingDataDir ?? join(this.root, name)
    const metrics = new RecordingMetrics()
    const node = await createMeshNode(withConsensus({
      metrics,
      dataDir: join(dataDir, 'mesh'),
      transport: 'tcp',
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap,
      heartbeat: { intervalMs: 5_000, timeoutMs: 5_000 },
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 }
    }, { dataDir, bootstrap: bootstrap.length === 0 ? 'seed' : 'join', tickMs: 25, electionTicks: 10, ...options }))
    await node.start()
    const consensus = node.service<ConsensusNode>(CONSENSUS_SERVICE)
    if (consensus === undefined) throw new Error('no consensus service')
    const member = { metrics, node, consensus, id: node.peerId, address: node.addresses()[0], dataDir }
    this.members.push(member)
    return member
  }

  /** A seed and `count - 1` joiners, ready with `count` voters. */
  async cluster (count: number): Promise<ConsensusMember[]> {
    const seed = await this.member('m0', [])
    for (let i = 1; i < count; i++) await this.member(`m${i}`, [seed.address])
    return this.members.slice(0, count)
  }

  leaderOf (members: ConsensusMember[]): ConsensusMember | undefined {
    return members.find(m => m.consensus.status().groups[0]?.role === 'leader')
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.members.splice(0).map(async m => { await m.node.stop() }))
    if (this.root !== undefined) await rm(this.root, { recursive: true, force: true })
    this.root = undefined
  }
}
