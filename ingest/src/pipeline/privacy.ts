/**
 * Caller phones never reach the store in clear (DESIGN.md §3 Privacy): a keyed hash lets
 * the repeat-caller rule match a number without keeping it; a masked form serves the
 * dispatch console. Keyed (HMAC), because a plain hash of an 11-digit number is
 * reversed by enumeration in minutes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface PhoneProtector {
  hash(phone: string): string;
  mask(phone: string): string;
}

export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  // +86 / 0086 prefixes name the same subscriber as the bare 11-digit mobile number.
  if (digits.length === 13 && digits.startsWith('86')) return digits.slice(2);
  if (digits.length === 15 && digits.startsWith('0086')) return digits.slice(4);
  return digits;
}

export function maskPhone(phone: string): string {
  const d = normalizePhone(phone);
  if (d.length >= 7) return `${d.slice(0, 3)}****${d.slice(-4)}`;
  if (d.length > 2) return `${'*'.repeat(d.length - 2)}${d.slice(-2)}`;
  return '*'.repeat(d.length);
}

export function phoneProtector(key: string): PhoneProtector {
  return {
    hash: (phone) => crypto.createHmac('sha256', key).update(normalizePhone(phone)).digest('hex').slice(0, 32),
    mask: maskPhone,
  };
}

export const PHONE_KEY_FILE = 'phone-hash.key';

export interface PhoneKeyOptions {
  /**
   * Whether hashes made with a key already exist (calls.caller_hash). Then a missing key
   * file is an error, never a reason to make a new key: a new key matches no stored hash,
   * and repeat callers would silently stop being recognised.
   */
  hashesExist: () => Promise<boolean>;
}

/** The hash key: from settings, or created once and kept beside the embedded data so hashes stay stable. */
export async function resolvePhoneKey(explicit: string | undefined, dataDir: string, opts: PhoneKeyOptions): Promise<string> {
  if (explicit) return explicit;
  const file = path.join(dataDir, PHONE_KEY_FILE);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (await opts.hashesExist()) {
    throw new Error(
      `the phone-hash key ${file} is missing but stored calls carry caller hashes made with it: `
      + 'restore the key file from your backup (see docs/operations.md, "Privacy"), or set PHONE_HASH_KEY to the same key. '
      + 'A new key would silently stop repeat-caller matching.',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  return key;
}
