import { createServer } from 'node:net'

export const LOOPBACK = '127.0.0.1'

/** A TCP port free on 127.0.0.1 right now and not in `taken` (which it joins). */
export async function freeTcpPort (taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, LOOPBACK, () => {
        const address = server.address()
        server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
      })
    })
    if (port !== 0 && !taken.has(port)) {
      taken.add(port)
      return port
    }
  }
  throw new Error(`no free TCP port on ${LOOPBACK}`)
}
