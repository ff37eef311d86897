/** Whether `claim` replaces what we hold about its member (undefined: a new member). */
export function aliveWins(record, claim) {
    return record === undefined || claim.incarnation > record.incarnation;
}
export function judgeSuspect(record, claim) {
    if (record === undefined || isTombstone(record.state) || claim.incarnation < record.incarnation)
        return 'ignore';
    if (record.state === 'suspect' && claim.incarnation === record.incarnation)
        return 'confirm';
    return 'suspect';
}
export function judgeDead(record, claim) {
    if (record === undefined || claim.incarnation < record.incarnation)
        return 'ignore';
    const isLeave = claim.from === claim.member;
    if (!isTombstone(record.state))
        return isLeave ? 'left' : 'dead';
    if (record.state === 'dead' && isLeave)
        return 'left';
    // A newer death of a tombstone: the member came back and failed again while we did not
    // hear it. Keep refusing claims older than this one.
    return claim.incarnation > record.incarnation ? 'raise-tombstone' : 'ignore';
}
export function isTombstone(state) {
    return state === 'dead' || state === 'left';
}
export function isReachable(state) {
    return state === 'alive' || state === 'suspect';
}
/** A copy for callers, which may keep or change it freely. */
export function toMemberInfo(record) {
    const { metadata, addresses } = record.alive;
    return {
        id: record.id,
        state: record.state,
        incarnation: record.incarnation,
        addresses: [...addresses],
        metadata: { ...(metadata.region === undefined ? {} : { region: metadata.region }), roles: [...metadata.roles], tags: { ...metadata.tags } },
        stateChangedAt: record.stateChangedAt
    };
}
/** Members by id, with running counts per state so that size-dependent timeouts cost O(1). */
export class MemberTable {
    records = new Map();
    counts = { alive: 0, suspect: 0, dead: 0, left: 0 };
    get size() {
        return this.records.size;
    }
    get(id) {
        return this.records.get(id);
    }
    values() {
        return this.records.values();
    }
    add(record) {
        if (this.records.has(record.id))
            throw new Error(`member ${record.id} is already in the table`);
        this.records.set(record.id, record);
        this.counts[record.state]++;
    }
    /** Change a record's state (keeping the counts right) and stamp the change time. */
    setState(record, state, at) {
        if (record.state === state)
            return;
        this.counts[record.state]--;
        this.counts[state]++;
        record.state = state;
        record.stateChangedAt = at;
    }
    delete(id) {
        const record = this.records.get(id);
        if (record === undefined)
            return;
        this.counts[record.state]--;
        this.records.delete(id);
    }
    count(state) {
        return this.counts[state];
    }
    /** Alive and suspect members, this node included: the n of Lifeguard's formulas. */
    get reachableCount() {
        return this.counts.alive + this.counts.suspect;
    }
}
//# sourceMappingURL=member-table.js.map