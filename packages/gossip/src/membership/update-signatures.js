import { createHash } from 'node:crypto';
import { concat } from 'uint8arrays/concat';
import { ForgedUpdateError } from '../errors.js';
import { encodeUpdate, toWireUpdate } from './membership-codec.js';
/** Prefixed to every signed membership claim, so the signature is good for nothing else. */
const UPDATE_DOMAIN = new TextEncoder().encode('meshwork/gossip/swim-update/1\0');
/** Who must have signed an update: the member for `alive`, the accuser for `suspect`/`dead`. */
export function authorOf(update) {
    return update.type === 'alive' ? update.member : update.from;
}
function signingBytes(update) {
    return concat([UPDATE_DOMAIN, encodeUpdate(toWireUpdate(update))]);
}
/** Signs this node's own claims with its identity key. */
export function identityUpdateSigner(signer) {
    return {
        sign(update) {
            if (authorOf(update) !== signer.peerId)
                throw new RangeError(`cannot sign a ${update.type} claim in the name of ${authorOf(update)}`);
            return signer.sign(signingBytes(update));
        }
    };
}
/**
 * Checks that every update was signed by its author, remembering updates already checked
 * (each claim is relayed to a node several times, and a verify costs ~100 µs).
 */
export class UpdateVerifier {
    signer;
    cacheSize;
    verified = new Set();
    constructor(signer, cacheSize = 16_384) {
        this.signer = signer;
        this.cacheSize = cacheSize;
    }
    /** Throws {@link ForgedUpdateError} for the first update its author did not sign. */
    verify(update) {
        const { signature, ...unsigned } = update;
        const bytes = signingBytes(unsigned);
        const key = createHash('sha256').update(bytes).update(signature).digest('base64');
        if (this.verified.has(key))
            return;
        const author = authorOf(unsigned);
        if (!this.signer.verify(author, bytes, signature)) {
            throw new ForgedUpdateError(`${update.type} claim about ${update.member} is not signed by ${author}`);
        }
        if (this.verified.size >= this.cacheSize)
            this.verified.delete(this.verified.values().next().value);
        this.verified.add(key);
    }
}
//# sourceMappingURL=update-signatures.js.map