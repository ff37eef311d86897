/**
 * The timeout after `confirmations` of `k` expected: max − (max − min) · log(c + 1) / log(k + 1),
 * never below min.
 */
export function suspicionTimeoutMs(confirmations, k, minMs, maxMs) {
    if (k < 1)
        return minMs;
    const fraction = Math.log(confirmations + 1) / Math.log(k + 1);
    return Math.max(minMs, Math.floor(maxMs - fraction * (maxMs - minMs)));
}
export class Suspicion {
    clock;
    k;
    minMs;
    maxMs;
    onTimeout;
    startedAt;
    /** Who has accused the member so far, the starter included; at most k + 1 entries. */
    accusers = new Set();
    timer;
    done = false;
    constructor(init) {
        this.clock = init.clock;
        this.k = Math.max(0, init.k);
        this.minMs = init.minMs;
        this.maxMs = init.maxMs;
        this.onTimeout = init.onTimeout;
        this.startedAt = init.clock.now();
        this.accusers.add(init.from);
        this.arm(this.timeoutMs());
    }
    /** Independent confirmations so far (accusers other than the first). */
    get confirmations() {
        return this.accusers.size - 1;
    }
    /** The current total timeout, measured from the start of the suspicion. */
    timeoutMs() {
        return suspicionTimeoutMs(this.confirmations, this.k, this.minMs, this.maxMs);
    }
    /** When the suspicion will time out (clock time). */
    deadline() {
        return this.startedAt + this.timeoutMs();
    }
    /**
     * Count `from` as a confirmation. Returns true when it is new (and so worth re-gossiping);
     * the timer is then re-armed to the shorter timeout. Past k confirmations nothing changes.
     */
    confirm(from) {
        if (this.done || this.confirmations >= this.k || this.accusers.has(from))
            return false;
        this.accusers.add(from);
        this.arm(this.deadline() - this.clock.now());
        return true;
    }
    /** Stop the timer; `onTimeout` will not be called. */
    cancel() {
        this.done = true;
        if (this.timer !== undefined)
            this.clock.clearTimeout(this.timer);
        this.timer = undefined;
    }
    arm(remainingMs) {
        if (this.timer !== undefined)
            this.clock.clearTimeout(this.timer);
        // Even when the new deadline has passed, fire from a timer, never from inside confirm():
        // the caller is in the middle of handling a message.
        this.timer = this.clock.setTimeout(() => {
            this.timer = undefined;
            if (this.done)
                return;
            this.done = true;
            this.onTimeout(this.confirmations);
        }, Math.max(0, remainingMs));
    }
}
//# sourceMappingURL=suspicion.js.map