import { randomIndex, shuffleInPlace } from './random-choice.js';
export class ProbeOrder {
    random;
    order = [];
    present = new Set();
    index = 0;
    constructor(random) {
        this.random = random;
    }
    get size() {
        return this.order.length;
    }
    /** Add a member at a random position of the current round. */
    add(id) {
        if (this.present.has(id))
            return;
        this.present.add(id);
        const at = randomIndex(this.random, this.order.length + 1);
        this.order.splice(at, 0, id);
        // Keep the cursor on the member it pointed at, so no member is skipped or probed twice.
        if (at < this.index)
            this.index++;
    }
    remove(id) {
        if (!this.present.delete(id))
            return;
        const at = this.order.indexOf(id);
        this.order.splice(at, 1);
        if (at < this.index)
            this.index--;
    }
    /**
     * The next member for which `eligible` holds, advancing the cursor; reshuffles when a round
     * ends. Undefined when no member is eligible. Looks at each member at most once per call.
     */
    next(eligible) {
        for (let checked = 0; checked < this.order.length; checked++) {
            if (this.index >= this.order.length) {
                shuffleInPlace(this.random, this.order);
                this.index = 0;
            }
            const id = this.order[this.index++];
            if (eligible(id))
                return id;
        }
        return undefined;
    }
}
//# sourceMappingURL=probe-order.js.map