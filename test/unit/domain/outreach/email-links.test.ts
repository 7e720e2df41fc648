import { answerFromLink, mayConfirmByItself, type ResolvedLink } from '../../../../lambdas/domain/outreach/email-links';
import type { Invitation } from '../../../../lambdas/domain/outreach/ports';
import { keyedResponseId } from '../../../../lambdas/domain/intake/submissions';
import { MemoryStore } from '../../support/memory-store';
import { NOW, survey } from '../../support/fixtures';

const invitation: Invitation = { id: 'inv-1', surveyId: 'srv1', channel: 'email', contact: { email: 'ann@example.com' }, customerId: 'c-1', createdAt: NOW.toISOString(), expiresAt: 0 };
const linkFor = (opened: Partial<Invitation> = {}): ResolvedLink => {
  const s = survey();
  return { survey: s, invitation: { ...invitation, ...opened }, headline: s.questions[0], responseId: keyedResponseId('email', s.id, invitation.id) };
};

describe('answering from a one-click link', () => {
  it('confirm stores the clicked score alone as partial; the button completes it once, as a new revision', async () => {
    const store = new MemoryStore();
    const link = linkFor({ openedScores: ['3'] });
    expect(await answerFromLink(store.ports, link, { nps: 3, comment: 'ignored on confirm' }, 'confirm', NOW)).toBe('created');
    expect(await store.getResponse(link.responseId)).toMatchObject({ status: 'partial', revision: 1, answers: { nps: 3 } });
    expect((await store.getResponse(link.responseId))!.answers).not.toHaveProperty('comment');
    expect(await answerFromLink(store.ports, link, { nps: 3 }, 'confirm', NOW)).toBe('exists');

    expect(await answerFromLink(store.ports, link, { nps: 4, comment: 'Late' }, 'complete', NOW)).toBe('completed');
    expect(await store.getResponse(link.responseId)).toMatchObject({ status: 'complete', revision: 2, answers: { nps: 4, comment: 'Late' } });
    expect(await answerFromLink(store.ports, link, { nps: 10 }, 'complete', NOW)).toBe('exists');
    expect((await store.getResponse(link.responseId))!.answers.nps).toBe(4);
  });

  it('without a confirmation first, the button stores the complete answer at once', async () => {
    const store = new MemoryStore();
    const link = linkFor();
    expect(await answerFromLink(store.ports, link, { nps: 9 }, 'complete', NOW)).toBe('created');
    expect(await store.getResponse(link.responseId)).toMatchObject({ status: 'complete', revision: 1 });
  });

  it('refuses to confirm by itself once links of several scores were opened (a scanner), and needs a score', async () => {
    expect(mayConfirmByItself({ openedScores: ['0', '10'] })).toBe(false);
    expect(mayConfirmByItself({})).toBe(true);
    const store = new MemoryStore();
    await expect(answerFromLink(store.ports, linkFor({ openedScores: ['0', '10'] }), { nps: 0 }, 'confirm', NOW)).rejects.toMatchObject({ status: 409, code: 'confirm_by_button' });
    await expect(answerFromLink(store.ports, linkFor(), {}, 'confirm', NOW)).rejects.toMatchObject({ status: 400, details: [{ field: 'answers.nps' }] });
    expect(store.responses.size).toBe(0);
  });
});
