export const EXIT_OK = 0
/** The command ran and failed: node unreachable, start failed, a stop error. */
export const EXIT_RUNTIME_ERROR = 1
/** The command line or the configuration is wrong. */
export const EXIT_USAGE_ERROR = 2
/**
 * The command ran, and the condition it was to check did not hold: `kv cas` found another value
 * than the expected one. Nothing failed; a script may read the value again and retry.
 */
export const EXIT_CONDITION_FAILED = 3

export type ExitCode = typeof EXIT_OK | typeof EXIT_RUNTIME_ERROR | typeof EXIT_USAGE_ERROR | typeof EXIT_CONDITION_FAILED
