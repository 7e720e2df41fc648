import { histogramCounter, SEGMENT_COUNTERS } from './aggregates';
import type { SurveyResponse } from '../surveys/response';
import { numericRange, type Survey } from '../surveys/survey';

/**
 * A spreadsheet reads a cell starting with = + - @ (or a tab or carriage return) as a formula; a customer's
 * comment must never run as one. Such cells get a leading apostrophe, which spreadsheets show as text.
 */
export function safeCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export const csvField = (value: unknown): string => {
  const text = safeCell(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The export's columns: the response's own fields, then one per question, then the scores, the comment's analysis (themes joined by ";") and the profile. */
export function exportColumns(survey: Pick<Survey, 'questions'>): string[] {
  return [
    'id',
    'submittedAt',
    'channel',
    'touchpoint',
    'customerId',
    'status',
    ...survey.questions.map((q) => `answers.${q.id}`),
    'nps',
    'npsCategory',
    'csat',
    'ces',
    'loyaltyIndex',
    'severity',
    'sentiment',
    'sentimentScore',
    'themes',
    'language',
    'profile.segment',
    'profile.lifetimeValue',
    'profile.contractState',
  ];
}

function valueOf(response: SurveyResponse, column: string): unknown {
  // The analysis of the answers exported (one of an earlier revision is being replaced).
  const analysis = response.analysis?.revision === response.revision ? response.analysis : undefined;
  if (column === 'sentiment') return analysis?.sentiment;
  if (column === 'sentimentScore') return analysis?.score;
  if (column === 'themes') return analysis && (analysis.sentiment ? analysis.themes.join(';') || 'unassigned' : undefined);
  if (column === 'language') return analysis?.language;
  if (column.startsWith('answers.')) return response.answers[column.slice('answers.'.length)];
  if (column.startsWith('profile.')) return response.profile?.[column.slice('profile.'.length) as keyof NonNullable<SurveyResponse['profile']>];
  const scores = response.scores;
  switch (column) {
    case 'nps':
      return scores?.nps?.value;
    case 'npsCategory':
      return scores?.nps?.category;
    case 'csat':
      return scores?.csat?.value;
    case 'ces':
      return scores?.ces?.value;
    case 'loyaltyIndex':
      return scores?.loyaltyIndex;
    case 'severity':
      return scores?.severity;
    default:
      return (response as unknown as Record<string, unknown>)[column];
  }
}

/** CSV lines (CRLF-terminated, RFC 4180) for a page of responses; the header only on the first page. */
export function responsesCsv(survey: Pick<Survey, 'questions'>, responses: readonly SurveyResponse[], withHeader: boolean): string {
  const columns = exportColumns(survey);
  const lines = responses.map((r) => columns.map((c) => csvField(valueOf(r, c))).join(','));
  return (withHeader ? [columns.join(','), ...lines] : lines).map((l) => `${l}\r\n`).join('');
}

/** JSON Lines: one response per line, as stored. */
export const responsesJsonl = (responses: readonly SurveyResponse[]) => responses.map((r) => `${JSON.stringify(r)}\n`).join('');

/** Columns of an aggregate export: the cell, then every counter (histograms for the survey's scale questions). */
export function aggregateColumns(survey: Pick<Survey, 'questions'>): string[] {
  const histogram = survey.questions.flatMap((q) => {
    const range = numericRange(q);
    return range ? Array.from({ length: range.max - range.min + 1 }, (_, i) => histogramCounter(q.id, range.min + i)) : [];
  });
  return ['period', 'touchpoint', 'channel', 'responses', 'alerts', 'nps_n', 'nps_promoters', 'nps_passives', 'nps_detractors', 'csat_n', 'csat_top2', 'csat_bottom', 'ces_n', 'ces_sum', 'ces_sumsq', 'ces_high', 'loyalty_n', 'loyalty_sum10', ...SEGMENT_COUNTERS, 'inv_sent', 'inv_delivered', 'inv_bounced', 'inv_opened', 'inv_answered', 'inv_completed', ...histogram];
}

/** Aggregate cells as RFC 4180 CSV (header first) or JSON Lines, one row per cell with every counter (0 when absent). */
export function aggregatesExport(survey: Pick<Survey, 'questions'>, cells: readonly { period: string; touchpoint: string; channel: string; counters: Record<string, number> }[], format: 'csv' | 'jsonl'): string {
  const columns = aggregateColumns(survey);
  const rows = cells.map((cell) => Object.fromEntries(columns.map((c) => [c, c === 'period' || c === 'touchpoint' || c === 'channel' ? cell[c] : (cell.counters[c] ?? 0)])));
  if (format === 'jsonl') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  return [columns, ...rows.map((row) => columns.map((c) => row[c]))].map((line) => line.map(csvField).join(',') + '\r\n').join('');
}
