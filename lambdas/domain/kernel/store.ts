/** What every store port speaks: pages of a listing, and whether a keyed write created its item or found it. */

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  readonly nextCursor?: string;
}
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** `created` on first write, `exists` when the same key was written before (a retry). */
export type PutOutcome = 'created' | 'exists';
