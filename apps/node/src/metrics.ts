/**
 * Metrics: a prom-client registry behind core-mesh's `Metrics` interface, plus Node's default
 * process metrics. Asking twice for a metric of the same name returns the same metric; asking
 * for it with another type or other label names is an error (it would corrupt the exposition).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type {
  Counter as MeshCounter, Gauge as MeshGauge, Histogram as MeshHistogram, MetricLabels, Metrics
} from '@meshwork/core-mesh'
import { MetricConflictError } from './errors.js'

export interface PromMetrics extends Metrics {
  readonly registry: Registry
  /** The Prometheus text exposition format's content type. */
  readonly contentType: string
  /** Every metric in the Prometheus text format. */
  render(): Promise<string>
}

export interface PromMetricsOptions {
  /** Add Node's process metrics (CPU, memory, event loop lag, GC, handles); default true. */
  defaultMetrics?: boolean
  /** Labels on every metric, e.g. `{ node: '<peer id>' }`. */
  defaultLabels?: MetricLabels
}

type Kind = 'counter' | 'gauge' | 'histogram'

interface Entry {
  kind: Kind
  labelNames: string
  adapter: MeshCounter | MeshGauge | MeshHistogram
}

export function createPromMetrics (options: PromMetricsOptions = {}): PromMetrics {
  return new PromClientMetrics(options)
}

class PromClientMetrics implements PromMetrics {
  readonly registry = new Registry()
  private readonly entries = new Map<string, Entry>()

  constructor (options: PromMetricsOptions) {
    if (options.defaultLabels !== undefined) this.registry.setDefaultLabels(options.defaultLabels)
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry })
  }

  get contentType (): string {
    return this.registry.contentType
  }

  async render (): Promise<string> {
    return await this.registry.metrics()
  }

  counter (name: string, help: string, labelNames: readonly string[] = []): MeshCounter {
    return this.entry(name, 'counter', labelNames, () => {
      const counter = new Counter({ name, help, labelNames, registers: [this.registry] })
      return {
        inc: (labels?: MetricLabels, value = 1) => {
          if (labels === undefined) counter.inc(value)
          else counter.inc(labels, value)
        }
      }
    }) as MeshCounter
  }

  gauge (name: string, help: string, labelNames: readonly string[] = []): MeshGauge {
    return this.entry(name, 'gauge', labelNames, () => {
      const gauge = new Gauge({ name, help, labelNames, registers: [this.registry] })
      return {
        set: (value: number, labels?: MetricLabels) => {
          if (labels === undefined) gauge.set(value)
          else gauge.set(labels, value)
        }
      }
    }) as MeshGauge
  }

  histogram (name: string, help: string, labelNames: readonly string[] = [], buckets?: readonly number[]): MeshHistogram {
    return this.entry(name, 'histogram', labelNames, () => {
      const histogram = new Histogram({
        name,
        help,
        labelNames,
        registers: [this.registry],
        ...(buckets === undefined ? {} : { buckets: [...buckets] })
      })
      return {
        observe: (value: number, labels?: MetricLabels) => {
          if (labels === undefined) histogram.observe(value)
          else histogram.observe(labels, value)
        }
      }
    }) as MeshHistogram
  }

  private entry (name: string, kind: Kind, labelNames: readonly string[], create: () => Entry['adapter']): Entry['adapter'] {
    const key = [...labelNames].sort().join(',')
    const existing = this.entries.get(name)
    if (existing !== undefined) {
      if (existing.kind !== kind || existing.labelNames !== key) {
        throw new MetricConflictError(`metric "${name}" exists as a ${existing.kind} with labels [${existing.labelNames}], not a ${kind} with labels [${key}]`)
      }
      return existing.adapter
    }
    if (this.registry.getSingleMetric(name) !== undefined) {
      throw new MetricConflictError(`metric "${name}" is already registered (a default process metric?)`)
    }
    const adapter = create()
    this.entries.set(name, { kind, labelNames: key, adapter })
    return adapter
  }
}
