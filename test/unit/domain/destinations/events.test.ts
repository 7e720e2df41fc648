import {
  caseEvent,
  firstCharacters,
  caseEventData,
  EVENT_TYPES,
  eventEnvelope,
  eventId,
  isEventType,
  MAX_EVENT_COMMENT,
  responseEventData,
} from '../../../../lambdas/domain/destinations/events';
import type { AlertCase } from '../../../../lambdas/domain/loop/alerts';
import { alertCase } from '../../support/alert-case';
import { NOW, response } from '../../support/fixtures';

const CASE_URL = 'https://cx.example.org/cases/resp1?token=signed-for-the-reader';

describe('event types', () => {
  it('are the seven versioned types', () => {
    expect(EVENT_TYPES).toEqual(['response.completed', 'case.opened', 'case.updated', 'case.escalated', 'case.resolved', 'metric.alert', 'digest']);
    expect(isEventType('case.opened')).toBe(true);
    expect(isEventType('case.deleted')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });
});

describe('event ids', () => {
  it('are the same for the same case, type and sequence, so every retry carries the same webhook-id', () => {
    const id = eventId('resp1', 'case.opened', 1);
    expect(id).toMatch(/^evt_[a-z0-9]{24}$/);
    expect(eventId('resp1', 'case.opened', 1)).toBe(id);
    expect(new Set([id, eventId('resp1', 'case.updated', 1), eventId('resp1', 'case.opened', 2), eventId('resp2', 'case.opened', 1)]).size).toBe(4);
  });

  it('refuse a negative or fractional sequence', () => {
    expect(() => eventId('resp1', 'case.opened', -1)).toThrow('sequence');
    expect(() => eventId('resp1', 'case.opened', 1.5)).toThrow('sequence');
  });
});

describe('caseEventData', () => {
  it('carries ids, scores, touchpoint, channel, severity, due times, comment, customer and the case URL', () => {
    const alert = alertCase();
    expect(caseEventData(alert, CASE_URL)).toEqual({
      caseId: 'resp1',
      responseId: 'resp1',
      surveyId: 'srv1',
      surveyName: 'Delivery check',
      touchpoint: 'delivery',
      channel: 'web',
      customerId: 'cust-1',
      severity: alert.severity,
      status: 'open',
      reasons: alert.reasons,
      scores: { nps: 2, csat: 1, loyaltyIndex: 20, severity: alert.scores.severity },
      comment: 'Parcel arrived late and broken',
      createdAt: NOW.toISOString(),
      acknowledgeBy: alert.acknowledgeBy,
      dueAt: alert.dueAt,
      caseUrl: CASE_URL,
      change: { action: 'opened', at: alert.createdAt },
    });
  });

  it('keeps the first 1,000 characters of a long comment, never half an emoji', () => {
    const data = caseEventData(alertCase('😀'.repeat(1500)), CASE_URL);
    expect(Array.from(data.comment!)).toHaveLength(MAX_EVENT_COMMENT);
    expect(data.comment).toBe('😀'.repeat(1000));
    expect(data.commentTruncated).toBe(true);
    expect(caseEventData(alertCase('x'.repeat(1000)), CASE_URL).commentTruncated).toBeUndefined();
  });

  it('leaves out owners, contacts, staff notes, failures and anything unknown on the stored item', () => {
    const alert = {
      ...alertCase(),
      owner: 'owner@example.com',
      escalateTo: 'boss@example.com',
      history: [{ at: NOW.toISOString(), action: 'note', by: 'agent@example.com', note: 'called, key sk_live_secret' }],
      noticeFailure: { message: 'token=tok_leak', at: NOW.toISOString(), attempts: 1, retryAt: NOW.toISOString() },
      apiKey: 'cxk_should_not_leave',
      token: 'tok_should_not_leave',
    } as AlertCase;
    const json = JSON.stringify(caseEventData(alert, CASE_URL));
    for (const secret of ['owner@example.com', 'boss@example.com', 'agent@example.com', 'sk_live_secret', 'tok_leak', 'cxk_should_not_leave', 'tok_should_not_leave', 'questionId']) {
      expect(json).not.toContain(secret);
    }
  });

  it('carries the lifecycle of a resolved, escalated case', () => {
    const data = caseEventData(alertCase(undefined, { status: 'resolved', acknowledgedAt: '2026-11-24T13:00:00.000Z', resolvedAt: '2026-11-24T14:00:00.000Z', escalationLevel: 1 }), CASE_URL);
    expect(data).toMatchObject({ status: 'resolved', acknowledgedAt: '2026-11-24T13:00:00.000Z', resolvedAt: '2026-11-24T14:00:00.000Z', escalationLevel: 1 });
  });
});

describe('envelopes', () => {
  it('are { type, version: 1, id, occurredAt, data } with the deterministic id', () => {
    const alert = alertCase();
    const event = caseEvent('case.opened', alert, CASE_URL, NOW);
    expect(event).toEqual({ type: 'case.opened', version: 1, id: eventId('resp1', 'case.opened', 1), occurredAt: NOW.toISOString(), data: caseEventData(alert, CASE_URL) });
    expect(caseEvent('case.opened', alert, CASE_URL, new Date()).id).toBe(event.id);
    const later = { ...alert, history: [...alert.history, { at: NOW.toISOString(), action: 'acknowledged', by: 'a' }] };
    expect(caseEvent('case.updated', later, CASE_URL, NOW).id).not.toBe(caseEvent('case.updated', alert, CASE_URL, NOW).id);
  });

  it('carry a completed response without its contact details or attributes', () => {
    const r = response({ nps: 9 }, { contact: { email: 'c@example.com', phone: '+15550100' }, attributes: { order: 'o-1' }, scores: { nps: { questionId: 'nps', value: 9, category: 'promoter' }, severity: 'none', revision: 1 } });
    const event = eventEnvelope('response.completed', responseEventData(r, 'fine'), { subjectId: r.id, sequence: r.revision, occurredAt: r.submittedAt });
    expect(event.data).toEqual({ responseId: 'resp1', surveyId: 'srv1', touchpoint: 'delivery', channel: 'web', customerId: 'cust-1', submittedAt: NOW.toISOString(), scores: { nps: 9, severity: 'none' }, comment: 'fine' });
    expect(JSON.stringify(event)).not.toMatch(/c@example|5550100|o-1/);
  });
});

describe('firstCharacters', () => {
  it('cuts between what a reader sees as characters: never inside a family emoji or an accented letter', () => {
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    expect(firstCharacters(`ab${family}`, 4)).toEqual({ text: 'ab', truncated: true });
    expect(firstCharacters('abe\u0301z', 3)).toEqual({ text: 'ab', truncated: true });
    expect(firstCharacters('abe\u0301z', 4)).toEqual({ text: 'abe\u0301', truncated: true });
    expect(firstCharacters(`ab${family}`, 10)).toEqual({ text: `ab${family}`, truncated: false });
  });
});
