import * as z from 'zod/mini';
import './zod';
import { hasControlCharacters, PROTOTYPE_KEYS, safeKeyPattern } from './identifiers';

/* The identifier rules of identifiers.ts as zod schemas, for the request schemas of every context. */

/** A key of an untrusted map: 1–`max` letters, digits, "_", "-", ".", ":"; never a prototype name. */
export const safeKey = (max = 64) =>
  z.string().check(z.regex(safeKeyPattern(max), `use 1–${max} letters, digits, "_", "-", "." or ":"`), z.refine((key) => !PROTOTYPE_KEYS.has(key), 'this name is reserved'));

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

