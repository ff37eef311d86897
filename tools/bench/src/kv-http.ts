import { Agent, request } from 'node:http'
import type { KvCluster, KvMember, KvWrite } from './kv-cluster.js'

export interface KvResponse {
  status: number
  body: string
}

export const isAcknowledged = (response: KvResponse): boolean => response.status >= 200 && response.status < 300

/** What went wrong, as a short label to count: `HTTP 503`, `timeout`, `ECONNREFUSED`. */
export function failureKind (outcome: unknown): string {
  if (typeof outcome === 'object' && outcome !== null && 'status' in outcome && typeof outcome.status === 'number') return `HTTP ${outcome.status}`
  if (outcome instanceof Error) return (outcome as NodeJS.ErrnoException).code ?? outcome.name
  return String(outcome)
}

class RequestTimeoutError extends Error {
  override readonly name = 'timeout'
}

/**
 * HTTP/1.1 with keep-alive to every member, the same for both sides: one `http.Agent` with
 * `socketsPerMember` sockets to each host:port, so that every concurrent client has its own
 * connection and none waits for a socket.
 */
export class KvHttpClient {
  private readonly agent: Agent

  constructor (socketsPerMember: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: socketsPerMember, maxFreeSockets: socketsPerMember })
  }

  /** Send `write` to `member`; rejects on a network error, after `timeoutMs`, or when `signal` aborts. */
  async send (member: KvMember, write: KvWrite, timeoutMs: number, signal?: AbortSignal): Promise<KvResponse> {
    return await this.call(member, write.method, write.path, write.body, timeoutMs, signal)
  }

  /** A JSON request (`body` undefined: none) whose answer the caller parses. */
  async call (member: KvMember, method: string, path: string, body: Buffer | undefined, timeoutMs: number, signal?: AbortSignal): Promise<KvResponse> {
    return await new Promise<KvResponse>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...member.headers }
      if (body !== undefined) {
        headers['content-type'] = 'application/json'
        headers['content-length'] = body.length
      }
      const req = request({ agent: this.agent, host: member.host, port: member.port, method, path, headers, signal }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => { chunks.push(chunk) })
        res.once('end', () => {
          clearTimeout(timer)
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
        })
        res.once('error', (err) => { clearTimeout(timer); reject(err) })
      })
      const timer = setTimeout(() => { req.destroy(new RequestTimeoutError(`no answer within ${timeoutMs} ms`)) }, timeoutMs)
      req.once('error', (err) => { clearTimeout(timer); reject(err) })
      req.end(body)
    })
  }

  /** Close every socket. */
  close (): void {
    this.agent.destroy()
  }
}

/** Whether one write through each running member of `cluster` is acknowledged within `timeoutMs` each. */
export async function writesThroughEveryMember (cluster: KvCluster, client: KvHttpClient, timeoutMs: number): Promise<boolean> {
  for (let i = 0; i < cluster.size; i++) {
    if (!cluster.running(i)) continue
    try {
      const response = await client.send(cluster.member(i), cluster.encodeWrite('bench/ready', String(i)), timeoutMs)
      if (!isAcknowledged(response)) return false
    } catch {
      return false
    }
  }
  return true
}
