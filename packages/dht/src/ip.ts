/** IP address parsing and classification shared by the address filter and the diversity caps. */

/** The four octets of a dotted IPv4 address, or undefined. */
export function parseIpv4 (text: string): number[] | undefined {
  const octets = text.split('.').map(part => /^\d{1,3}$/.test(part) ? Number(part) : NaN)
  if (octets.length !== 4 || octets.some(o => Number.isNaN(o) || o > 255)) return undefined
  return octets
}

/** Loopback, unspecified, RFC 1918, link-local and carrier-grade NAT ranges. */
export function isPrivateIpv4 ([a, b]: number[]): boolean {
  return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
}

/** Loopback, unspecified, unique-local (fc00::/7) and link-local (fe80::/10). */
export function isPrivateIpv6 (words: number[]): boolean {
  const loopbackOrUnspecified = words.slice(0, 7).every(w => w === 0) && (words[7] === 1 || words[7] === 0)
  return loopbackOrUnspecified || (words[0] & 0xfe00) === 0xfc00 || (words[0] & 0xffc0) === 0xfe80
}

/** The eight 16-bit words of an IPv6 address (with `::` expanded), or undefined. */
export function expandIpv6 (text: string): number[] | undefined {
  const [head, tail, extra] = text.split('::')
  if (extra !== undefined) return undefined
  const parse = (part: string | undefined): number[] => part === undefined || part === '' ? [] : part.split(':').map(h => /^[0-9a-f]{1,4}$/i.test(h) ? parseInt(h, 16) : NaN)
  const left = parse(head)
  const right = parse(tail)
  if (tail !== undefined && left.length + right.length > 7) return undefined
  const words = tail === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right]
  if (words.length !== 8 || words.some(w => Number.isNaN(w))) return undefined
  return words
}
