import { sampleUpTo } from './random-choice.js';
/** Most ping-reqs relayed at once; beyond it we drop requests rather than ping for everyone. */
const MAX_OPEN_RELAYS = 64;
/**
 * A relay sends its nack at this fraction of the probe timeout: late enough for an ack to come
 * back from a live target, early enough to reach the prober inside its indirect window.
 */
const NACK_AT_FRACTION = 0.8;
export class FailureDetector {
    init;
    seq = 0;
    open;
    relays = new Map();
    constructor(init) {
        this.init = init;
    }
    /**
     * Probe `target`. Returns the probe's length (the scaled probe interval); the caller should
     * start the next probe no sooner, and a timer it sets for then runs after this probe's
     * verdict (same due time, set later). A probe still open is concluded first.
     */
    probe(target, incarnation) {
        const { clock, config, awareness } = this.init;
        if (this.open !== undefined)
            this.conclude(this.open);
        const intervalMs = awareness.scale(config.probeIntervalMs);
        const timeoutMs = awareness.scale(config.probeTimeoutMs);
        const probe = { seq: ++this.seq, target, incarnation, helpers: new Set(), nacks: new Set(), timers: [] };
        this.open = probe;
        this.sendTo(target, { type: 'ping', seq: probe.seq, target, updates: this.init.piggyback(target) });
        probe.timers.push(clock.setTimeout(() => { this.goIndirect(probe); }, timeoutMs));
        probe.timers.push(clock.setTimeout(() => { this.conclude(probe); }, intervalMs));
        return intervalMs;
    }
    /** Answer a ping meant for us; one for another id (a stale address) is ignored. */
    handlePing(from, message) {
        if (message.target !== this.init.self)
            return;
        this.sendTo(from, { type: 'ack', seq: message.seq, updates: this.init.piggyback(from) });
    }
    /** Probe `target` for `from`; relay its ack with the original seq, or nack if none comes in time. */
    handlePingReq(from, message) {
        const { target } = message;
        if (target === this.init.self || target === from || this.relays.size >= MAX_OPEN_RELAYS)
            return;
        const { clock, config } = this.init;
        const localSeq = ++this.seq;
        const relay = {
            origin: from,
            originSeq: message.seq,
            target,
            timer: clock.setTimeout(() => {
                this.sendTo(from, { type: 'nack', seq: message.seq, updates: this.init.piggyback(from) });
                // Keep relaying a late ack until the full probe timeout: the prober may still be waiting.
                relay.timer = clock.setTimeout(() => { this.relays.delete(localSeq); }, config.probeTimeoutMs * (1 - NACK_AT_FRACTION));
            }, config.probeTimeoutMs * NACK_AT_FRACTION)
        };
        this.relays.set(localSeq, relay);
        this.sendTo(target, { type: 'ping', seq: localSeq, target, updates: this.init.piggyback(target) });
    }
    handleAck(from, message) {
        const relay = this.relays.get(message.seq);
        if (relay !== undefined && from === relay.target) {
            this.init.clock.clearTimeout(relay.timer);
            this.relays.delete(message.seq);
            this.sendTo(relay.origin, { type: 'ack', seq: relay.originSeq, updates: this.init.piggyback(relay.origin) });
            return;
        }
        const probe = this.open;
        if (probe === undefined || message.seq !== probe.seq || !(from === probe.target || probe.helpers.has(from)))
            return;
        this.close(probe);
        this.init.awareness.apply(-1);
    }
    handleNack(from, message) {
        const probe = this.open;
        if (probe !== undefined && message.seq === probe.seq && probe.helpers.has(from))
            probe.nacks.add(from);
    }
    /** Cancel the open probe and every relay. */
    stop() {
        if (this.open !== undefined)
            this.close(this.open);
        for (const relay of this.relays.values())
            this.init.clock.clearTimeout(relay.timer);
        this.relays.clear();
    }
    goIndirect(probe) {
        if (this.open !== probe)
            return;
        const { random, config } = this.init;
        for (const helper of sampleUpTo(random, this.init.helpers(probe.target), config.indirectChecks)) {
            probe.helpers.add(helper);
            this.sendTo(helper, { type: 'ping-req', seq: probe.seq, target: probe.target, updates: this.init.piggyback(helper) });
        }
    }
    /** The probe's time is up without an ack. */
    conclude(probe) {
        if (this.open !== probe)
            return;
        this.close(probe);
        // Lifeguard: helpers that did not even nack suggest that we, not the target, have the
        // problem. Without helpers, a failed probe is the only health signal we have.
        const missedNacks = probe.helpers.size - probe.nacks.size;
        this.init.awareness.apply(probe.helpers.size > 0 ? missedNacks : 1);
        this.init.onProbeFailed(probe.target, probe.incarnation);
    }
    close(probe) {
        for (const timer of probe.timers)
            this.init.clock.clearTimeout(timer);
        if (this.open === probe)
            this.open = undefined;
    }
    sendTo(to, message) {
        this.init.send(to, message);
    }
}
//# sourceMappingURL=failure-detector.js.map