/** Reading bounded request bodies and writing JSON answers, for the admin and metrics servers. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { InvalidJsonError, MethodNotAllowedError, PayloadTooLargeError, errorDetails, errorMessage, errorName, statusOf } from './http-errors.js'

/** The request's URL: its path and query, parsed. */
export function requestUrl (req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://admin.invalid')
}

/** Reads the whole body, refusing (without reading further) past `maxBytes`. */
export async function readBody (req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLargeError(maxBytes)
  return await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > maxBytes) {
        cleanup()
        reject(new PayloadTooLargeError(maxBytes))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(err)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}

/** Reads a body that must be a JSON object. */
export async function readJsonObject (req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const body = await readBody(req, maxBytes)
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch (err) {
    throw new InvalidJsonError(`the request body is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidJsonError('the request body must be a JSON object')
  }
  return parsed as Record<string, unknown>
}

export function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers
  })
  res.end(text)
}

export function sendText (res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store'
  })
  res.end(text)
}

/** Answers `{ error: { name, message, ...details } }` with the error's status. */
export function sendError (res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const status = statusOf(err)
  const headers: Record<string, string> = {}
  if (status === 401) headers['www-authenticate'] = 'Bearer'
  if (err instanceof MethodNotAllowedError) headers.allow = err.allowed
  // The rest of an oversized body is never read: the connection cannot be reused.
  if (status === 413) headers.connection = 'close'
  sendJson(res, status, { error: { ...errorDetails(err), name: errorName(err), message: errorMessage(err) } }, headers)
}
