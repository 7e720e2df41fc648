import * as z from 'zod/mini';
import '../kernel/zod';
import { DomainError, type ErrorDetail } from '../kernel/errors';
import { idFromKey } from '../kernel/ids';
import { isSafeKey } from '../kernel/identifiers';
import { SubmissionMetaSchema } from './submission-schema';
import { recordResponse, type IntakeStores } from './submissions';
import type { Survey } from '../surveys/survey';

export const OFFLINE_CHANNELS = ['face-to-face', 'direct-mail'] as const;
export type OfflineChannel = (typeof OFFLINE_CHANNELS)[number];

/** Columns an import file may have besides one per question id. */
const META_COLUMNS = ['id', 'customerId', 'touchpoint', 'submittedAt', 'mode'] as const;
/** Rows one request may carry; the CLI sends larger files in parts. */
export const MAX_IMPORT_ROWS = 2000;

export interface ImportReport {
  readonly received: number;
  readonly stored: number;
  /** Rows imported before (same `id`, or the same content): a re-import changes nothing. */
  readonly duplicates: number;
  readonly rejected: readonly { readonly row: number; readonly field: string; readonly message: string }[];
}

/** Rows rejected, however many reasons each has: what an import answer's `rejectedCount` says. */
export const rejectedRowCount = (rejected: readonly { readonly row: number }[]) => new Set(rejected.map((r) => r.row)).size;

const RowMetaSchema = z.extend(z.pick(SubmissionMetaSchema, { customerId: true, touchpoint: true }), {
  id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'use 1–64 letters, digits or _.:-'))),
  submittedAt: z.optional(z.iso.datetime({ offset: true })),
  mode: z.optional(z.enum(['tablet', 'kiosk', 'paper', 'mail'])),
});

/** Refuses a file whose columns are neither questions of the survey nor the known ones, before any row. */
export function checkColumns(survey: Pick<Survey, 'questions'>, columns: readonly string[]): void {
  const known = new Set<string>([...META_COLUMNS, ...survey.questions.map((q) => q.id)]);
  const unknown = columns.filter((c) => !known.has(c) || !isSafeKey(c, 64));
  if (unknown.length) {
    throw new DomainError(
      400,
      'validation_failed',
      'the file has columns that are neither question ids of this survey nor id, customerId, touchpoint, submittedAt, mode',
      unknown.slice(0, 20).map((c) => ({ field: `columns.${c.slice(0, 64)}`, message: 'unknown column' })),
    );
  }
}

/**
 * Imports answers collected offline, row by row: each row is validated like an online answer and stored
 * once (its `id`, or a hash of its content, names it, so a re-import changes nothing); rejected rows are
 * reported with their row number and the field at fault. Stored rows are scored and alerted on the stream
 * like any other response.
 */
/** Rows written at once by an import. */
const IMPORT_CONCURRENCY = 16;

export async function importResponses(
  stores: IntakeStores,
  survey: Survey,
  channel: OfflineChannel,
  rows: readonly { readonly row: number; readonly fields: Record<string, string> }[],
  now: Date,
): Promise<ImportReport> {
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new DomainError(413, 'too_many_rows', `send at most ${MAX_IMPORT_ROWS} rows per request (npm run cli -- responses import splits files)`, [{ field: 'rows', message: `${rows.length} rows` }]);
  }
  let stored = 0;
  let duplicates = 0;
  const rejected: ImportReport['rejected'][number][] = [];
  const importRow = async ({ row, fields }: (typeof rows)[number]): Promise<void> => {
    const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
    const meta = RowMetaSchema.safeParse(Object.fromEntries(META_COLUMNS.map((c) => [c, blank(fields[c])]).filter(([, v]) => v !== undefined)));
    if (!meta.success) {
      for (const issue of meta.error.issues) rejected.push({ row, field: issue.path.join('.') || 'row', message: issue.message });
      return;
    }
    if (meta.data.submittedAt && Date.parse(meta.data.submittedAt) > now.getTime() + 60_000) {
      rejected.push({ row, field: 'submittedAt', message: 'is in the future' });
      return;
    }
    const answers = Object.fromEntries(survey.questions.map((q) => [q.id, blank(fields[q.id])]).filter(([, v]) => v !== undefined));
    const key = meta.data.id ?? idFromKey('row', JSON.stringify(Object.entries(fields).sort()));
    try {
      const { outcome } = await recordResponse(
        stores,
        {
          surveyId: survey.id,
          channel,
          answers,
          ...(meta.data.customerId && { customerId: meta.data.customerId }),
          ...(meta.data.touchpoint && { touchpoint: meta.data.touchpoint }),
          ...(meta.data.mode && { attributes: { mode: meta.data.mode } }),
          submittedAt: meta.data.submittedAt ? new Date(meta.data.submittedAt).toISOString() : now.toISOString(),
          idempotencyKey: `import:${key}`,
        },
        now,
        survey,
      );
      if (outcome === 'created') stored += 1;
      else duplicates += 1;
    } catch (error) {
      if (!(error instanceof DomainError) || error.status >= 500) throw error;
      const details: readonly ErrorDetail[] = error.details.length ? error.details : [{ field: 'row', message: error.message }];
      for (const d of details) rejected.push({ row, field: d.field, message: d.message });
    }
  };
  // Rows are independent writes: a few at a time, so a large file is not one long series of round trips.
  for (let i = 0; i < rows.length; i += IMPORT_CONCURRENCY) await Promise.all(rows.slice(i, i + IMPORT_CONCURRENCY).map(importRow));
  return { received: rows.length, stored, duplicates, rejected: rejected.sort((a, b) => a.row - b.row) };
}
