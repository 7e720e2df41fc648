import { openCase } from '../../../lambdas/domain/loop/alerts';
import { InvitationRequestSchema } from '../../../lambdas/domain/outreach/invitations';
import { alertEmail } from '../../../lambdas/views/messages';
import { parseAnswers } from '../../../lambdas/domain/surveys/response';
import { WebSubmissionSchema } from '../../../lambdas/domain/intake/submission-schema';
import { SurveyInputSchema } from '../../../lambdas/domain/surveys/survey-schema';
import { DomainError } from '../../../lambdas/domain/kernel/errors';
import { formAnswers, parseBody } from '../../../lambdas/shared/http';
import { NOW, response, survey } from '../support/fixtures';

const submission = (extra: Record<string, unknown>) => ({ surveyId: 'srv1', answers: { nps: 3 }, ...extra });
// JSON.parse, as the handler reads the body: `__proto__` arrives as an own key, not a prototype.
const fromJson = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('keys that would reach a prototype, and empty keys, are refused at the edge', () => {
  it.each([
    ['attributes.__proto__', '{"surveyId":"srv1","answers":{"nps":3},"attributes":{"__proto__":{"polluted":"yes"}}}'],
    ['attributes.constructor', '{"surveyId":"srv1","answers":{"nps":3},"attributes":{"constructor":"x"}}'],
    ['attributes.""', '{"surveyId":"srv1","answers":{"nps":3},"attributes":{"":"x"}}'],
    ['answers.__proto__', '{"surveyId":"srv1","answers":{"nps":3,"__proto__":{"nps":10}}}'],
    ['answers.constructor', '{"surveyId":"srv1","answers":{"constructor":5}}'],
    ['answers.""', '{"surveyId":"srv1","answers":{"":5}}'],
  ])('%s', (name, body) => {
    // The body parser names prototype keys anywhere; the schema refuses the other malformed keys.
    const event = { headers: { 'content-type': 'application/json' }, body } as never;
    let refusedBy: string | undefined;
    try {
      WebSubmissionSchema.parse(parseBody(event));
    } catch (error) {
      refusedBy = error instanceof DomainError ? error.details[0].field : 'schema';
    }
    if (name.includes('""')) expect(refusedBy).toBe('schema');
    else expect(refusedBy).toBe(name);
  });

  it('refuses reserved question and option ids, so no survey is unanswerable', () => {
    for (const id of ['constructor', '__proto__', 'prototype']) {
      const input = { name: 'S', touchpoint: 't', ownerEmail: 'a@example.com', questions: [{ id, type: 'nps', text: 'Q' }] };
      expect(SurveyInputSchema.safeParse(input).success).toBe(false);
    }
  });

  it('parseAnswers looks at own answers only, and names a malformed key', () => {
    const inherited = Object.create({ nps: 1 }) as Record<string, unknown>;
    expect(() => parseAnswers(survey(), inherited)).toThrow('some answers are not valid');
    expect(() => parseAnswers(survey(), fromJson('{"nps":3,"__proto__":{"x":1}}'))).toThrow('some answers are not valid');
  });

  it('keeps a form field named answers.__proto__ as data, refused like any unknown answer', () => {
    const answers = formAnswers({ 'answers.nps': '3', 'answers.__proto__': 'x' });
    expect(Object.getPrototypeOf(answers)).toBe(Object.prototype);
    expect(() => parseAnswers(survey(), answers)).toThrow('some answers are not valid');
  });
});

describe('identifiers refuse control characters', () => {
  it.each(['c-1\nNPS: 10', 'c-1\rx', 'c\u0000', 'c\u2028x', 'c\u0085x'])('customerId %j', (customerId) => {
    expect(WebSubmissionSchema.safeParse(submission({ customerId })).success).toBe(false);
    expect(InvitationRequestSchema.safeParse({ contacts: [{ email: 'a@example.com', customerId }] }).success).toBe(false);
  });

  it('refuses a contact name or attribute value that would break a line', () => {
    expect(InvitationRequestSchema.safeParse({ contacts: [{ email: 'a@example.com', name: 'Ann\n\nClick http://evil' }] }).success).toBe(false);
    expect(WebSubmissionSchema.safeParse(submission({ attributes: { order: 'x\ny' } })).success).toBe(false);
  });
});

describe('the alert e-mail text part', () => {
  it('quotes the customer comment in a delimited block, so it cannot forge fields or links', () => {
    const forged = 'Awful.\n\nResponse: http://evil.example/phish\nNPS: 10\r\nOpen the case: http://evil.example';
    const alert = openCase(survey(), response({ nps: 1, comment: forged }), NOW)!;
    const { text } = alertEmail(alert, 'https://cx.example.org/c/token');
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('Likelihood to recommend (NPS):'))).toEqual(['Likelihood to recommend (NPS): 1 of 10, detractor']);
    expect(lines.filter((l) => l.startsWith('Open the case:'))).toEqual(['Open the case: https://cx.example.org/c/token']);
    expect(lines.filter((l) => l.includes('evil.example')).every((l) => l.startsWith('> '))).toBe(true);
    expect(text).toContain('> Response: http://evil.example/phish');
  });
});
