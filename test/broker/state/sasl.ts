import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'crypto';
import type { SaslMechanism } from './cluster';

/** The server side of one SASL exchange: PLAIN, or SCRAM-SHA-256/512 (RFC 5802, RFC 7677). */
export interface SaslSession {
  readonly mechanism: SaslMechanism;
  /** Consumes a client token; returns the reply, whether the exchange is over, and the user once authenticated. */
  step(token: Buffer): { reply: Buffer; done: boolean; user?: string; error?: string };
}

export function startSasl(mechanism: SaslMechanism, users: Record<string, string>): SaslSession {
  return mechanism === 'PLAIN' ? plain(users) : scram(mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512', users);
}

const FAILED = 'Authentication failed: Invalid username or password';

function plain(users: Record<string, string>): SaslSession {
  return {
    mechanism: 'PLAIN',
    step(token) {
      const parts = token.toString('utf8').split('\0');
      if (parts.length !== 3) {
        return { reply: Buffer.alloc(0), done: true, error: 'Authentication failed: malformed PLAIN token' };
      }
      const [, user, password] = parts;
      const ok = Object.prototype.hasOwnProperty.call(users, user) && users[user] === password;
      return ok ? { reply: Buffer.alloc(0), done: true, user } : { reply: Buffer.alloc(0), done: true, error: FAILED };
    },
  };
}

const ITERATIONS = 4096;

function scram(hash: 'sha256' | 'sha512', users: Record<string, string>): SaslSession {
  const mechanism: SaslMechanism = hash === 'sha256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512';
  const keyLength = hash === 'sha256' ? 32 : 64;
  const hmac = (key: Buffer, text: string) => createHmac(hash, key).update(text).digest();
  let state: { user: string; clientFirstBare: string; serverFirst: string; nonce: string; salt: Buffer } | undefined;
  return {
    mechanism,
    step(token) {
      const text = token.toString('utf8');
      if (!state) {
        // client-first: gs2-header "n,," then "n=user,r=nonce"
        const match = /^[ny],[^,]*,(n=([^,]*),r=([^,]+).*)$/.exec(text);
        if (!match) {
          return { reply: Buffer.alloc(0), done: true, error: 'Authentication failed: malformed SCRAM client-first message' };
        }
        const user = match[2].replace(/=2C/g, ',').replace(/=3D/g, '=');
        const nonce = match[3] + randomBytes(18).toString('base64');
        const salt = randomBytes(16);
        const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
        state = { user, clientFirstBare: match[1], serverFirst, nonce, salt };
        return { reply: Buffer.from(serverFirst), done: false };
      }
      const match = /^(c=[^,]*,r=([^,]+)(?:,.*)?),p=([^,]+)$/.exec(text);
      const password = Object.prototype.hasOwnProperty.call(users, state.user) ? users[state.user] : undefined;
      // librdkafka sends its own nonce again before the combined one; Kafka accepts any final nonce that ends with it.
      if (!match || !match[2].endsWith(state.nonce) || password === undefined) {
        return { reply: Buffer.alloc(0), done: true, error: FAILED };
      }
      const salted = pbkdf2Sync(password, state.salt, ITERATIONS, keyLength, hash);
      const clientKey = hmac(salted, 'Client Key');
      const storedKey = createHash(hash).update(clientKey).digest();
      const authMessage = `${state.clientFirstBare},${state.serverFirst},${match[1]}`;
      const signature = hmac(storedKey, authMessage);
      const proof = Buffer.from(match[3], 'base64');
      const expected = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
      if (proof.length !== expected.length || !timingSafeEqual(proof, expected)) {
        return { reply: Buffer.alloc(0), done: true, error: FAILED };
      }
      const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
      return { reply: Buffer.from(`v=${serverSignature.toString('base64')}`), done: true, user: state.user };
    },
  };
}
