/** One HTTP request to a test server, its answer read whole (and parsed, when it is JSON). */
export interface Answer { status: number, headers: Headers, text: string, json: any }

export async function httpCall (base: string, method: string, path: string, init: { headers?: Record<string, string>, body?: string } = {}): Promise<Answer> {
  const response = await fetch(base + path, { method, headers: init.headers, body: init.body })
  const text = await response.text()
  let json: unknown
  try { json = JSON.parse(text) } catch { json = undefined }
  return { status: response.status, headers: response.headers, text, json }
}
