/**
 * Logs: pino, one JSON object per line by default, pretty lines (pino-pretty, in-process, no
 * worker thread) for a terminal. core-mesh and the plugins log through its `Logger` interface;
 * `toMeshLogger` adapts pino to it. Trace ids travel as a `traceId` child binding.
 */
import { randomBytes } from 'node:crypto'
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino'
import pretty from 'pino-pretty'
import type { LogFields, Logger } from '@meshwork/core-mesh'
import type { LogFormat, LogLevel } from './config/node-config.js'

export interface CreateLoggerOptions {
  format: LogFormat
  level: LogLevel
  /** A file descriptor or a Node writable stream; default 1 (stdout). */
  destination?: number | DestinationStream
  /** Bindings on every line. */
  base?: LogFields
  /** Pretty format only; default: colours when the destination is a terminal. */
  colorize?: boolean
}

export function createPinoLogger (options: CreateLoggerOptions): PinoLogger {
  const destination = options.destination ?? 1
  const loggerOptions = {
    level: options.level,
    base: { pid: process.pid, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) }
  }
  if (options.format === 'pretty') {
    const colorize = options.colorize ?? (typeof destination === 'number' && isTerminal(destination))
    return pino(loggerOptions, pretty({
      destination,
      colorize,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname'
    }))
  }
  // Synchronous writes: a line logged just before exit is not lost.
  return pino(loggerOptions, typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : destination)
}

/** Adapts a pino logger to core-mesh's `Logger`. */
export function toMeshLogger (logger: PinoLogger): Logger {
  return new PinoMeshLogger(logger)
}

export function createLogger (options: CreateLoggerOptions): Logger {
  return toMeshLogger(createPinoLogger(options))
}

/** 16 random bytes as 32 hex characters, the W3C trace-context size. */
export function newTraceId (): string {
  return randomBytes(16).toString('hex')
}

/** A child logger whose every line carries `traceId`. */
export function withTraceId (logger: Logger, traceId: string = newTraceId()): Logger {
  return logger.child({ traceId })
}

class PinoMeshLogger implements Logger {
  constructor (private readonly logger: PinoLogger) {}

  trace (fields: LogFields, message?: string): void {
    if (message === undefined) this.logger.trace(fields)
    else this.logger.trace(fields, message)
  }

  debug (fields: LogFields, message?: string): void {
    if (message === undefined) this.logger.debug(fields)
    else this.logger.debug(fields, message)
  }

  info (fields: LogFields, message?: string): void {
    if (message === undefined) this.logger.info(fields)
    else this.logger.info(fields, message)
  }

  warn (fields: LogFields, message?: string): void {
    if (message === undefined) this.logger.warn(fields)
    else this.logger.warn(fields, message)
  }

  error (fields: LogFields, message?: string): void {
    if (message === undefined) this.logger.error(fields)
    else this.logger.error(fields, message)
  }

  child (bindings: LogFields): Logger {
    return new PinoMeshLogger(this.logger.child(bindings))
  }
}

function isTerminal (fd: number): boolean {
  if (fd === 1) return process.stdout.isTTY === true
  if (fd === 2) return process.stderr.isTTY === true
  return false
}
