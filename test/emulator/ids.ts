import { randomBytes, randomInt } from 'node:crypto';

// Coze ids are 19-digit decimal numbers that exceed 2^53. They are produced and kept as strings
// only; nothing in the emulator turns one into a JS number.

/** A fresh 19-digit id string. `prefix` lets callers keep families apart (runs vs. files vs. events). */
export function newId19(prefix = '75'): string {
  let digits = prefix;
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return digits;
}

/**
 * A log id shaped like the cloud's: 14 digits of UTC time (yyyyMMddHHmmss) followed by
 * 20 uppercase hex characters, 34 characters in all (e.g. `20241029115423ED85C3401395715F726E`).
 */
export function newLogid(now = new Date()): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const stamp =
    pad(now.getUTCFullYear(), 4) +
    pad(now.getUTCMonth() + 1) +
    pad(now.getUTCDate()) +
    pad(now.getUTCHours()) +
    pad(now.getUTCMinutes()) +
    pad(now.getUTCSeconds());
  return stamp + randomBytes(10).toString('hex').toUpperCase();
}

/** Random URL-safe token text (for PATs and issued OAuth tokens). */
export function randomTokenText(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let text = '';
  for (const byte of randomBytes(length)) text += alphabet[byte % alphabet.length];
  return text;
}
