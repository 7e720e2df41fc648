import * as z from 'zod/mini';
import './zod';

/**
 * Names that would reach an object's prototype when used as a property key. Untrusted JSON may carry them
 * as keys; they are refused wherever a key becomes a property (answers, attributes, question ids).
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators: they break lines in e-mails and logs. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The path of the first key anywhere in parsed JSON that names a prototype (`__proto__`, `constructor`,
 * `prototype`), or undefined. Validators may drop such keys silently; the caller refuses them by name.
 */
export function prototypeKeyPath(value: unknown, path: readonly string[] = []): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) return [...path, key].join('.');
    const found = prototypeKeyPath((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

export const hasControlCharacters = (value: string) => CONTROL_CHARACTERS.test(value);

const safeKeyPatterns = new Map<number, RegExp>();
const safeKeyPattern = (max: number) => {
  let pattern = safeKeyPatterns.get(max);
  if (!pattern) safeKeyPatterns.set(max, (pattern = new RegExp(`^[A-Za-z0-9_.:-]{1,${max}}$`)));
  return pattern;
};

/** A key of an untrusted map: 1–`max` letters, digits, "_", "-", ".", ":"; never a prototype name. */
export const safeKey = (max = 64) =>
  z.string().check(z.regex(safeKeyPattern(max), `use 1–${max} letters, digits, "_", "-", "." or ":"`), z.refine((key) => !PROTOTYPE_KEYS.has(key), 'this name is reserved'));

/** The same rule as `safeKey`, without building a schema: it runs for every answer of every response. */
export const isSafeKey = (key: string, max = 64) => safeKeyPattern(max).test(key) && !PROTOTYPE_KEYS.has(key);

/** An identifier from outside (customer id, contact id): one line, no control characters, 1–`max` characters. */
export const externalId = (max = 128) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.refine((value) => !hasControlCharacters(value), 'must not contain control characters or line breaks'));

/** A person's name as it appears in a greeting line. */
export const personName = () =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.refine((value) => !hasControlCharacters(value), 'must not contain control characters or line breaks'));

/** Free-form attributes a caller attaches (e.g. order number, store): safe keys, one-line values. */
export const attributesSchema = () =>
  z.record(
    safeKey(64),
    z.string().check(z.maxLength(512), z.refine((value) => !hasControlCharacters(value), 'must not contain control characters or line breaks')),
  );

/** E.164 numbers only: "+" and 8–15 digits. */
export const isE164 = (value: string) => /^\+[1-9]\d{7,14}$/.test(value);
