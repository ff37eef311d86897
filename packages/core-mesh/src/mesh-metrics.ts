import type { HealthStatus } from './interfaces/events.js'
import type { Counter, Gauge, Metrics } from './interfaces/observability.js'
import type { PeerRecord } from './interfaces/peer.js'

const HEALTH_VALUE: Record<HealthStatus, number> = { HEALTHY: 0, DEGRADED: 1, CRITICAL: 2 }

/** The node's own metrics, named once here. */
export class MeshMetrics {
  private readonly framesIn: Counter
  private readonly framesOut: Counter
  private readonly bytesIn: Counter
  private readonly bytesOut: Counter
  private readonly violations: Counter
  private readonly peersByStatus: Gauge
  private readonly healthGauge: Gauge

  constructor (metrics: Metrics) {
    this.framesIn = metrics.counter('meshwork_frames_in_total', 'Frames received on channels')
    this.framesOut = metrics.counter('meshwork_frames_out_total', 'Frames sent on channels')
    this.bytesIn = metrics.counter('meshwork_bytes_in_total', 'Payload bytes received on channels')
    this.bytesOut = metrics.counter('meshwork_bytes_out_total', 'Payload bytes sent on channels')
    this.violations = metrics.counter('meshwork_protocol_violations_total', 'Protocol violations by peers', ['protocol', 'error'])
    this.peersByStatus = metrics.gauge('meshwork_peers', 'Known peers by status', ['status'])
    this.healthGauge = metrics.gauge('meshwork_health', 'Health: 0 HEALTHY, 1 DEGRADED, 2 CRITICAL')
  }

  frameIn (bytes: number): void {
    this.framesIn.inc()
    this.bytesIn.inc(undefined, bytes)
  }

  frameOut (bytes: number): void {
    this.framesOut.inc()
    this.bytesOut.inc(undefined, bytes)
  }

  violation (protocol: string, error: string): void {
    this.violations.inc({ protocol, error })
  }

  peers (peers: PeerRecord[]): void {
    const counts: Record<string, number> = { known: 0, connected: 0, unreachable: 0, left: 0 }
    for (const peer of peers) counts[peer.status]++
    for (const [status, count] of Object.entries(counts)) this.peersByStatus.set(count, { status })
  }

  health (status: HealthStatus): void {
    this.healthGauge.set(HEALTH_VALUE[status])
  }
}
