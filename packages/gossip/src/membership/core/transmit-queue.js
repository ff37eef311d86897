/**
 * The transmit-limited broadcast queue (memberlist's TransmitLimitedQueue). Updates wait here to
 * be piggybacked on outgoing messages. Each is sent at most `retransmitMult × ceil(log10(n + 1))`
 * times: enough for an epidemic to reach every member with high probability, few enough that
 * the queue drains. The least-sent updates go first (fresh news spreads fastest), the newest
 * among equals. The queue holds one update per member: a newer claim about a member makes the
 * older one pointless, so it replaces it and starts again at zero transmits.
 */
import { retransmitLimit } from './config.js';
export class TransmitQueue {
    retransmitMult;
    clusterSize;
    byMember = new Map();
    lastOrder = 0;
    /**
     * @param retransmitMult the multiplier of the retransmit limit
     * @param clusterSize the current number of non-dead members, read at each `take`
     */
    constructor(retransmitMult, clusterSize) {
        this.retransmitMult = retransmitMult;
        this.clusterSize = clusterSize;
    }
    get size() {
        return this.byMember.size;
    }
    /** The current per-update transmit limit. */
    limit() {
        return Math.max(1, retransmitLimit(this.retransmitMult, this.clusterSize()));
    }
    /** Queue `update`, replacing any queued update about the same member. */
    enqueue(update) {
        this.byMember.set(update.member, { update, transmits: 0, order: ++this.lastOrder });
    }
    /** The queued update about `member`, if any. */
    peek(member) {
        return this.byMember.get(member)?.update;
    }
    /** Forget the update about `member` (it was reaped). */
    remove(member) {
        this.byMember.delete(member);
    }
    clear() {
        this.byMember.clear();
    }
    /**
     * Up to `max` updates for one outgoing message, least transmitted first. Each counts as one
     * transmit; an update that reaches the limit leaves the queue. `skipMember` leaves out the
     * update about that member (the caller already carries a claim about it).
     */
    take(max, skipMember) {
        if (max <= 0 || this.byMember.size === 0)
            return [];
        const limit = this.limit();
        const chosen = [];
        for (const entry of this.byMember.values()) {
            if (entry.update.member === skipMember)
                continue;
            chosen.push(entry);
        }
        chosen.sort((a, b) => a.transmits - b.transmits || b.order - a.order);
        if (chosen.length > max)
            chosen.length = max;
        for (const entry of chosen) {
            entry.transmits++;
            if (entry.transmits >= limit)
                this.byMember.delete(entry.update.member);
        }
        return chosen.map(entry => entry.update);
    }
}
//# sourceMappingURL=transmit-queue.js.map