import { twilioSignature } from '../../local/signing';
import { eventually, runCli, sentEmails, surveyInput, tempFile, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();

describe('customer profiles from CRM data', () => {
  it('imports and upserts profiles with a row report; each response is joined with a snapshot; rules route by profile', async () => {
    const { api, runtime } = local;
    const csv = [
      'customerId,name,email,phone,segment,lifetimeValue,contractState,contractEndsAt,lastTransactionAt,lastTransactionAmount,accountManager',
      'crm-1,Ann Gold,ann@example.com,+14155550160,gold,12500,notice-given,2027-01-31,2026-11-01T09:00:00Z,320,am-ann@example.com',
      'crm-2,Bob,bob@example.com,,silver,900,active,,,,',
      'crm-3,Eve,not-an-email,,gold,-5,,,,,',
      'crm-4,Mal,,,,,,,,,,',
    ].join('\n');
    const imported = await api('/admin/customers/import', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status).toBe(200);
    // Rows 4 (two reasons) and 5: two rows rejected, three reasons listed.
    expect(imported.body).toMatchObject({ received: 4, upserted: 2, rejectedCount: 2 });
    // Row 5 has one field more than the header: refused as a whole rather than read shifted.
    expect(imported.body.rejected.map((r: { row: number; field: string }) => `${r.row}:${r.field}`).sort()).toEqual(['4:email', '4:lifetimeValue', '5:row']);

    // Every line counts against the row cap, misshapen or not; a customer twice in one file is reported.
    const flood = await api('/admin/customers/import', { method: 'POST', body: `customerId\n${'x,y\n'.repeat(2001)}`, headers: { 'content-type': 'text/csv' } });
    expect([flood.status, flood.body.error.details[0].field]).toEqual([413, 'rows']);
    const twice = await api('/admin/customers/import', { method: 'POST', body: 'customerId,segment\ncrm-dup,gold\ncrm-dup,silver\n', headers: { 'content-type': 'text/csv' } });
    expect(twice.body).toMatchObject({ received: 2, upserted: 1, rejectedCount: 1, rejected: [{ row: 3, field: 'customerId', message: 'duplicate of row 2; that row was imported' }] });
    expect((await api('/admin/customers/crm-dup')).body.profile.segment).toBe('gold');
    const junk = await api('/admin/customers/import', { method: 'POST', body: `customerId\n${'x,y\n'.repeat(2000)}`, headers: { 'content-type': 'text/csv' } });
    expect(junk.body).toMatchObject({ received: 2000, upserted: 0, rejectedCount: 2000 });
    expect(junk.body.rejected).toHaveLength(200);

    // Re-import upserts: Bob moves to gold.
    await api('/admin/customers/import', { method: 'POST', body: 'customerId,segment\ncrm-2,gold\n', headers: { 'content-type': 'text/csv' } });
    expect((await api('/admin/customers/crm-2')).body.profile).toMatchObject({ segment: 'gold' });

    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'renewal' })) })).body.id as string;
    await api(`/admin/surveys/${surveyId}/alert-rules`, {
      method: 'PUT',
      body: JSON.stringify({
        rules: [
          {
            id: 'gold-at-risk',
            name: 'Gold customer at risk',
            when: { all: [{ field: 'nps', op: 'lte', value: 6 }, { field: 'profile.segment', op: 'eq', value: 'gold' }, { field: 'profile.contractState', op: 'eq', value: 'notice-given' }] },
            severity: 'critical',
            routeTo: { profileField: 'accountManager', team: 'key-accounts' },
          },
        ],
      }),
    });
    const answer = await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, customerId: 'crm-1', answers: { nps: 5 } }) });
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes(`Case: ${answer.body.id}`)), 'the account manager\'s alert');
    expect(mail.destination.to).toEqual(['am-ann@example.com']);
    await runtime.waitForIdle();
    const response = (await api(`/admin/responses/${answer.body.id}`)).body;
    expect(response.profile).toMatchObject({ segment: 'gold', lifetimeValue: 12500, contractState: 'notice-given', contractEndsAt: '2027-01-31', accountManager: 'am-ann@example.com' });

    // The profile changes later; the response keeps what was true when the customer answered.
    await api('/admin/customers/import', { method: 'POST', body: 'customerId,segment,contractState\ncrm-1,silver,active\n', headers: { 'content-type': 'text/csv' } });
    expect((await api(`/admin/responses/${answer.body.id}`)).body.profile.segment).toBe('gold');

    const customer = (await api('/admin/customers/crm-1')).body;
    expect(customer.profile).toMatchObject({ segment: 'silver' });
    expect(customer.responses.map((r: { id: string }) => r.id)).toEqual([answer.body.id]);
    expect(customer.openCases).toEqual([expect.objectContaining({ id: answer.body.id, owner: 'am-ann@example.com', team: 'key-accounts', severity: 'critical' })]);
    expect((await api('/admin/customers/nobody')).status).toBe(404);
  });

  it('lets calls and texts from a profile\'s phone number be answered as that customer', async () => {
    const { api, runtime } = local;
    await api('/admin/customers/import', { method: 'POST', body: 'customerId,phone\ncrm-phone,+14155550161\n', headers: { 'content-type': 'text/csv' } });
    const url = `${runtime.apiUrl}/webhooks/twilio/sms`;
    const text = (body: string, sid: string) => {
      const params = { MessageSid: sid, From: '+14155550161', To: runtime.demoPhoneNumber, Body: body };
      return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, url, params) }, body: new URLSearchParams(params).toString() });
    };
    await text('8', 'SM00000000000000000000000000000161');
    await runtime.waitForIdle();
    const mine = (await api('/admin/responses?surveyId=demo&limit=100')).body.items.filter((r: { contact?: { phone?: string } }) => r.contact?.phone === '+14155550161');
    expect(mine).toEqual([expect.objectContaining({ customerId: 'crm-phone', channel: 'sms' })]);
  });
});

describe('the CLI customer import', () => {
  it('streams a 10,000-row CRM file in parts and reports the bad rows by line', async () => {
    const lines = ['customerId,segment,lifetimeValue,contractState'];
    for (let i = 1; i <= 10_000; i++) lines.push(i % 2500 === 0 ? `big-${i},gold,lots,active` : `big-${i},${i % 3 ? 'silver' : 'gold'},${i},active`);
    const file = tempFile('crm.csv', lines.join('\n'));
    const out = (await runCli(local.runtime, ['customers', 'import', file])).stdout;
    expect(out).toContain('10000 rows, 9996 profiles created or updated, 4 rejected.');
    expect(out).toContain('row 2501  lifetimeValue');
    expect((await local.api('/admin/customers/big-9999')).body.profile).toMatchObject({ segment: 'gold', lifetimeValue: 9999 });
  });
});
