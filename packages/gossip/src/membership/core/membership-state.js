import { expectedConfirmations, suspicionTimeoutsMs } from './config.js';
import { aliveWins, isTombstone, judgeDead, judgeSuspect, MemberTable, toMemberInfo } from './member-table.js';
import { Suspicion } from './suspicion.js';
export class MembershipState {
    table = new MemberTable();
    self;
    clock;
    config;
    signer;
    hooks;
    suspicions = new Map();
    reapTimers = new Map();
    selfRecord;
    leaving = false;
    constructor(init) {
        this.self = init.self;
        this.clock = init.clock;
        this.config = init.config;
        this.signer = init.signer;
        this.hooks = init.hooks;
        const alive = this.signAlive(init.incarnation, init.addresses, init.metadata);
        this.selfRecord = { id: init.self, state: 'alive', incarnation: init.incarnation, alive, accusation: undefined, stateChangedAt: init.clock.now() };
        this.table.add(this.selfRecord);
    }
    get incarnation() {
        return this.selfRecord.incarnation;
    }
    get selfClaim() {
        return this.selfRecord.alive;
    }
    /** This node's leave claim, once `leave()` was called. */
    get leaveClaim() {
        const claim = this.selfRecord.accusation;
        return this.leaving && claim?.type === 'dead' ? claim : undefined;
    }
    // ---- this node's own claims ----
    /** New addresses and/or metadata: a new alive claim at the next incarnation. Ignored after leave. */
    updateSelf(change) {
        if (this.leaving)
            return;
        const { addresses, metadata } = this.selfRecord.alive;
        this.announceSelf(this.selfRecord.incarnation + 1, change.addresses ?? addresses, change.metadata ?? metadata);
    }
    /** Mark this node left and queue its signed leave (dead with from = self). */
    leave() {
        if (this.leaving)
            return;
        this.leaving = true;
        const claim = this.signDead(this.self, this.selfRecord.incarnation);
        this.selfRecord.accusation = claim;
        this.table.setState(this.selfRecord, 'left', this.clock.now());
        this.hooks.broadcast(claim);
        this.hooks.changed();
    }
    /** Our probe of `id` at `incarnation` failed: suspect it, signed by us. */
    suspectAfterFailedProbe(id, incarnation) {
        const record = this.table.get(id);
        // A newer alive claim arrived while the probe ran: the member proved itself meanwhile.
        if (record === undefined || record.incarnation > incarnation)
            return;
        const unsigned = { type: 'suspect', member: id, incarnation: record.incarnation, from: this.self };
        if (judgeSuspect(record, unsigned) === 'ignore')
            return;
        this.applySuspect({ ...unsigned, signature: this.signer.sign(unsigned) });
    }
    // ---- claims from others ----
    apply(update) {
        switch (update.type) {
            case 'alive':
                this.applyAlive(update);
                break;
            case 'suspect':
                this.applySuspect(update);
                break;
            case 'dead':
                this.applyDead(update);
                break;
        }
    }
    /** @param bootstrap restoring a persisted member: add it, but do not re-gossip an old claim. */
    applyAlive(claim, bootstrap = false) {
        if (claim.member === this.self)
            return this.aliveAboutSelf(claim);
        const record = this.table.get(claim.member);
        if (!aliveWins(record, claim))
            return;
        const now = this.clock.now();
        if (record === undefined) {
            if (this.table.size >= this.config.maxMembers)
                return;
            const added = { id: claim.member, state: 'alive', incarnation: claim.incarnation, alive: claim, accusation: undefined, stateChangedAt: now };
            this.table.add(added);
            this.hooks.added(added.id);
            if (!bootstrap)
                this.hooks.broadcast(claim);
            this.hooks.emit({ type: 'member:join', member: toMemberInfo(added) });
            this.hooks.changed();
            return;
        }
        const previous = record.state;
        const contentChanged = !sameContent(record.alive, claim);
        this.cancelSuspicion(record.id);
        this.cancelReap(record.id);
        record.alive = claim;
        record.incarnation = claim.incarnation;
        record.accusation = undefined;
        this.table.setState(record, 'alive', now);
        if (!bootstrap)
            this.hooks.broadcast(claim);
        if (isTombstone(previous)) {
            this.hooks.emit({ type: 'member:join', member: toMemberInfo(record) });
        }
        else {
            if (previous === 'suspect')
                this.hooks.emit({ type: 'member:alive', member: toMemberInfo(record) });
            if (contentChanged)
                this.hooks.emit({ type: 'member:update', member: toMemberInfo(record) });
        }
        if (previous !== 'alive')
            this.hooks.changed();
    }
    applySuspect(claim) {
        if (claim.member === this.self)
            return this.accusedSelf(claim);
        const record = this.table.get(claim.member);
        const outcome = judgeSuspect(record, claim);
        if (outcome === 'ignore' || record === undefined)
            return this.answerStaleClaim(record);
        if (outcome === 'confirm') {
            // A new, independent accuser: shorten the timeout and pass the news on, so that the
            // confirmations reach the other members' timers too.
            if (this.suspicions.get(record.id)?.confirm(claim.from) === true)
                this.hooks.broadcast(claim);
            return;
        }
        this.cancelSuspicion(record.id);
        record.incarnation = claim.incarnation;
        record.accusation = claim;
        this.table.setState(record, 'suspect', this.clock.now());
        this.hooks.broadcast(claim);
        this.startSuspicion(record, claim.from);
        this.hooks.emit({ type: 'member:suspect', member: toMemberInfo(record), from: claim.from });
        this.hooks.changed();
    }
    applyDead(claim) {
        if (claim.member === this.self)
            return this.accusedSelf(claim);
        const record = this.table.get(claim.member);
        const outcome = judgeDead(record, claim);
        if (outcome === 'ignore' || record === undefined)
            return this.answerStaleClaim(record);
        if (outcome === 'raise-tombstone') {
            record.incarnation = claim.incarnation;
            record.accusation = claim;
            return;
        }
        const wasTombstone = isTombstone(record.state);
        this.cancelSuspicion(record.id);
        record.incarnation = claim.incarnation;
        record.accusation = claim;
        this.table.setState(record, outcome, this.clock.now());
        this.hooks.broadcast(claim);
        if (!wasTombstone)
            this.scheduleReap(record);
        this.hooks.emit(outcome === 'left'
            ? { type: 'member:left', member: toMemberInfo(record) }
            : { type: 'member:dead', member: toMemberInfo(record), from: claim.from });
        this.hooks.changed();
    }
    // ---- push-pull ----
    /** Everything a push-pull carries: per member, its latest alive claim and any accusation. */
    stateClaims() {
        const claims = [];
        for (const record of this.table.values()) {
            claims.push(record.alive);
            if (record.accusation !== undefined)
                claims.push(record.accusation);
        }
        return claims;
    }
    /**
     * Merge a peer's full state through the same precedence rules as gossip, with memberlist's
     * one twist: a peer's verdict that a member is dead becomes our own suspicion of it, not a
     * death, so that a member which is alive (say, on our side of a healed partition) gets a
     * suspicion timeout to refute instead of being declared failed on hearsay. A leave is the
     * member's own word and applies as is. Tombstones of members we never knew are skipped.
     */
    mergeState(updates) {
        const byMember = new Map();
        for (const update of updates) {
            const entry = byMember.get(update.member) ?? {};
            byMember.set(update.member, entry);
            if (update.type === 'alive') {
                if (entry.alive === undefined || update.incarnation > entry.alive.incarnation)
                    entry.alive = update;
            }
            else if (entry.accusation === undefined || outranks(update, entry.accusation)) {
                entry.accusation = update;
            }
        }
        for (const [member, { alive, accusation }] of byMember) {
            // A tombstone (failed or left) of a member we do not know: learning it would only
            // resurrect a member that we, or our peers, already reaped.
            if (member !== this.self && accusation?.type === 'dead' && this.table.get(member) === undefined &&
                (alive === undefined || alive.incarnation <= accusation.incarnation))
                continue;
            if (alive !== undefined)
                this.applyAlive(alive);
            if (accusation === undefined)
                continue;
            if (accusation.type === 'dead' && accusation.from !== member && member !== this.self) {
                this.suspectOnHearsay(member, accusation.incarnation);
            }
            else {
                this.apply(accusation);
            }
        }
    }
    // ---- timers ----
    /** Cancel every suspicion and tombstone timer (the core stopped). */
    stop() {
        for (const suspicion of this.suspicions.values())
            suspicion.cancel();
        this.suspicions.clear();
        for (const timer of this.reapTimers.values())
            this.clock.clearTimeout(timer);
        this.reapTimers.clear();
    }
    /** Re-arm the timers that `stop` cancelled (the core started again). */
    resume() {
        for (const record of this.table.values()) {
            if (record.id === this.self)
                continue;
            if (record.state === 'suspect' && !this.suspicions.has(record.id)) {
                this.startSuspicion(record, record.accusation?.type === 'suspect' ? record.accusation.from : this.self);
            }
            if (isTombstone(record.state) && !this.reapTimers.has(record.id))
                this.scheduleReap(record);
        }
    }
    // ---- internals ----
    aliveAboutSelf(claim) {
        const mine = this.selfRecord.alive;
        if (this.leaving || claim === mine || claim.incarnation < mine.incarnation)
            return;
        // The same incarnation with other content is an older life of this node (a restart that
        // lost its state): outbid it too, or peers could keep the stale addresses.
        if (claim.incarnation === mine.incarnation && sameContent(claim, mine))
            return;
        this.refute(claim.incarnation, false);
    }
    /**
     * Someone suspects us or declared us dead. At our incarnation or above: refute. Below it, we
     * already refuted, but whoever sent this has not heard: answer it directly, and queue our
     * claim again for any others in the same case. Plain SWIM leaves this to chance (and to the
     * next push-pull): a member that missed every gossiped copy of a refutation, which with a
     * small retransmit limit does happen, would declare us dead.
     */
    accusedSelf(claim) {
        if (this.leaving)
            return;
        if (claim.incarnation >= this.selfRecord.incarnation) {
            this.refute(claim.incarnation, true);
        }
        else {
            this.hooks.broadcast(this.selfRecord.alive);
            this.hooks.answer(this.selfRecord.alive);
        }
    }
    /**
     * Someone still suspects or buries a member that left: they missed the leave (dissemination
     * is probabilistic), so tell them rather than let them declare it failed.
     */
    answerStaleClaim(record) {
        if (record?.state === 'left' && record.accusation !== undefined)
            this.hooks.answer(record.accusation);
    }
    /** Outbid `accused` with a fresh alive claim. */
    refute(accused, healthSignal) {
        const { addresses, metadata } = this.selfRecord.alive;
        this.announceSelf(Math.max(this.selfRecord.incarnation, accused) + 1, addresses, metadata);
        if (healthSignal)
            this.hooks.refuted();
    }
    announceSelf(incarnation, addresses, metadata) {
        const claim = this.signAlive(incarnation, addresses, metadata);
        this.selfRecord.alive = claim;
        this.selfRecord.incarnation = incarnation;
        this.hooks.broadcast(claim);
    }
    suspectOnHearsay(member, incarnation) {
        const record = this.table.get(member);
        const unsigned = { type: 'suspect', member, incarnation, from: this.self };
        if (judgeSuspect(record, unsigned) === 'ignore')
            return;
        this.applySuspect({ ...unsigned, signature: this.signer.sign(unsigned) });
    }
    startSuspicion(record, from) {
        const n = this.table.reachableCount;
        const { minMs, maxMs } = suspicionTimeoutsMs(this.config, n);
        const { id, incarnation } = record;
        const suspicion = new Suspicion({
            clock: this.clock,
            from,
            k: expectedConfirmations(this.config, n),
            minMs,
            maxMs,
            onTimeout: () => {
                if (this.suspicions.get(id) !== suspicion)
                    return;
                this.suspicions.delete(id);
                const current = this.table.get(id);
                if (current?.state !== 'suspect' || current.incarnation !== incarnation)
                    return;
                this.applyDead(this.signDead(id, incarnation));
            }
        });
        this.suspicions.set(id, suspicion);
    }
    cancelSuspicion(id) {
        this.suspicions.get(id)?.cancel();
        this.suspicions.delete(id);
    }
    scheduleReap(record) {
        this.cancelReap(record.id);
        const delay = record.stateChangedAt + this.config.tombstoneMs - this.clock.now();
        this.reapTimers.set(record.id, this.clock.setTimeout(() => {
            this.reapTimers.delete(record.id);
            if (this.table.get(record.id) !== record || !isTombstone(record.state))
                return;
            this.table.delete(record.id);
            this.hooks.removed(record.id);
            this.hooks.emit({ type: 'member:reaped', id: record.id });
            this.hooks.changed();
        }, Math.max(0, delay)));
    }
    cancelReap(id) {
        const timer = this.reapTimers.get(id);
        if (timer === undefined)
            return;
        this.clock.clearTimeout(timer);
        this.reapTimers.delete(id);
    }
    signAlive(incarnation, addresses, metadata) {
        const unsigned = { type: 'alive', member: this.self, incarnation, addresses: [...addresses], metadata: copyMetadata(metadata) };
        return { ...unsigned, signature: this.signer.sign(unsigned) };
    }
    /** A dead claim by us; about ourselves it is our leave. */
    signDead(member, incarnation) {
        const unsigned = { type: 'dead', member, incarnation, from: this.self };
        return { ...unsigned, signature: this.signer.sign(unsigned) };
    }
}
/** For one member: does accusation `a` beat `b`? Higher incarnation; at equal, dead beats suspect. */
function outranks(a, b) {
    return a.incarnation > b.incarnation || (a.incarnation === b.incarnation && a.type === 'dead' && b.type === 'suspect');
}
function sameContent(a, b) {
    if (a === b)
        return true;
    if (a.addresses.length !== b.addresses.length || a.addresses.some((address, i) => address !== b.addresses[i]))
        return false;
    const [ma, mb] = [a.metadata, b.metadata];
    if (ma.region !== mb.region || ma.roles.length !== mb.roles.length || ma.roles.some((role, i) => role !== mb.roles[i]))
        return false;
    const tagsA = Object.entries(ma.tags);
    return tagsA.length === Object.keys(mb.tags).length && tagsA.every(([key, value]) => mb.tags[key] === value);
}
export function copyMetadata(metadata) {
    return { ...(metadata.region === undefined ? {} : { region: metadata.region }), roles: [...metadata.roles], tags: { ...metadata.tags } };
}
//# sourceMappingURL=membership-state.js.map