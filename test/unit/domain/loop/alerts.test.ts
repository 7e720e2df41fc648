import { alertMessage, alertReasons, openCase } from '../../../../lambdas/domain/loop/alerts';
import { NOW, response, survey } from '../../support/fixtures';

describe('alertReasons', () => {
  it('applies the default thresholds: NPS ≤ 6, CSAT ≤ 2, CES ≥ 5', () => {
    const s = survey();
    expect(alertReasons(s, response({ nps: 7, csat: 3, effort: 4 }))).toEqual([]);
    expect(alertReasons(s, response({ nps: 6 }))).toEqual(['Likelihood to recommend: 6 — alert at 6 or below']);
    expect(alertReasons(s, response({ nps: 9, csat: 2 }))).toEqual(['Satisfaction: 2 — alert at 2 or below']);
    expect(alertReasons(s, response({ nps: 9, effort: 5 }))).toEqual(['Effort: 5 — alert at 5 or above']);
  });

  it('follows custom thresholds and can be switched off', () => {
    expect(alertReasons(survey({ alert: { npsAtMost: 3 } }), response({ nps: 4 }))).toEqual([]);
    expect(alertReasons(survey({ alert: { npsAtMost: 8 } }), response({ nps: 8 }))).toHaveLength(1);
    expect(alertReasons(survey({ alert: { enabled: false } }), response({ nps: 0 }))).toEqual([]);
  });
});

describe('openCase', () => {
  it('opens nothing for a good experience', () => {
    expect(openCase(survey(), response({ nps: 9 }), NOW)).toBeUndefined();
  });

  it('opens an owned case with an SLA, at least medium severity, the comment and pending notifications', () => {
    const alert = openCase(survey({ alert: { npsAtMost: 8, slaHours: 4 } }), response({ nps: 8, comment: 'Late' }), NOW)!;
    expect(alert).toMatchObject({
      id: 'resp1',
      responseId: 'resp1',
      owner: 'lead@example.com',
      severity: 'medium',
      comment: 'Late',
      status: 'open',
      createdAt: NOW.toISOString(),
      dueAt: '2026-11-24T16:00:00.000Z',
      notifications: { email: 'pending', sns: 'pending' },
      history: [{ at: NOW.toISOString(), action: 'opened', by: 'system' }],
    });
    expect(openCase(survey(), response({ nps: 0 }), NOW)!.severity).toBe('critical');
  });

  it('describes the alert for integrations', () => {
    const alert = openCase(survey(), response({ nps: 2 }), NOW)!;
    expect(alertMessage(alert, 'https://x/admin/responses/resp1')).toMatchObject({
      type: 'cx.alert.opened',
      version: 1,
      alertId: 'resp1',
      severity: 'critical',
      customerId: 'cust-1',
      comment: null,
      responseUrl: 'https://x/admin/responses/resp1',
    });
  });
});
