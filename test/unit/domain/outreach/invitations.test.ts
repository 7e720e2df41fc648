import { DomainError } from '../../../../lambdas/domain/kernel/errors';
import { invitationMessages } from '../../../../lambdas/views/messages';
import { idFromKey } from '../../../../lambdas/domain/kernel/ids';
import { INVITATION_LEASE_MS, InvitationRequestSchema, sendInvitations } from '../../../../lambdas/domain/outreach/invitations';
import type { EmailMessage } from '../../../../lambdas/domain/kernel/senders';
import { verifyLinkToken } from '../../../../lambdas/domain/kernel/tokens';
import { MemoryStore } from '../../support/memory-store';
import { NOW, survey } from '../../support/fixtures';

const SECRET = 'token-secret-for-tests';

function setup() {
  const store = new MemoryStore();
  const mails: EmailMessage[] = [];
  const email = { send: jest.fn(async (m: EmailMessage) => void mails.push(m)) };
  return { store, mails, email, deps: { ...store.ports, messages: invitationMessages, email, tokenSecret: SECRET, publicUrl: 'https://cx.example.org', now: NOW } };
}
const request = (emails: string[]) => InvitationRequestSchema.parse({ contacts: emails.map((e) => ({ email: e, customerId: `c-${e[0]}` })) });

describe('sendInvitations', () => {
  it('e-mails each contact eleven one-click links whose tokens verify for that invitation', async () => {
    const { deps, mails, store } = setup();
    const results = await sendInvitations(deps, survey(), request(['ann@example.com', 'bob@example.com']));
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(mails.map((m) => m.to)).toEqual(['ann@example.com', 'bob@example.com']);
    const links = [...mails[0].text.matchAll(/https:\/\/cx\.example\.org\/r\/(\S+)\?score=(\d+)/g)];
    expect(links.map((l) => Number(l[2]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const claims = verifyLinkToken(SECRET, links[0][1], NOW);
    expect(claims).toMatchObject({ invitationId: results[0].invitationId, surveyId: 'srv1' });
    expect(store.invitations.get(results[0].invitationId)).toMatchObject({ customerId: 'c-a', sentAt: NOW.toISOString(), expiresAt: NOW.getTime() / 1000 + 30 * 86400 });
  });

  it('needs an NPS or CSAT question for one-click links', async () => {
    const { deps } = setup();
    const noScore = survey({ questions: [{ id: 'e', type: 'ces', text: 'Easy?' }] });
    await expect(sendInvitations(deps, noScore, request(['ann@example.com']))).rejects.toMatchObject({ status: 400, details: [{ field: 'survey.questions' }] });
  });

  it('does not e-mail twice on a retry with the same idempotency key', async () => {
    const { deps, mails } = setup();
    await sendInvitations(deps, survey(), request(['ann@example.com']), 'key-1');
    const again = await sendInvitations(deps, survey(), request(['ann@example.com']), 'key-1');
    expect(again[0].status).toBe('already-sent');
    expect(mails).toHaveLength(1);
  });

  it('lets one of several concurrent retries with one key e-mail the contact; the others answer in-progress, never 502', async () => {
    const { deps, email, mails } = setup();
    email.send.mockImplementation(async (m: EmailMessage) => {
      await new Promise((r) => setTimeout(r, 20));
      mails.push(m);
    });
    const all = await Promise.all(Array.from({ length: 20 }, () => sendInvitations(deps, survey(), request(['ann@example.com']), 'key-race')));
    expect(mails).toHaveLength(1);
    expect(all.map((r) => r[0].status).sort()).toEqual([...Array(19).fill('in-progress'), 'sent']);
    expect((await sendInvitations(deps, survey(), request(['ann@example.com']), 'key-race'))[0].status).toBe('already-sent');
    expect(mails).toHaveLength(1);
  });

  it('gives the claim back after a failed send, so the retry with the same key sends', async () => {
    const { deps, email, mails, store } = setup();
    email.send.mockRejectedValueOnce(new Error('SES throttled'));
    await expect(sendInvitations(deps, survey(), request(['ann@example.com']), 'key-fail')).rejects.toMatchObject({ status: 502 });
    const [invitation] = [...store.invitations.values()];
    expect(invitation.sentAt).toBeUndefined();
    expect(store.invitationClaims.size).toBe(0);
    expect((await sendInvitations(deps, survey(), request(['ann@example.com']), 'key-fail'))[0].status).toBe('sent');
    expect(mails.map((m) => m.to)).toEqual(['ann@example.com']);
    expect(store.invitations.get(invitation.id)?.sentAt).toBe(NOW.toISOString());
  });

  it('takes over a claim whose holder crashed once its lease lapsed', async () => {
    const { deps, mails, store } = setup();
    const id = idFromKey('invitation', 'srv1', 'key-crash', 'ann@example.com');
    await store.putInvitation({ id, surveyId: 'srv1', channel: 'email', contact: { email: 'ann@example.com' }, createdAt: NOW.toISOString(), expiresAt: NOW.getTime() / 1000 + 86400 });
    expect(await store.claimInvitation(id, 'crashed-sender', NOW, INVITATION_LEASE_MS)).toBe(true);
    expect((await sendInvitations(deps, survey(), request(['ann@example.com']), 'key-crash'))[0].status).toBe('in-progress');
    expect(mails).toHaveLength(0);
    const later = { ...deps, now: new Date(NOW.getTime() + INVITATION_LEASE_MS + 1000) };
    expect((await sendInvitations(later, survey(), request(['ann@example.com']), 'key-crash'))[0]).toMatchObject({ invitationId: id, status: 'sent' });
    expect(mails).toHaveLength(1);
  });

  it('reports a contact that failed and still sends the others; all failing is a 502', async () => {
    const { deps, email, mails } = setup();
    email.send.mockRejectedValueOnce(new Error('rejected'));
    const results = await sendInvitations(deps, survey(), request(['ann@example.com', 'bob@example.com']));
    expect(results.map((r) => r.status)).toEqual(['failed', 'sent']);
    expect(mails.map((m) => m.to)).toEqual(['bob@example.com']);

    email.send.mockRejectedValue(new Error('down'));
    const failure = sendInvitations(deps, survey(), request(['cy@example.com']));
    await expect(failure).rejects.toBeInstanceOf(DomainError);
    await expect(failure).rejects.toMatchObject({ status: 502 });
  });

  it('refuses duplicate contacts and oversized batches', () => {
    const dup = InvitationRequestSchema.safeParse({ contacts: [{ email: 'a@example.com' }, { email: 'A@example.com' }] });
    expect(dup.success ? [] : dup.error.issues.map((i) => i.path.join('.'))).toEqual(['contacts.1.email']);
    expect(InvitationRequestSchema.safeParse({ contacts: Array.from({ length: 101 }, (_, i) => ({ email: `u${i}@example.com` })) }).success).toBe(false);
  });
});
