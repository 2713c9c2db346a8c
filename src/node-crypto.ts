import type * as crypto from 'node:crypto';
import { createRequire } from 'node:module';

type NodeCrypto = typeof crypto;

const load = createRequire(import.meta.url);
let loaded: NodeCrypto | undefined;

/**
 * node:crypto, loaded on first use. Every command's modules name it (plan digests, credential thumbprints,
 * lock tokens, the token's client assertion), but a plan or validate of most tenants calls none of them,
 * and loading it cost ~0.01 s of each run's start-up (issue #11).
 */
export const nodeCrypto = (): NodeCrypto => (loaded ??= load('node:crypto') as NodeCrypto);
