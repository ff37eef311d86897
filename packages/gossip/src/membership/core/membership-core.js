/**
 * @packageDocumentation
 *
 * `MembershipCore`: SWIM with the Lifeguard extensions, as an I/O-free state machine (after
 * hashicorp/memberlist and serf). It keeps the cluster's member list by probing members on a
 * randomized round-robin (direct ping, then indirect ping-req with nacks), suspecting those that
 * do not answer with a timeout that shrinks as others confirm, letting the accused refute with
 * a higher incarnation, and spreading every change by piggybacking it on protocol messages, a
 * gossip timer and periodic full-state push-pulls. It also reconnects to failed members (which
 * merges healed partitions), keeps tombstones, restores from a persisted snapshot, carries member
 * metadata, and reports when this node sees less than a quorum (PARTITIONED).
 *
 * The host (the libp2p adapter, or a simulation) provides everything outside: the clock, the
 * random source, `send` (fire and forget, may be dropped) and a signer for this node's claims;
 * it calls `receive` with each authenticated message. The core never does I/O, never reads the
 * wall clock, never calls `Math.random` and does no crypto, so the same seed replays a run.
 *
 * Contract:
 * - All methods are synchronous and must be called from one thread of control (the clock's
 *   callbacks and the host's calls never interleave).
 * - `receive` never throws: malformed input is ignored. Messages are never mutated, and the
 *   core never mutates a message it sent.
 * - Events are delivered synchronously (see {@link MembershipEventListener}).
 * - `stop()` cancels every timer; the core may be started again and keeps its table.
 */
import { NotStartedError, InvalidConfigError } from '@meshwork/core-mesh';
import { Awareness } from './awareness.js';
import { pushPullIntervalFor, resolveMembershipConfig } from './config.js';
import { FailureDetector } from './failure-detector.js';
import { isReachable, toMemberInfo } from './member-table.js';
import { isSwimEnvelope, isValidAddresses, isValidMetadata, isValidUpdate, validUpdates } from './message-guards.js';
import { MembershipState } from './membership-state.js';
import { ProbeOrder } from './probe-order.js';
import { QuorumMonitor } from './quorum.js';
import { pickOne, sampleUpTo } from './random-choice.js';
import { TransmitQueue } from './transmit-queue.js';
/** Persisted members contacted by a push-pull when a restored node starts. */
const REJOIN_FANOUT = 3;
/** Most seeds one `join` call contacts. */
const MAX_JOIN_SEEDS = 16;
export class MembershipCore {
    /** This node's member id. */
    self;
    config;
    clock;
    random;
    sendMessage;
    awareness;
    queue;
    order;
    quorum;
    state;
    detector;
    listeners = new Set();
    timers = new Map();
    restoredMembers;
    /** Claims to send back to the sender of the message being handled (see `receive`). */
    answers = [];
    lifecycle = 'idle';
    constructor(init) {
        this.self = init.self;
        this.config = resolveMembershipConfig(init.config);
        this.clock = init.clock;
        this.random = init.random;
        this.sendMessage = init.send;
        const addresses = init.addresses ?? [];
        const metadata = init.metadata ?? { roles: [], tags: {} };
        if (!isValidAddresses(addresses))
            throw new InvalidConfigError('membership addresses must be at most 16 strings of at most 1024 characters');
        if (!isValidMetadata(metadata))
            throw new InvalidConfigError('membership metadata must have roles (string[]), tags (Record<string, string>) and an optional region, within the claim limits');
        const restored = init.initial?.incarnation;
        const incarnation = typeof restored === 'number' && Number.isSafeInteger(restored) && restored >= 0 ? restored + 1 : 0;
        this.restoredMembers = (init.initial?.members ?? []).filter(member => isValidUpdate(member) && member.type === 'alive' && member.member !== this.self);
        this.awareness = new Awareness(this.config.awarenessMax);
        this.queue = new TransmitQueue(this.config.retransmitMult, () => this.state.table.reachableCount);
        this.order = new ProbeOrder(this.random);
        this.quorum = new QuorumMonitor(this.config.quorumFraction);
        this.state = new MembershipState({
            self: this.self,
            clock: this.clock,
            config: this.config,
            signer: init.signer,
            incarnation,
            addresses,
            metadata,
            hooks: {
                broadcast: update => { this.queue.enqueue(update); },
                emit: event => { this.emit(event); },
                added: id => { this.order.add(id); },
                removed: id => { this.order.remove(id); this.queue.remove(id); },
                changed: () => { this.checkQuorum(); },
                refuted: () => { this.awareness.apply(1); },
                answer: update => { if (!this.answers.includes(update))
                    this.answers.push(update); }
            }
        });
        this.detector = new FailureDetector({
            self: this.self,
            clock: this.clock,
            random: this.random,
            config: this.config,
            awareness: this.awareness,
            send: (to, message) => { this.sendMessage(to, message); },
            piggyback: to => this.piggyback(to),
            helpers: target => this.membersWhere(record => record.state === 'alive' && record.id !== target),
            onProbeFailed: (target, incarnation) => { this.state.suspectAfterFailedProbe(target, incarnation); }
        });
    }
    // ---- lifecycle ----
    /**
     * Start the timers. The first start of a restored node adds its persisted members and
     * push-pulls with a few of them. Does nothing when running; a node that left stays left.
     */
    start() {
        if (this.lifecycle === 'running' || this.lifecycle === 'leaving' || this.lifecycle === 'left')
            return;
        const first = this.lifecycle === 'idle';
        this.lifecycle = 'running';
        if (first) {
            for (const member of this.restoredMembers)
                this.state.applyAlive(member, true);
            const contacts = sampleUpTo(this.random, this.restoredMembers.map(member => member.member), REJOIN_FANOUT);
            for (const id of contacts)
                this.pushPull(id, true);
        }
        else {
            this.state.resume();
        }
        // Random first delays keep the nodes of a cluster started together out of lockstep.
        this.schedule('probe', this.stagger(this.config.probeIntervalMs), () => { this.probeTick(); });
        this.schedule('gossip', this.stagger(this.config.gossipIntervalMs), () => { this.gossipTick(); });
        if (this.config.pushPullIntervalMs > 0)
            this.schedule('push-pull', this.stagger(this.config.pushPullIntervalMs), () => { this.pushPullTick(); });
        if (this.config.reconnectIntervalMs > 0)
            this.schedule('reconnect', this.stagger(this.config.reconnectIntervalMs), () => { this.reconnectTick(); });
    }
    /** Cancel every timer. `receive` ignores messages until `start` is called again. */
    stop() {
        for (const timer of this.timers.values())
            this.clock.clearTimeout(timer);
        this.timers.clear();
        this.detector.stop();
        this.state.stop();
        if (this.lifecycle !== 'left')
            this.lifecycle = 'stopped';
    }
    /**
     * Contact `seeds` with a push-pull (join = true, reply = true): each learns our alive claim
     * and answers with its whole state. Fire and forget; call again if no member shows up.
     * Returns how many seeds were contacted. Throws `NotStartedError` unless running.
     */
    join(seeds) {
        if (this.lifecycle !== 'running')
            throw new NotStartedError('membership core: start() it before join()');
        const contacts = [...new Set(seeds)].filter(seed => seed !== this.self).slice(0, MAX_JOIN_SEEDS);
        for (const seed of contacts)
            this.pushPull(seed, true);
        return contacts.length;
    }
    /**
     * Leave gracefully: disseminate dead(self, from = self), keep gossiping and answering for
     * `leavePropagateMs`, then stop (event `leave:complete`). Others mark this node 'left'.
     */
    leave() {
        if (this.lifecycle !== 'running')
            return;
        this.lifecycle = 'leaving';
        this.state.leave();
        this.schedule('leave', this.config.leavePropagateMs, () => {
            this.stop();
            this.lifecycle = 'left';
            this.emit({ type: 'leave:complete' });
        });
    }
    /**
     * Handle a message from member `from`, already authenticated by the host (every claim's
     * signature checked, `from` the true sender). Ignored unless running or leaving.
     */
    receive(from, message) {
        if (this.lifecycle !== 'running' && this.lifecycle !== 'leaving')
            return;
        if (typeof from !== 'string' || from === this.self || !isSwimEnvelope(message))
            return;
        this.answers = [];
        if (message.type === 'push-pull') {
            this.state.mergeState(validUpdates(message.members, 2 * this.config.maxMembers + 2));
            // The reply carries our whole state, answers included.
            if (message.reply)
                this.pushPull(from, false, false);
            else
                this.sendAnswers(from);
            return;
        }
        const maxUpdates = Math.max(64, 4 * this.config.maxPiggyback);
        for (const update of validUpdates(message.updates, maxUpdates))
            this.state.apply(update);
        this.sendAnswers(from);
        switch (message.type) {
            case 'ping':
                this.detector.handlePing(from, message);
                break;
            case 'ping-req':
                this.detector.handlePingReq(from, message);
                break;
            case 'ack':
                this.detector.handleAck(from, message);
                break;
            case 'nack':
                this.detector.handleNack(from, message);
                break;
            case 'gossip': break;
        }
    }
    // ---- local changes ----
    /** Publish new metadata: a new alive claim at the next incarnation (others see `member:update`). */
    setMetadata(metadata) {
        if (!isValidMetadata(metadata))
            throw new InvalidConfigError('membership metadata must have roles (string[]), tags (Record<string, string>) and an optional region, within the claim limits');
        this.state.updateSelf({ metadata });
    }
    /** Publish new addresses: a new alive claim at the next incarnation. */
    setAddresses(addresses) {
        if (!isValidAddresses(addresses))
            throw new InvalidConfigError('membership addresses must be at most 16 strings of at most 1024 characters');
        this.state.updateSelf({ addresses: [...addresses] });
    }
    // ---- views ----
    /** Every member in the table, this node included, tombstones included. */
    members() {
        return [...this.state.table.values()].map(toMemberInfo);
    }
    member(id) {
        const record = this.state.table.get(id);
        return record === undefined ? undefined : toMemberInfo(record);
    }
    /** Ids of the alive and suspect members other than this node. */
    liveMembers() {
        return this.membersWhere(record => isReachable(record.state));
    }
    /** The Lifeguard health score: 0 is healthy, up to `awarenessMax − 1`. */
    localHealth() {
        return this.awareness.score;
    }
    status() {
        return this.quorum.status;
    }
    /** This node's current incarnation. */
    incarnation() {
        return this.state.incarnation;
    }
    /** What the host should persist to restart with (`initial`). */
    snapshot() {
        const members = [];
        for (const record of this.state.table.values()) {
            if (record.id !== this.self && record.state !== 'left')
                members.push(record.alive);
        }
        return { incarnation: this.state.incarnation, members };
    }
    /** Subscribe to events; returns the function that unsubscribes. */
    onEvent(listener) {
        this.listeners.add(listener);
        return () => { this.listeners.delete(listener); };
    }
    // ---- timers ----
    probeTick() {
        const target = this.order.next(id => {
            const state = this.state.table.get(id)?.state;
            return state !== undefined && isReachable(state);
        });
        const record = target === undefined ? undefined : this.state.table.get(target);
        const intervalMs = record === undefined
            ? this.awareness.scale(this.config.probeIntervalMs)
            : this.detector.probe(record.id, record.incarnation);
        this.schedule('probe', intervalMs, () => { this.probeTick(); });
    }
    /** Send queued updates to a few random live (or recently dead) members. */
    gossipTick() {
        this.schedule('gossip', this.config.gossipIntervalMs, () => { this.gossipTick(); });
        if (this.queue.size === 0 && this.lifecycle !== 'leaving')
            return;
        const now = this.clock.now();
        const candidates = this.membersWhere(record => isReachable(record.state) ||
            (record.state === 'dead' && now - record.stateChangedAt <= this.config.gossipToTheDeadMs));
        for (const to of sampleUpTo(this.random, candidates, this.config.gossipNodes)) {
            const updates = this.piggyback(to);
            if (updates.length === 0)
                return;
            this.sendMessage(to, { type: 'gossip', updates });
        }
    }
    /** Anti-entropy with one random alive member, in case gossip missed something. */
    pushPullTick() {
        this.schedule('push-pull', pushPullIntervalFor(this.config, this.state.table.reachableCount), () => { this.pushPullTick(); });
        const peer = pickOne(this.random, this.membersWhere(record => record.state === 'alive'));
        if (peer !== undefined)
            this.pushPull(peer, false);
    }
    /**
     * Serf's reconnect: a push-pull with one random failed member. If it is in fact alive (say,
     * across a healed partition), it hears it was declared dead and refutes, we learn its side's
     * state, and the two sides merge; nothing else would make them talk again.
     */
    reconnectTick() {
        this.schedule('reconnect', this.config.reconnectIntervalMs, () => { this.reconnectTick(); });
        const peer = pickOne(this.random, this.membersWhere(record => record.state === 'dead'));
        if (peer !== undefined)
            this.pushPull(peer, false);
    }
    /** A random first delay in [0, periodMs), in whole milliseconds. */
    stagger(periodMs) {
        return Math.floor(this.random.next() * periodMs);
    }
    schedule(name, ms, run) {
        const previous = this.timers.get(name);
        if (previous !== undefined)
            this.clock.clearTimeout(previous);
        this.timers.set(name, this.clock.setTimeout(() => {
            this.timers.delete(name);
            run();
        }, ms));
    }
    // ---- helpers ----
    /** Send `to` (the sender of the message just handled) the claims that supersede stale ones it sent. */
    sendAnswers(to) {
        if (this.answers.length === 0)
            return;
        this.sendMessage(to, { type: 'gossip', updates: this.answers.slice(0, this.config.maxPiggyback) });
        this.answers = [];
    }
    pushPull(to, join, reply = true) {
        this.sendMessage(to, { type: 'push-pull', join, reply, members: this.state.stateClaims() });
    }
    /**
     * Updates for a message to `to`: queued ones, least sent first. Lifeguard's buddy system:
     * to a suspect member, its suspicion goes first, so it learns it must refute at once. We do
     * the same for a member we hold dead: if it is talking to us it is alive after all (a healed
     * partition, a long pause), and the claim tells it to refute without waiting for a push-pull.
     */
    piggyback(to) {
        const max = this.config.maxPiggyback;
        // While leaving, every message says so: the queue would stop repeating it after a few sends.
        const leave = this.state.leaveClaim;
        if (leave !== undefined)
            return [leave, ...this.queue.take(max - 1, this.self)];
        const record = this.state.table.get(to);
        if ((record?.state === 'suspect' || record?.state === 'dead') && record.accusation !== undefined) {
            return [record.accusation, ...this.queue.take(max - 1, to)];
        }
        return this.queue.take(max);
    }
    membersWhere(keep) {
        const ids = [];
        for (const record of this.state.table.values()) {
            if (record.id !== this.self && keep(record))
                ids.push(record.id);
        }
        return ids;
    }
    checkQuorum() {
        const table = this.state.table;
        const reachable = table.reachableCount;
        const counts = this.quorum.counts(reachable, reachable + table.count('dead'));
        const changed = this.quorum.evaluate(counts);
        if (changed === 'PARTITIONED')
            this.emit({ type: 'partitioned', counts });
        if (changed === 'HEALTHY')
            this.emit({ type: 'recovered', counts });
    }
    emit(event) {
        for (const listener of this.listeners) {
            try {
                listener(event);
            }
            catch {
                // A listener's failure must not break the protocol; listeners handle their own errors.
            }
        }
    }
}
//# sourceMappingURL=membership-core.js.map