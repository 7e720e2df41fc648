import { contactFingerprint, issueLinkToken } from '../../../../lambdas/domain/kernel/tokens';
import { recordResponse } from '../../../../lambdas/domain/intake/submissions';
import { resolveLink } from '../../../../lambdas/domain/outreach/email-links';
import type { Invitation } from '../../../../lambdas/domain/outreach/ports';
import { SmsInvitationRequestSchema, sendSmsInvitations } from '../../../../lambdas/domain/outreach/phone/sms-invitations';
import { converse } from '../../../../lambdas/domain/outreach/phone/survey-by-phone';
import type { Survey } from '../../../../lambdas/domain/surveys/survey';
import { MemoryPhoneStore } from '../../support/memory-phone-store';
import { MemoryStore } from '../../support/memory-store';
import { NOW, survey } from '../../support/fixtures';

/* Every intake path of an archived survey, and hidden questions on the channels that ask questions one by one. */

const SECRET = 'test-secret-0123456789';
const PHONE = '+14155550123';
const archived = (): Survey => ({ ...survey(), status: 'archived', archivedAt: NOW.toISOString() });
const withHiddenCsat = (): Survey => {
  const s = survey();
  return { ...s, questions: s.questions.map((q) => (q.id === 'csat' ? { ...q, hidden: true } : q)) };
};

describe('an archived survey', () => {
  it('takes no answer through recordResponse (web, Connect, import, e-mail): 410 naming surveyId', async () => {
    const store = new MemoryStore();
    await store.putSurvey(archived());
    await expect(recordResponse(store.ports, { surveyId: 'srv1', channel: 'web', answers: { nps: 9 } }, NOW)).rejects.toMatchObject({ status: 410, code: 'survey_archived', details: [{ field: 'surveyId' }] });
    expect(store.responses.size).toBe(0);
  });

  it("refuses its e-mail links with 410 before any page or answer", async () => {
    const store = new MemoryStore();
    await store.putSurvey(archived());
    const invitation: Invitation = { id: 'inv-1', surveyId: 'srv1', channel: 'email', contact: { email: 'ann@example.com' }, createdAt: NOW.toISOString(), expiresAt: 0 };
    await store.putInvitation(invitation);
    const token = issueLinkToken(SECRET, { invitationId: 'inv-1', surveyId: 'srv1', contact: contactFingerprint({ email: 'ann@example.com' }), expiresAt: Math.floor(NOW.getTime() / 1000) + 3600 });
    await expect(resolveLink(store.ports, SECRET, token, NOW)).rejects.toMatchObject({ status: 410, code: 'survey_archived' });
  });

  it('starts no call or text conversation (the caller hears there is no survey)', async () => {
    const store = new MemoryStore();
    const phones = new MemoryPhoneStore(store);
    await store.putSurvey(archived());
    expect(await converse({ surveys: store, phones, now: NOW }, { id: 'call-1', channel: 'voice-twilio', responseKey: 'call-1', surveyId: 'srv1' })).toBeUndefined();
    expect(phones.conversations.size).toBe(0);
  });

  it('lets a call that began before the archive finish', async () => {
    const store = new MemoryStore();
    const phones = new MemoryPhoneStore(store);
    await store.putSurvey(survey());
    const deps = { surveys: store, phones, now: NOW };
    const start = { id: 'call-3', channel: 'voice-twilio' as const, responseKey: 'call-3', surveyId: 'srv1' };
    await converse(deps, start);
    await store.setStatus('srv1', 'archived', NOW);
    const next = await converse(deps, start, { value: { digits: '9' }, step: '0.0', expectedStep: '0.0' });
    expect(next?.turn).toMatchObject({ kind: 'ask', question: { id: 'csat' } });
  });
});

describe('a hidden question', () => {
  it('is skipped by calls: the question after the NPS is the effort one', async () => {
    const store = new MemoryStore();
    const phones = new MemoryPhoneStore(store);
    await store.putSurvey(withHiddenCsat());
    const deps = { surveys: store, phones, now: NOW };
    const start = { id: 'call-2', channel: 'voice-twilio' as const, responseKey: 'call-2', surveyId: 'srv1' };
    const first = await converse(deps, start);
    expect(first?.turn).toMatchObject({ kind: 'ask', question: { id: 'nps' } });
    const second = await converse(deps, start, { value: { digits: '9' }, step: '0.0', expectedStep: '0.0' });
    expect(second?.turn).toMatchObject({ kind: 'ask', question: { id: 'effort' } });
  });

  it('is skipped by SMS invitations and replies', async () => {
    const store = new MemoryStore();
    const phones = new MemoryPhoneStore(store);
    const s = { ...withHiddenCsat(), questions: withHiddenCsat().questions.filter((q) => q.id !== 'nps') };
    await store.putSurvey(s);
    const texts: string[] = [];
    const sms = { send: jest.fn(async (_to: string, body: string) => (texts.push(body), 'SM1')) };
    await sendSmsInvitations({ phones, sms, now: NOW }, s, SmsInvitationRequestSchema.parse({ contacts: [{ phone: PHONE }] }), 'batch-h');
    expect(texts[0]).toContain('easy? Reply with a number from 1 to 7');
    expect(texts[0].toLowerCase()).not.toContain('satisfied');
  });
});
