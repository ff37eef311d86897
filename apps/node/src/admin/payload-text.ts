/** Payloads in JSON answers: as UTF-8 text when they are, and always as base64. */

/** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
export function utf8OrNull (bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}

export function base64Of (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
