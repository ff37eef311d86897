export { PeerReputation, type PeerReputationInit, type PeerReputationOptions } from './peer-reputation.js'
export { ValidationPipeline, type ValidationPipelineInit, type ValidationOptions, type CheckedMessage, type CheckOptions } from './validation-pipeline.js'
export { decodeEnvelope, encodeEnvelope, envelopeId, sealEnvelope, verifyEnvelope, type SignedEnvelope, type UnsignedEnvelope } from './signed-envelope.js'
