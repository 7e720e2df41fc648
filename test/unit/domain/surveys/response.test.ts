import { DomainError } from '../../../../lambdas/domain/kernel/errors';
import { commentOf, parseAnswers } from '../../../../lambdas/domain/surveys/response';
import { survey } from '../../support/fixtures';

const full = survey({
  questions: [
    { id: 'nps', type: 'nps', text: 'Recommend?', required: true },
    { id: 'csat', type: 'csat', text: 'Satisfied?' },
    { id: 'effort', type: 'ces', text: 'Easy?' },
    { id: 'stars', type: 'rating', text: 'Stars?', scale: 4 },
    { id: 'resolved', type: 'yesno', text: 'Resolved?' },
    { id: 'why', type: 'choice', text: 'Why?', options: [{ id: 'speed', label: 'Speed' }, { id: 'price', label: 'Price' }] },
    { id: 'comment', type: 'text', text: 'Comment?' },
  ],
});

function fieldsOf(raw: unknown, options = {}): string[] {
  try {
    parseAnswers(full, raw, options);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).status).toBe(400);
    return (error as DomainError).details.map((d) => d.field);
  }
}

describe('parseAnswers', () => {
  it('accepts every type within its range', () => {
    expect(parseAnswers(full, { nps: 0, csat: 5, effort: 7, stars: 4, resolved: false, why: 'price', comment: '  Fine  ' })).toEqual({
      nps: 0, csat: 5, effort: 7, stars: 4, resolved: false, why: 'price', comment: 'Fine',
    });
  });

  it.each([
    [{ nps: 11 }, 'answers.nps'],
    [{ nps: -1 }, 'answers.nps'],
    [{ nps: 7.5 }, 'answers.nps'],
    [{ nps: 'great' }, 'answers.nps'],
    [{ nps: 5, csat: 0 }, 'answers.csat'],
    [{ nps: 5, effort: 8 }, 'answers.effort'],
    [{ nps: 5, stars: 5 }, 'answers.stars'],
    [{ nps: 5, resolved: 'maybe' }, 'answers.resolved'],
    [{ nps: 5, why: 'colour' }, 'answers.why'],
    [{ nps: 5, comment: 42 }, 'answers.comment'],
    [{ nps: 5, comment: 'x'.repeat(2001) }, 'answers.comment'],
    [{ nps: 5, bogus: 1 }, 'answers.bogus'],
    [{ csat: 4 }, 'answers.nps'],
  ])('refuses %j naming %s', (raw, field) => {
    expect(fieldsOf(raw)).toEqual([field]);
  });

  it('reports every problem at once', () => {
    expect(fieldsOf({ csat: 9, bogus: 1 }).sort()).toEqual(['answers.bogus', 'answers.csat', 'answers.nps']);
  });

  it('coerces the strings a form posts', () => {
    expect(parseAnswers(full, { nps: '7', resolved: 'yes', why: 'speed', comment: '' })).toEqual({ nps: 7, resolved: true, why: 'speed' });
    expect(parseAnswers(full, { nps: '3', resolved: 'no' })).toEqual({ nps: 3, resolved: false });
    expect(fieldsOf({ nps: '7a' })).toEqual(['answers.nps']);
  });

  it('lets a partial response skip required questions but not be empty', () => {
    expect(parseAnswers(full, { csat: 2 }, { partial: true })).toEqual({ csat: 2 });
    expect(fieldsOf({}, { partial: true })).toEqual(['answers']);
    expect(fieldsOf([])).toEqual(['answers']);
    expect(fieldsOf(null)).toEqual(['answers']);
  });
});

describe('commentOf', () => {
  it('joins the text answers', () => {
    const s = survey({ questions: [{ id: 'a', type: 'text', text: 'x' }, { id: 'n', type: 'nps', text: 'y' }, { id: 'b', type: 'text', text: 'z' }] });
    expect(commentOf(s, { a: 'First', n: 3, b: 'Second' })).toBe('First\n\nSecond');
    expect(commentOf(s, { n: 3 })).toBeUndefined();
  });
});
