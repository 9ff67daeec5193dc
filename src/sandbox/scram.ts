import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL asks for it when a role's
 * password is stored as a SCRAM verifier (the default since PostgreSQL 14). Channel binding is not
 * offered ("n,,"): the sandbox's server connection is on loopback or, with sslmode, plain TLS.
 */
export class ScramClient {
  private readonly nonce = randomBytes(18).toString('base64');
  private serverSignature: Buffer | undefined;

  constructor(private readonly password: string) {}

  /** The client-first message (PostgreSQL ignores the user name in it: it uses the startup message's). */
  get clientFirst(): string {
    return `n,,${this.clientFirstBare}`;
  }

  private get clientFirstBare(): string {
    return `n=*,r=${this.nonce}`;
  }

  /** The client-final message for the server-first message. */
  clientFinal(serverFirst: string): string {
    const attributes = new Map(serverFirst.split(',').map((part) => [part[0], part.slice(2)] as const));
    const nonce = attributes.get('r');
    const salt = attributes.get('s');
    const iterations = Number(attributes.get('i'));
    if (!nonce?.startsWith(this.nonce) || !salt || !Number.isInteger(iterations) || iterations < 1)
      throw new RuntagError('SANDBOX_UPSTREAM_AUTH', `runtag sandbox: the server's SCRAM-SHA-256 challenge is malformed ("${serverFirst}").`);
    const salted = pbkdf2Sync(this.password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks the server's final message: it proves the server knew the password too. */
  verifyServerFinal(serverFinal: string): void {
    const value = /(?:^|,)v=([^,]+)/.exec(serverFinal)?.[1];
    const expected = this.serverSignature;
    const given = value ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new RuntagError(
        'SANDBOX_UPSTREAM_AUTH',
        "runtag sandbox: the server's SCRAM-SHA-256 signature does not match: it did not prove it knows the password.",
      );
  }
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}
