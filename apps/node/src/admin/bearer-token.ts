import { createHash, timingSafeEqual } from 'node:crypto'

const BEARER = /^Bearer +(\S+) *$/i

/**
 * Checks `Authorization: Bearer <token>` in constant time. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of the presented token.
 */
export class BearerToken {
  private readonly expected: Buffer

  constructor (token: string) {
    this.expected = digest(token)
  }

  matches (authorization: string | undefined): boolean {
    const presented = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1]
    // Hash something even when the header is absent, so no branch is measurably faster.
    return timingSafeEqual(digest(presented ?? ''), this.expected) && presented !== undefined
  }
}

function digest (text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}
