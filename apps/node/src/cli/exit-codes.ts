export const EXIT_OK = 0
/** The command ran and failed: node unreachable, start failed, a stop error. */
export const EXIT_RUNTIME_ERROR = 1
/** The command line or the configuration is wrong. */
export const EXIT_USAGE_ERROR = 2

export type ExitCode = typeof EXIT_OK | typeof EXIT_RUNTIME_ERROR | typeof EXIT_USAGE_ERROR
