/**
 * The errors the reference node raises, beside core-mesh's own (`InvalidConfigError`, …).
 * Match on `err.name`, never on the message.
 */
import { MeshError } from '@meshwork/core-mesh'

/** The command line is wrong: unknown command or flag, missing or extra argument. Exit code 2. */
export class UsageError extends MeshError {}

/** The admin API was asked to listen on an address other than loopback. */
export class AdminHostNotLoopbackError extends MeshError {
  constructor (readonly host: string) {
    super(`the admin API listens on loopback only (127.0.0.1, ::1 or localhost), not on "${host}"`)
  }
}

/** A client command found no admin token in flags, environment or the data directory. */
export class AdminTokenMissingError extends MeshError {}

/** The admin API could not be reached (not running, wrong port, timeout). */
export class AdminUnreachableError extends MeshError {
  constructor (readonly url: string, options?: ErrorOptions) {
    super(`cannot reach the admin API at ${url}; is a node running (meshwork start)?`, options)
  }
}

/** The admin API answered with an error; `remoteName` is the error name it reported. */
export class AdminRequestError extends MeshError {
  constructor (readonly status: number, readonly remoteName: string, message: string) {
    super(`admin API answered ${status} ${remoteName}: ${message}`)
  }
}

/** `meshwork health` found the node CRITICAL or its membership PARTITIONED (exit code 1). */
export class NodeUnhealthyError extends MeshError {}

/** `meshwork kv cas` found another value than the expected one, and wrote nothing (exit code 3). */
export class CompareAndSetFailedError extends MeshError {
  constructor (readonly key: string, message: string) {
    super(message)
  }
}

/** The node closed a `meshwork subscribe` stream (it stopped, or the connection broke) before the command was done. */
export class SubscriptionEndedError extends MeshError {
  constructor (readonly topic: string, readonly received: number, options?: ErrorOptions) {
    super(`the subscription to "${topic}" ended after ${received} message${received === 1 ? '' : 's'}: the node stopped or the connection broke`, options)
  }
}

/** A plugin module could not be imported or does not export a service factory. */
export class PluginLoadError extends MeshError {
  constructor (readonly specifier: string, reason: string, options?: ErrorOptions) {
    super(`plugin "${specifier}": ${reason}`, options)
  }
}

/** A metric name was registered twice with a different type or label names. */
export class MetricConflictError extends MeshError {}

/** This build of the CLI has no mesh node factory wired in. */
export class NodeUnavailableError extends MeshError {}
