import type { SurveyResponse } from './response';
import type { Survey } from './survey';

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

/** The export's columns: the response's own fields, then one per question, then the scores and profile. */
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
    'profile.segment',
    'profile.lifetimeValue',
    'profile.contractState',
  ];
}

function valueOf(response: SurveyResponse, column: string): unknown {
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
