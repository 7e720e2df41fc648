import { csvField, responsesCsv, responsesJsonl, safeCell } from '../../../../lambdas/domain/insight/export';
import { response, survey } from '../../support/fixtures';

describe('export', () => {
  it('keeps formulas from running in a spreadsheet', () => {
    for (const f of ['=HYPERLINK("http://evil")', '+1+1', '-2', '@SUM(A1)', '\tcmd', '\rx']) expect(safeCell(f).startsWith("'")).toBe(true);
    expect(safeCell('fine = ok')).toBe('fine = ok');
    expect(safeCell(-3)).toBe("'-3");
  });

  it('writes RFC 4180: quotes around commas, quotes and line breaks, quotes doubled, CRLF lines, one header', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    const csv = responsesCsv(survey(), [response({ nps: 2, comment: 'Broken, "again"\n=1+1' }, { scores: { nps: { questionId: 'nps', value: 2, category: 'detractor' }, severity: 'critical', revision: 1 } })], true);
    const [header, row, end] = csv.split('\r\n');
    expect(header).toBe('id,submittedAt,channel,touchpoint,customerId,status,answers.nps,answers.csat,answers.effort,answers.comment,nps,npsCategory,csat,ces,loyaltyIndex,severity,sentiment,sentimentScore,themes,language,profile.segment,profile.lifetimeValue,profile.contractState');
    expect(row).toContain('"Broken, ""again""\n=1+1"');
    expect(row).toContain(',2,detractor,');
    expect(end).toBe('');
    expect(responsesCsv(survey(), [response({ nps: 9 })], false).startsWith('resp1,')).toBe(true);
  });

  it('writes JSON Lines, one response per line', () => {
    const lines = responsesJsonl([response({ nps: 1 }), response({ nps: 2 }, { id: 'r2' })]).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['resp1', 'r2']);
  });
});
