/** Where commands print: stdout and stderr in the binary, arrays in tests. */
export interface CliIo {
  /** Writes one line (a newline is added) to standard output. */
  out(line: string): void
  /** Writes one line to standard error. */
  err(line: string): void
}
