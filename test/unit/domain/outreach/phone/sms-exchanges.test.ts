import { SMS_INVITATION_LEASE_MS, SmsInvitationRequestSchema, sendSmsInvitations } from '../../../../../lambdas/domain/outreach/phone/sms-invitations';
import { converse, endCall } from '../../../../../lambdas/domain/outreach/phone/survey-by-phone';
import { MemoryPhoneStore } from '../../../support/memory-phone-store';
import { MemoryStore } from '../../../support/memory-store';
import { NOW, survey } from '../../../support/fixtures';

function setup() {
  const store = new MemoryStore();
  const phones = new MemoryPhoneStore(store);
  const texts: { to: string; body: string }[] = [];
  const sms = { send: jest.fn(async (to: string, body: string) => (texts.push({ to, body }), `SM${texts.length}`)) };
  void store.putSurvey(survey());
  return { store, phones, texts, sms };
}
const PHONE = '+14155550123';
const request = SmsInvitationRequestSchema.parse({ contacts: [{ phone: PHONE, customerId: 'c-1' }] });

describe('SMS invitations', () => {
  it('records the send only after the provider accepted it, so a failed send goes out on retry', async () => {
    const { phones, texts, sms } = setup();
    sms.send.mockRejectedValueOnce(new Error('Twilio unavailable'));
    await expect(sendSmsInvitations({ phones, sms, now: NOW }, survey(), request, 'batch-1')).rejects.toMatchObject({ status: 502 });
    expect(texts).toHaveLength(0);
    const retried = await sendSmsInvitations({ phones, sms, now: NOW }, survey(), request, 'batch-1');
    expect(retried).toEqual([{ phone: PHONE, status: 'sent', messageId: 'SM1' }]);
    expect(texts).toHaveLength(1);
    expect(phones.conversations.get(`sms#${PHONE}`)).toMatchObject({ invitationSentAt: NOW.toISOString(), invitationMessageId: 'SM1' });
    expect(await sendSmsInvitations({ phones, sms, now: NOW }, survey(), request, 'batch-1')).toEqual([{ phone: PHONE, status: 'already-sent', messageId: 'SM1' }]);
    expect(texts).toHaveLength(1);
  });

  it('lets one of several concurrent retries send; the others answer in-progress or already-sent, never 502', async () => {
    const { phones, texts, sms } = setup();
    sms.send.mockImplementation(async (to: string, body: string) => {
      await new Promise((r) => setTimeout(r, 20));
      texts.push({ to, body });
      return 'SM-once';
    });
    const all = await Promise.all(Array.from({ length: 5 }, () => sendSmsInvitations({ phones, sms, now: NOW }, survey(), request, 'batch-2')));
    expect(texts).toHaveLength(1);
    expect(all.map((r) => r[0].status).sort()).toEqual(['in-progress', 'in-progress', 'in-progress', 'in-progress', 'sent']);
  });

  it('takes over a claim whose holder crashed once its lease lapsed', async () => {
    const { phones, texts, sms } = setup();
    const crashed = jest.fn(() => new Promise<string>(() => undefined));
    void sendSmsInvitations({ phones, sms: { send: crashed }, now: NOW }, survey(), request, 'batch-crash');
    await new Promise((r) => setTimeout(r, 10));
    expect(crashed).toHaveBeenCalledTimes(1);
    expect(await sendSmsInvitations({ phones, sms, now: NOW }, survey(), request, 'batch-crash')).toEqual([{ phone: PHONE, status: 'in-progress' }]);
    expect(texts).toHaveLength(0);
    const later = new Date(NOW.getTime() + SMS_INVITATION_LEASE_MS + 1000);
    expect(await sendSmsInvitations({ phones, sms, now: later }, survey(), request, 'batch-crash')).toEqual([{ phone: PHONE, status: 'sent', messageId: 'SM1' }]);
    expect(texts).toHaveLength(1);
  });
});

describe('texts after the survey ended', () => {
  it('answer that it is over and store nothing: no second response, no conversation restarted', async () => {
    const { store, phones, sms } = setup();
    await sendSmsInvitations({ phones, sms, now: NOW }, survey(), request, 'batch-3');
    const start = { id: `sms#${PHONE}`, channel: 'sms' as const, responseKey: 'unused', callerNumber: PHONE };
    const reply = (text: string, sid: string) => converse({ surveys: store, phones, now: NOW }, { ...start, responseKey: sid }, { value: { text }, step: sid });
    for (const [text, sid] of [['9', 'SM1'], ['4', 'SM2'], ['2', 'SM3'], ['fine', 'SM4']]) await reply(text, sid);
    expect(phones.conversations.get(`sms#${PHONE}`)!.status).toBe('ended');
    const versionAtEnd = phones.conversations.get(`sms#${PHONE}`)!.version;
    const responsesAtEnd = [...store.responses.values()];
    expect(responsesAtEnd).toHaveLength(1);

    const late = await reply('2', 'SM5');
    expect(late).toMatchObject({ over: true, turn: { kind: 'done' } });
    await reply('the driver was rude', 'SM6');
    expect([...store.responses.values()]).toEqual(responsesAtEnd);
    expect(phones.conversations.get(`sms#${PHONE}`)!.version).toBe(versionAtEnd);
    // The provider retrying the final message is not "late": it gets the same goodbye.
    expect(await reply('fine', 'SM4')).toMatchObject({ over: false, turn: { kind: 'done' } });
  });

  it.each([
    ['voice-twilio', 'voice-twilio#CA00000000000000000000000000000001'],
    ['voice-vonage', 'voice-vonage#aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'],
  ] as const)('%s: a webhook after the call ended gets the goodbye and stores nothing', async (channel, id) => {
    const { store, phones } = setup();
    const start = { id, channel, responseKey: id.split('#')[1], surveyId: 'srv1', callerNumber: PHONE };
    const deps = { surveys: store, phones, now: NOW };
    await converse(deps, start);
    await converse(deps, start, { value: { digits: '3' }, step: '0.0', expectedStep: '0.0' });
    await endCall(deps, id);
    const conversationAtEnd = phones.conversations.get(id);
    const responsesAtEnd = [...store.responses.values()];
    expect(conversationAtEnd).toMatchObject({ status: 'ended' });
    expect(responsesAtEnd).toEqual([expect.objectContaining({ answers: { nps: 3 } })]);

    expect(await converse(deps, start, { value: { digits: '1' }, step: '1.0', expectedStep: '1.0' })).toMatchObject({ over: true, started: false, turn: { kind: 'done' } });
    expect(await converse(deps, start)).toMatchObject({ over: true, turn: { kind: 'done' } });
    expect(phones.conversations.get(id)).toEqual(conversationAtEnd);
    expect([...store.responses.values()]).toEqual(responsesAtEnd);
  });

  it('writes the response with the conversation, or neither when another delivery won', async () => {
    const { store, phones } = setup();
    const start = { id: 'voice-twilio#CA1', channel: 'voice-twilio' as const, responseKey: 'CA1', surveyId: 'srv1', callerNumber: PHONE };
    await converse({ surveys: store, phones, now: NOW }, start);
    const saveTurn = jest.spyOn(phones, 'saveTurn').mockResolvedValueOnce(false);
    await converse({ surveys: store, phones, now: NOW }, start, { value: { digits: '3' }, step: '0.0', expectedStep: '0.0' });
    expect(saveTurn).toHaveBeenCalledWith(expect.objectContaining({ answers: { nps: 3 } }), expect.objectContaining({ answers: { nps: 3 }, revision: 1 }));
    expect(store.responses.size).toBe(0);
    // A re-asked question changes no answer, so no response write rides along.
    saveTurn.mockClear();
    await converse({ surveys: store, phones, now: NOW }, start, { value: { digits: '42' }, step: '0.0b', expectedStep: '0.0' });
    expect(saveTurn).toHaveBeenLastCalledWith(expect.objectContaining({ attempts: 1 }), undefined);
  });
});
