import { Writable } from 'node:stream'
import { describe, expect, it } from '@jest/globals'
import { createLogger, withTraceId } from '../src/logging.js'

function sink (): { lines: string[], stream: Writable } {
  const lines: string[] = []
  const stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      lines.push(chunk.toString())
      done()
    }
  })
  return { lines, stream }
}

describe('createLogger', () => {
  it('writes one JSON object per line, with child bindings and a trace id', () => {
    const { lines, stream } = sink()
    const logger = createLogger({ format: 'json', level: 'info', destination: stream, base: { service: 'meshwork' } })
    withTraceId(logger.child({ component: 'admin' }), 'feedfacefeedfacefeedfacefeedface').info({ peer: 'p1' }, 'peer connected')
    logger.debug({}, 'below the level')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      service: 'meshwork',
      component: 'admin',
      traceId: 'feedfacefeedfacefeedfacefeedface',
      peer: 'p1',
      msg: 'peer connected',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
    })
  })

  it('generates a trace id when none is given', () => {
    const { lines, stream } = sink()
    withTraceId(createLogger({ format: 'json', level: 'info', destination: stream })).warn({})
    expect(JSON.parse(lines[0]).traceId).toMatch(/^[0-9a-f]{32}$/)
  })

  it('serializes errors under err', () => {
    const { lines, stream } = sink()
    createLogger({ format: 'json', level: 'info', destination: stream }).error({ err: new Error('boom') }, 'failed')
    expect(JSON.parse(lines[0]).err).toMatchObject({ type: 'Error', message: 'boom' })
  })

  it('writes pretty lines for a terminal', () => {
    const { lines, stream } = sink()
    createLogger({ format: 'pretty', level: 'info', destination: stream, colorize: false }).info({ peer: 'p1' }, 'peer connected')
    const text = lines.join('')
    expect(text).toContain('INFO')
    expect(text).toContain('peer connected')
    expect(text).toContain('peer: "p1"')
    expect(() => JSON.parse(text)).toThrow()
  })
})
