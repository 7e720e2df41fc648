import { DomainError } from '../../../../lambdas/domain/kernel/errors';
import { parseAnswers } from '../../../../lambdas/domain/surveys/response';
import { askedQuestions, createSurvey, forRespondents, headlineQuestion, surveyVersion, type Survey } from '../../../../lambdas/domain/surveys/survey';
import { editSurvey, expectedVersionOf } from '../../../../lambdas/domain/surveys/survey-edit';
import { SurveyInputSchema, withCurrentDefaults } from '../../../../lambdas/domain/surveys/survey-schema';

const input = (overrides: Record<string, unknown> = {}) =>
  SurveyInputSchema.parse({
    name: 'Delivery check',
    touchpoint: 'delivery',
    ownerEmail: 'lead@example.com',
    questions: [
      { id: 'nps', type: 'nps', text: 'How likely are you to recommend us?', required: true },
      { id: 'comment', type: 'text', text: 'Why?' },
    ],
    ...overrides,
  });
const now = new Date('2026-11-30T10:00:00Z');
const stored = (overrides: Partial<Survey> = {}): Survey => ({ ...createSurvey(input(), 's1', new Date('2026-01-01T00:00:00Z')), ...overrides });

const refusal = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('survey versions', () => {
  it('a new survey is version 1 and active; one stored before versions reads as version 0', () => {
    expect(stored()).toMatchObject({ version: 1, status: 'active' });
    const { version: _v, status: _s, ...old } = stored();
    expect(surveyVersion(old as Survey)).toBe(0);
  });

  it('a survey stored before newer settings reads with their defaults', () => {
    const old = { id: 'old', alert: { npsAtMost: 5 } } as unknown as Survey;
    expect(withCurrentDefaults(old)).toMatchObject({ alert: { enabled: true, npsAtMost: 5, csatAtMost: 2, acknowledgeHours: 4, slaHours: 24, commentGraceSeconds: 120 }, language: 'en' });
  });

  it('If-Match: missing is 428, malformed 400, quoted accepted, weak refused (If-Match compares strongly)', () => {
    expect(refusal(() => expectedVersionOf(undefined))).toMatchObject({ status: 428, details: [{ field: 'If-Match' }] });
    expect(refusal(() => expectedVersionOf(' '))).toMatchObject({ status: 428 });
    expect(refusal(() => expectedVersionOf('abc'))).toMatchObject({ status: 400, details: [{ field: 'If-Match' }] });
    expect(refusal(() => expectedVersionOf('-1'))).toMatchObject({ status: 400 });
    expect(expectedVersionOf('3')).toBe(3);
    expect(expectedVersionOf('"3"')).toBe(3);
    expect(refusal(() => expectedVersionOf('W/"0"'))).toMatchObject({ status: 400 });
  });

  it('an edit against another version is a 412 naming If-Match and the current version', () => {
    const error = refusal(() => editSurvey(stored(), input(), 2, false, now));
    expect(error).toMatchObject({ status: 412, code: 'version_mismatch', details: [{ field: 'If-Match', message: 'current version is 1' }] });
  });

  it('an edit bumps the version and keeps id, createdAt, status and alert rules; a survey from before starts at 0', () => {
    const rules = { surveyId: 's1', version: 2, rules: [], updatedAt: 'x', updatedBy: 'y' } as unknown as Survey['alertRules'];
    const edit = editSurvey(stored({ alertRules: rules, intro: 'Hello' }), input({ name: 'Renamed' }), 1, false, now);
    expect(edit.survey).toMatchObject({ id: 's1', createdAt: '2026-01-01T00:00:00.000Z', status: 'active', name: 'Renamed', version: 2, updatedAt: now.toISOString(), alertRules: rules });
    // An optional field the new definition leaves out is gone.
    expect(edit.survey).not.toHaveProperty('intro');
    const { version: _v, ...old } = stored();
    expect(editSurvey(old, input(), 0, false, now).survey.version).toBe(1);
  });
});

describe('question edits', () => {
  it('adding and rewording questions is allowed', () => {
    const next = input({ questions: [{ id: 'nps', type: 'nps', text: 'Would you recommend us?' }, { id: 'comment', type: 'text', text: 'Why?' }, { id: 'fast', type: 'yesno', text: 'Was it on time?' }] });
    const edit = editSurvey(stored(), next, 1, true, now);
    expect(edit.survey.questions.map((q) => `${q.id}:${q.text}`)).toEqual(['nps:Would you recommend us?', 'comment:Why?', 'fast:Was it on time?']);
    expect(edit.hidden).toEqual([]);
  });

  it('never changes a question type: 400 naming questions.<i>.type', () => {
    const next = input({ questions: [{ id: 'nps', type: 'nps', text: 'x' }, { id: 'comment', type: 'yesno', text: 'Happy?' }] });
    const error = refusal(() => editSurvey(stored(), next, 1, false, now));
    expect(error).toMatchObject({ status: 400, details: [{ field: 'questions.1.type' }] });
  });

  it('once answered, keeps a rating scale and every choice option (labels may change, options be added)', () => {
    const choice = { id: 'reason', type: 'choice', text: 'Why?', options: [{ id: 'speed', label: 'Speed' }, { id: 'price', label: 'Price' }] };
    const rating = { id: 'stars', type: 'rating', text: 'Stars?', scale: 5 };
    const answered = stored({ questions: input({ questions: [choice, rating] }).questions });
    const changed = input({ questions: [{ ...choice, options: [{ id: 'speed', label: 'Fast' }, { id: 'care', label: 'Care' }] }, { ...rating, scale: 10 }] });
    expect(refusal(() => editSurvey(answered, changed, 1, true, now)).details.map((d) => d.field)).toEqual(['questions.0.options', 'questions.1.scale']);
    // Without responses anything but the type may change.
    expect(editSurvey(answered, changed, 1, false, now).survey.questions[1]).toMatchObject({ scale: 10 });
    const relabeled = input({ questions: [{ ...choice, options: [{ id: 'speed', label: 'Fast' }, { id: 'price', label: 'Cost' }, { id: 'care', label: 'Care' }] }, rating] });
    expect(editSurvey(answered, relabeled, 1, true, now).survey.questions[0].options).toHaveLength(3);
  });

  it('removes a question of a survey without responses', () => {
    const edit = editSurvey(stored(), input({ questions: [{ id: 'nps', type: 'nps', text: 'x' }] }), 1, false, now);
    expect(edit.survey.questions.map((q) => q.id)).toEqual(['nps']);
    expect(edit.removed).toEqual(['comment']);
  });

  it('hides instead of removing once the survey has responses; hidden questions are asked nowhere, kept for reports', () => {
    const edit = editSurvey(stored(), input({ questions: [{ id: 'nps', type: 'nps', text: 'x', required: true }] }), 1, true, now);
    expect(edit.hidden).toEqual(['comment']);
    expect(edit.survey.questions).toEqual([expect.objectContaining({ id: 'nps' }), expect.objectContaining({ id: 'comment', hidden: true, required: false })]);
    expect(askedQuestions(edit.survey).map((q) => q.id)).toEqual(['nps']);
    expect(forRespondents(edit.survey).questions.map((q) => q.id)).toEqual(['nps']);
    // An answer to the hidden question (a form loaded before the edit) still counts; it is never owed.
    expect(parseAnswers(edit.survey, { nps: 9, comment: 'late' })).toEqual({ nps: 9, comment: 'late' });
  });

  it('a hidden question sent again with hidden: false is asked again', () => {
    const hidden = editSurvey(stored(), input({ questions: [{ id: 'nps', type: 'nps', text: 'x' }] }), 1, true, now).survey;
    const back = editSurvey(hidden, input({ questions: [{ id: 'nps', type: 'nps', text: 'x' }, { id: 'comment', type: 'text', text: 'Why?', hidden: false }] }), 2, true, now).survey;
    expect(askedQuestions(back).map((q) => q.id)).toEqual(['nps', 'comment']);
  });

  it('a hidden NPS question is no longer the e-mail headline; a survey with every question hidden is refused', () => {
    const survey = stored({ questions: [{ id: 'nps', type: 'nps', text: 'x', required: false, hidden: true }, { id: 'csat', type: 'csat', text: 'y', required: false }] });
    expect(headlineQuestion(survey)?.id).toBe('csat');
    const parsed = SurveyInputSchema.safeParse({ ...input(), questions: [{ id: 'nps', type: 'nps', text: 'x', hidden: true }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['questions']);
  });
});
