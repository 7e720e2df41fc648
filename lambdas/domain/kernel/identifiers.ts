/**
 * Names that would reach an object's prototype when used as a property key. Untrusted JSON may carry them
 * as keys; they are refused wherever a key becomes a property (answers, attributes, question ids).
 */
export const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

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
export const safeKeyPattern = (max: number) => {
  let pattern = safeKeyPatterns.get(max);
  if (!pattern) safeKeyPatterns.set(max, (pattern = new RegExp(`^[A-Za-z0-9_.:-]{1,${max}}$`)));
  return pattern;
};

/** The same rule as `safeKey`, without building a schema: it runs for every answer of every response. */
export const isSafeKey = (key: string, max = 64) => safeKeyPattern(max).test(key) && !PROTOTYPE_KEYS.has(key);

/** E.164 numbers only: "+" and 8–15 digits. */
export const isE164 = (value: string) => /^\+[1-9]\d{7,14}$/.test(value);
