import type { Counter, Gauge, Histogram, Logger, Metrics } from './interfaces/observability.js'

/** The default logger: discards everything (a library never prints). */
export const silentLogger: Logger = {
  trace () {},
  debug () {},
  info () {},
  warn () {},
  error () {},
  child () { return silentLogger }
}

const noopMetric: Counter & Gauge & Histogram = { inc () {}, set () {}, observe () {} }

/** The default metrics sink: discards everything. */
export const noopMetrics: Metrics = {
  counter: () => noopMetric,
  gauge: () => noopMetric,
  histogram: () => noopMetric
}
