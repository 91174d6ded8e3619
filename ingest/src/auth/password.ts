/**
 * Password hashes: scrypt from node:crypto (memory-hard, no native package to build), stored
 * as `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` so the cost can rise later without breaking
 * stored hashes. Verifying compares in constant time.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
/** 128·N·r bytes: 32 MiB at N = 2^15, r = 8; node's default cap is exactly that, so leave room. */
const maxmem = (logN: number, r: number) => 256 * 2 ** logN * r;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, KEY_LEN, { N: 2 ** LOG_N, r: R, p: P, maxmem: maxmem(LOG_N, R) });
  return `scrypt$${LOG_N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!m) return false;
  const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (logN > 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, { N: 2 ** logN, r, p, maxmem: maxmem(logN, r) });
  return key.length === expected.length && crypto.timingSafeEqual(key, expected);
}

/**
 * A hash of nothing anyone knows: a sign-in for a username that does not exist is checked
 * against it, so that it takes as long as a wrong password for one that does.
 */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return decoy;
}
