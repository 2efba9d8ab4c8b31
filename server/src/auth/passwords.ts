/**
 * Password hashing (argon2id, @node-rs/argon2's defaults: 19 MiB, 2 passes, OWASP's minimum) and
 * generated passwords for new members and resets.
 */
import { hash, verify } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';
import { DomainError } from '@clearway/core';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of nothing anyone knows, verified when the email is unknown so both paths take as long. */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hash(`decoy-${randomInt(1e9)}`);
  return decoyHash;
}

// No 0/O, 1/l/I: a generated password is read aloud or copied from a screen.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 16 characters from a 55-letter alphabet: about 92 bits. */
export function generatePassword(length = 16): string {
  let password = '';
  for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}

/** A new password the user chose: long enough, not absurdly long (argon2 hashes it whole). */
export function assertAcceptablePassword(password: unknown, path = 'newPassword'): asserts password is string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError('invalid-argument', 'errors.validation', {}, [
      { path, messageKey: 'auth.error.passwordLength', params: { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH } },
    ]);
  }
}
