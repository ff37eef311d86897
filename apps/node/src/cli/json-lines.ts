/**
 * Reads a stream of JSON lines (NDJSON) as it arrives: one parsed document per non-blank line
 * (blank lines are the server's keep-alives). A line that is not JSON is an AdminRequestError.
 */
import { AdminRequestError } from '../errors.js'

export async function * readJsonLines (body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder()
  let pending = ''
  const reader = body.getReader()
  try {
    while (true) {
      const { done, value } = await reader.read()
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true })
      const lines = pending.split('\n')
      pending = done ? '' : lines.pop() ?? ''
      for (const line of lines) {
        if (line.trim() === '') continue
        yield parseLine(line)
      }
      if (done) return
    }
  } finally {
    // The caller may stop early (`break`): let go of the stream so the connection closes.
    await reader.cancel().catch(() => {})
  }
}

function parseLine (line: string): unknown {
  try {
    return JSON.parse(line)
  } catch {
    throw new AdminRequestError(200, 'InvalidResponse', `a streamed line is not JSON: ${line.slice(0, 100)}`)
  }
}
