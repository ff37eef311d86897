/** An integer in [0, maxExclusive); `maxExclusive` ≥ 1. */
export function randomIndex(random, maxExclusive) {
    // Guard against a source that returns exactly 1 (outside its contract) rather than overrun.
    return Math.min(maxExclusive - 1, Math.floor(random.next() * maxExclusive));
}
/** One element, or undefined for an empty array. */
export function pickOne(random, items) {
    return items.length === 0 ? undefined : items[randomIndex(random, items.length)];
}
/** Up to `k` distinct elements in random order (a partial Fisher–Yates on a copy). */
export function sampleUpTo(random, items, k) {
    const result = [...items];
    const count = Math.max(0, Math.min(k, result.length));
    for (let i = 0; i < count; i++) {
        const j = i + randomIndex(random, result.length - i);
        const t = result[i];
        result[i] = result[j];
        result[j] = t;
    }
    result.length = count;
    return result;
}
/** Shuffle `items` in place (Fisher–Yates). */
export function shuffleInPlace(random, items) {
    for (let i = items.length - 1; i > 0; i--) {
        const j = randomIndex(random, i + 1);
        const t = items[i];
        items[i] = items[j];
        items[j] = t;
    }
}
//# sourceMappingURL=random-choice.js.map