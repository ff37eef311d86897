/**
 * Logs and metrics reach the host through these interfaces: no Meshwork package prints to
 * the console. The shapes match pino (logger) and a Prometheus client (metrics), so the
 * host adapts them in a few lines; the defaults discard everything.
 */

export type LogFields = Record<string, unknown>

export interface Logger {
  trace(fields: LogFields, message?: string): void
  debug(fields: LogFields, message?: string): void
  info(fields: LogFields, message?: string): void
  warn(fields: LogFields, message?: string): void
  error(fields: LogFields, message?: string): void
  /** A logger that adds `bindings` to every line (component name, peer id, trace id). */
  child(bindings: LogFields): Logger
}

export type MetricLabels = Record<string, string>

export interface Counter {
  inc(labels?: MetricLabels, value?: number): void
}

export interface Gauge {
  set(value: number, labels?: MetricLabels): void
}

export interface Histogram {
  observe(value: number, labels?: MetricLabels): void
}

/**
 * Creates named metrics. Calling a method twice with the same name returns the same metric.
 * Names are snake_case and prefixed `meshwork_` by convention.
 */
export interface Metrics {
  counter(name: string, help: string, labelNames?: readonly string[]): Counter
  gauge(name: string, help: string, labelNames?: readonly string[]): Gauge
  histogram(name: string, help: string, labelNames?: readonly string[], buckets?: readonly number[]): Histogram
}
