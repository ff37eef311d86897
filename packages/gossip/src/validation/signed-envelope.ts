import type { MessageSigner } from '@meshwork/core-mesh'
import { concat } from 'uint8arrays/concat'
import { InvalidSignatureError, MalformedGossipError } from '../errors.js'
import { SignedEnvelope } from '../wire/signed-envelope.js'

export type { SignedEnvelope }

/** Prefixed to every signed envelope, so the signature cannot be replayed in another protocol. */
const ENVELOPE_DOMAIN = new TextEncoder().encode('meshwork/gossip/envelope/1\0')

/** The fields an author signs. */
export type UnsignedEnvelope = Omit<SignedEnvelope, 'signature'>

/** `<origin>/<seqno>`: the same for every copy of a message, unique per author and message. */
export function envelopeId (envelope: Pick<SignedEnvelope, 'origin' | 'seqno'>): string {
  return `${envelope.origin}/${envelope.seqno}`
}

function signingBytes (unsigned: UnsignedEnvelope): Uint8Array {
  return concat([ENVELOPE_DOMAIN, SignedEnvelope.encode({ ...unsigned, signature: new Uint8Array(0) })])
}

/** Sign `unsigned` with this node's key; the origin must be the signer's own id. */
export function sealEnvelope (signer: MessageSigner, unsigned: UnsignedEnvelope): SignedEnvelope {
  if (unsigned.origin !== signer.peerId) throw new RangeError('an envelope can only be sealed in the signer\'s own name')
  return { ...unsigned, signature: signer.sign(signingBytes(unsigned)) as Uint8Array<ArrayBuffer> }
}

/** Decode without checking anything but the shape. */
export function decodeEnvelope (bytes: Uint8Array): SignedEnvelope {
  let envelope: SignedEnvelope
  try {
    envelope = SignedEnvelope.decode(bytes)
  } catch (err) {
    throw new MalformedGossipError('undecodable signed envelope', { cause: err })
  }
  if (envelope.origin.length === 0 || envelope.origin.length > 128) throw new MalformedGossipError('envelope origin missing or too long')
  if (envelope.signature.byteLength === 0) throw new MalformedGossipError('envelope without a signature')
  return envelope
}

export function encodeEnvelope (envelope: SignedEnvelope): Uint8Array {
  return SignedEnvelope.encode(envelope)
}

/** Throws {@link InvalidSignatureError} unless the origin signed exactly these fields. */
export function verifyEnvelope (signer: MessageSigner, envelope: SignedEnvelope): void {
  const { signature, ...unsigned } = envelope
  if (!signer.verify(envelope.origin, signingBytes(unsigned), signature)) {
    throw new InvalidSignatureError(`signature of ${envelopeId(envelope)} does not verify against its origin's key`)
  }
}
