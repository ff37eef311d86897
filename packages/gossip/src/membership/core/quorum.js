/** Below this many members that count, the status stays HEALTHY: one lost peer of two is no partition. */
const MIN_TOTAL_FOR_PARTITION = 3;
export class QuorumMonitor {
    fraction;
    current = 'HEALTHY';
    /** @param fraction quorum is floor(total × fraction) + 1; 0.5 is a strict majority. */
    constructor(fraction) {
        this.fraction = fraction;
    }
    get status() {
        return this.current;
    }
    counts(reachable, total) {
        return { reachable, total, quorum: Math.floor(total * this.fraction) + 1 };
    }
    /**
     * Re-evaluate with the latest counts. Returns the status when it changed, else undefined.
     */
    evaluate(counts) {
        const next = counts.total >= MIN_TOTAL_FOR_PARTITION && counts.reachable < counts.quorum ? 'PARTITIONED' : 'HEALTHY';
        if (next === this.current)
            return undefined;
        this.current = next;
        return next;
    }
}
//# sourceMappingURL=quorum.js.map