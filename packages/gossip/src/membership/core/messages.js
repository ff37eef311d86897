/**
 * The SWIM messages the membership core sends and receives. They are plain data: the libp2p
 * adapter encodes them (`../wire/`), checks every signature on the way in, and hands the core
 * only messages whose claims are authentic. The core never does I/O or crypto itself; it asks
 * an injected {@link UpdateSigner} to sign the claims it makes.
 */
export {};
//# sourceMappingURL=messages.js.map