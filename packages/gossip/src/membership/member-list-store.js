import { readFile } from 'node:fs/promises';
import { writeFileDurably } from '@meshwork/core-mesh';
import { fromString } from 'uint8arrays/from-string';
import { toString } from 'uint8arrays/to-string';
/**
 * The member list on disk, as JSON written atomically (temporary file, fsync, rename). On load,
 * each claim's signature is checked again, so a tampered file cannot plant members.
 */
export class MemberListStore {
    path;
    self;
    verifier;
    constructor(path, self, verifier) {
        this.path = path;
        this.self = self;
        this.verifier = verifier;
    }
    async load(log) {
        let text;
        try {
            text = await readFile(this.path, 'utf8');
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return undefined;
            throw err;
        }
        let stored;
        try {
            stored = JSON.parse(text);
            if (stored.version !== 1 || !Array.isArray(stored.members) || !Number.isSafeInteger(stored.incarnation))
                throw new Error('unknown layout');
        }
        catch (err) {
            log.warn({ path: this.path, err: err.message }, 'ignoring an unreadable member list');
            return undefined;
        }
        if (stored.self !== this.self) {
            log.warn({ path: this.path }, 'member list belongs to another identity; ignoring it');
            return undefined;
        }
        const members = [];
        for (const claim of stored.members) {
            try {
                const update = { ...claim, type: 'alive', signature: fromString(claim.signature, 'base64') };
                this.verifier.verify(update);
                members.push(update);
            }
            catch {
                log.warn({ path: this.path, member: claim?.member }, 'dropping a member claim that does not verify');
            }
        }
        return { incarnation: stored.incarnation, members };
    }
    async save(snapshot) {
        const file = {
            version: 1,
            self: this.self,
            incarnation: snapshot.incarnation,
            members: snapshot.members.map(claim => ({ ...claim, signature: toString(claim.signature, 'base64') }))
        };
        await writeFileDurably(this.path, JSON.stringify(file));
    }
}
//# sourceMappingURL=member-list-store.js.map