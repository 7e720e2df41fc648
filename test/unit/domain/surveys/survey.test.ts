import { headlineQuestion, numericRange } from '../../../../lambdas/domain/surveys/survey';
import { SurveyInputSchema } from '../../../../lambdas/domain/surveys/survey-schema';

const base = {
  name: 'Support call',
  touchpoint: 'support-call',
  ownerEmail: 'lead@example.com',
  questions: [{ id: 'nps', type: 'nps', text: 'Recommend us?' }],
};
const issues = (input: unknown) => {
  const parsed = SurveyInputSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
};

describe('SurveyInputSchema', () => {
  it('fills the documented defaults', () => {
    const survey = SurveyInputSchema.parse(base);
    expect(survey.alert).toEqual({ enabled: true, npsAtMost: 6, csatAtMost: 2, cesAtLeast: 5, acknowledgeHours: 4, slaHours: 24, commentGraceSeconds: 120 });
    expect(survey.questions[0].required).toBe(false);
    expect(survey.language).toBe('en');
  });

  it('names the offending fields', () => {
    expect(issues({ ...base, touchpoint: 'Support Call' })).toEqual(['touchpoint']);
    expect(issues({ ...base, ownerEmail: 'nope' })).toEqual(['ownerEmail']);
    expect(issues({ ...base, questions: [] })).toEqual(['questions']);
    expect(issues({ ...base, questions: [{ id: 'q', type: 'stars', text: 'x' }] })).toEqual(['questions.0.type']);
    expect(issues({ ...base, extra: true })).toEqual(['']);
    expect(issues({ ...base, name: 'two\nlines' })).toEqual(['name']);
  });

  it('rejects duplicate question ids and inconsistent question options', () => {
    expect(issues({ ...base, questions: [base.questions[0], base.questions[0]] })).toEqual(['questions.1.id']);
    expect(issues({ ...base, questions: [{ id: 'c', type: 'choice', text: 'x' }] })).toEqual(['questions.0.options']);
    expect(issues({ ...base, questions: [{ id: 'n', type: 'nps', text: 'x', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }] })).toEqual(['questions.0.options']);
    expect(issues({ ...base, questions: [{ id: 'n', type: 'nps', text: 'x', scale: 5 }] })).toEqual(['questions.0.scale']);
    expect(issues({ ...base, questions: [{ id: 't', type: 'text', text: 'x', dimension: 'retention' }] })).toEqual(['questions.0.dimension']);
  });

  it('bounds alert thresholds to their scales', () => {
    expect(issues({ ...base, alert: { npsAtMost: 11 } })).toEqual(['alert.npsAtMost']);
    expect(issues({ ...base, alert: { cesAtLeast: 0 } })).toEqual(['alert.cesAtLeast']);
  });
});

describe('question helpers', () => {
  it('picks the first NPS or CSAT question as the headline', () => {
    expect(headlineQuestion({ questions: [{ id: 't', type: 'text', text: 'x', required: false }, { id: 'c', type: 'csat', text: 'y', required: false }] })?.id).toBe('c');
    expect(headlineQuestion({ questions: [{ id: 'e', type: 'ces', text: 'x', required: false }] })).toBeUndefined();
  });

  it('knows each scale', () => {
    expect(numericRange({ id: 'a', type: 'nps', text: 'x', required: false })).toEqual({ min: 0, max: 10 });
    expect(numericRange({ id: 'a', type: 'ces', text: 'x', required: false })).toEqual({ min: 1, max: 7 });
    expect(numericRange({ id: 'a', type: 'rating', text: 'x', required: false })).toEqual({ min: 1, max: 5 });
    expect(numericRange({ id: 'a', type: 'rating', text: 'x', required: false, scale: 10 })).toEqual({ min: 1, max: 10 });
    expect(numericRange({ id: 'a', type: 'yesno', text: 'x', required: false })).toBeUndefined();
  });
});

describe('SLA settings', () => {
  it('refuses an acknowledge deadline after the resolve deadline', () => {
    const base = { name: 'S', touchpoint: 't', ownerEmail: 'a@example.com', questions: [{ id: 'nps', type: 'nps', text: 'Q' }] };
    const bad = SurveyInputSchema.safeParse({ ...base, alert: { acknowledgeHours: 48, slaHours: 24 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['alert', 'acknowledgeHours']);
    expect(SurveyInputSchema.parse({ ...base, alert: { acknowledgeHours: 2, escalateTo: 'boss@example.com' } }).alert).toMatchObject({ acknowledgeHours: 2, slaHours: 24, escalateTo: 'boss@example.com' });
  });
});
