import { randomUUID } from 'node:crypto';
import { DomainError } from '../kernel/errors';
import { sendOnce, type NoticeDeps } from './alerting';
import { nextTry } from './processing-steps';
import type { AlertCase, CaseStatus } from './alerts';
import type { CaseAction } from './case-requests';
import type { AlertPublisher, EmailSender } from '../kernel/senders';
import type { CaseMessages, CaseStore } from './ports';

/** From which statuses each action may be taken; anything else is a conflict (409). */
const ALLOWED_FROM: Record<CaseAction['action'], readonly CaseStatus[]> = {
  acknowledge: ['open', 'escalated'],
  note: ['open', 'acknowledged', 'escalated', 'resolved'],
  assign: ['open', 'acknowledged', 'escalated'],
  resolve: ['open', 'acknowledged', 'escalated'],
  reopen: ['resolved'],
  escalate: ['open', 'acknowledged', 'escalated'],
};

/** Whether a case in its present state takes this action: its status allows it, and an escalation has a level left and no notice still going out. */
export function mayTake(kase: Pick<AlertCase, 'status' | 'escalationLevel' | 'pendingNotice'>, action: CaseAction['action']): boolean {
  if (!ALLOWED_FROM[action].includes(kase.status)) return false;
  return action !== 'escalate' || ((kase.escalationLevel ?? 0) < 2 && !kase.pendingNotice);
}

const conflict = (kase: AlertCase, action: string) =>
  new DomainError(409, 'illegal_transition', `a case that is ${kase.status} cannot be given "${action}"`, [
    { field: 'action', message: `not allowed while the case is ${kase.status}` },
  ]);

/**
 * The case after a person's action, with the event appended (who, when, what). Pure; illegal transitions
 * throw a 409. Acknowledging or resolving also ends the SLA clock that was running.
 */
export function applyCaseAction(kase: AlertCase, action: CaseAction, by: string, now: Date): AlertCase {
  if (!ALLOWED_FROM[action.action].includes(kase.status)) throw conflict(kase, action.action);
  if (!mayTake(kase, action.action)) {
    throw new DomainError(409, 'illegal_transition', 'this case is already escalated as far as it goes, or its escalation notice is still going out', [
      { field: 'action', message: `escalation level ${kase.escalationLevel ?? 0}` },
    ]);
  }
  const at = now.toISOString();
  const event = { at, action: action.action, by, ...('note' in action && action.note && { note: action.note }) };
  const history = [...kase.history, event];
  switch (action.action) {
    case 'acknowledge':
      return { ...kase, status: 'acknowledged', acknowledgedAt: at, history };
    case 'note':
      return { ...kase, history };
    case 'assign':
      return {
        ...kase,
        owner: action.owner,
        ...(action.team && { team: action.team }),
        history: [...kase.history, { ...event, details: `to ${action.owner}${action.team ? ` (${action.team})` : ''}` }],
      };
    case 'resolve':
      return { ...kase, status: 'resolved', resolvedAt: at, resolution: action.resolution, history: [...kase.history, { ...event, details: action.resolution }] };
    case 'escalate': {
      // The next level, as the sweep would reach it; the notice goes out with the next escalation sweep.
      const level = (kase.escalationLevel ?? 0) + 1;
      return {
        ...kase,
        status: 'escalated',
        escalationLevel: level,
        pendingNotice: level,
        escalateTo: action.to,
        history: [...kase.history, { ...event, action: 'escalated', details: `level ${level} to ${action.to}, by hand` }],
      };
    }
    case 'reopen': {
      const { resolvedAt: _resolvedAt, resolution: _resolution, ...open } = kase;
      return { ...open, status: 'open', history };
    }
  }
}

/** The next deadline the case is waiting on, or undefined once resolved. */
export function nextDeadline(kase: Pick<AlertCase, 'status' | 'acknowledgeBy' | 'dueAt' | 'escalationLevel' | 'pendingNotice' | 'createdAt'>): { level: number; at: string } | undefined {
  // An escalation whose notice did not go out is due at once, whatever happened to the case since.
  if (kase.pendingNotice) return { level: kase.pendingNotice, at: kase.createdAt };
  if (kase.status === 'resolved') return undefined;
  const level = kase.escalationLevel ?? 0;
  if (level < 1 && kase.status !== 'acknowledged' && kase.acknowledgeBy) return { level: 1, at: kase.acknowledgeBy };
  if (level < 2) return { level: 2, at: kase.dueAt };
  return undefined;
}

/**
 * The escalation a case is due for at `now`, or undefined: level 1 when nobody acknowledged it in time,
 * level 2 when it is not resolved in time. Each level happens once.
 */
export function dueEscalation(kase: AlertCase, now: Date): { level: 1 | 2; reason: string } | undefined {
  if (kase.pendingNotice) return undefined;
  const deadline = nextDeadline(kase);
  if (!deadline || deadline.at > now.toISOString()) return undefined;
  return deadline.level === 1
    ? { level: 1, reason: `not acknowledged by ${deadline.at}` }
    : { level: 2, reason: `not resolved by ${deadline.at}` };
}

/** The case after the system escalated it: status escalated, the level recorded once, an event in the history. */
export function escalate(kase: AlertCase, escalation: { level: 1 | 2; reason: string }, to: string, now: Date): AlertCase {
  return {
    ...kase,
    status: 'escalated',
    escalationLevel: escalation.level,
    pendingNotice: escalation.level,
    history: [...kase.history, { at: now.toISOString(), action: 'escalated', by: 'system', details: `level ${escalation.level} to ${to}: ${escalation.reason}` }],
  };
}

/** How often an action is re-applied to a case that changed meanwhile before it gives up (409). */
const ACT_ATTEMPTS = 12;

export interface CaseDeps {
  readonly cases: CaseStore;
  readonly now: Date;
}

const notFoundCase = () => new DomainError(404, 'not_found', 'case was not found', [{ field: 'caseId', message: 'no case with this id' }]);

/**
 * Applies a person's action to the stored case. The write is conditional on the version read, so two
 * people acting at once never lose an event: the later one is re-applied to the fresh case (and refused
 * with 409 if it no longer applies).
 */
export async function actOnCase(deps: CaseDeps, id: string, action: CaseAction, by: string): Promise<AlertCase> {
  for (let attempt = 0; attempt < ACT_ATTEMPTS; attempt++) {
    // Many people at once: each lost race waits a little longer, at random, before reading the case again.
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(attempt, 5)));
    const kase = await deps.cases.getAlert(id);
    if (!kase) throw notFoundCase();
    const after = applyCaseAction(kase, action, by, deps.now);
    const version = kase.version ?? 0;
    if (await deps.cases.saveCaseChange({ ...after, version: version + 1 }, version)) return { ...after, version: version + 1 };
  }
  throw new DomainError(409, 'concurrent_change', 'the case changed while this was saved; reload it and try again', [{ field: 'caseId', message: 'changed meanwhile' }]);
}

export interface EscalationDeps extends CaseDeps, NoticeDeps {
  readonly email: EmailSender;
  readonly publisher: AlertPublisher;
  readonly messages: Pick<CaseMessages, 'escalationEmail'>;
  /** Signed case link for whoever receives the notice. */
  readonly caseLink: (kase: AlertCase, recipient: string) => string;
}

/**
 * Escalates every unresolved case past its deadline, once per level: the level is recorded with a
 * conditional write, then its notices go out, each at most once (claimed and marked per case, level and
 * route like an alert's: e-mail to the survey's escalation contact, or the owner, and a `cx.case.escalated`
 * message on the alert topic), then the escalation is recorded as notified. A notice that failed is retried
 * by the next sweep without repeating the one that went out; the report lists the case as failed.
 */
export async function escalateDueCases(deps: EscalationDeps, limit = 200): Promise<{ escalated: number; notices: number; failed: string[] }> {
  let escalated = 0;
  let notices = 0;
  const failed: string[] = [];
  for (const id of await deps.cases.listDueCases(deps.now.toISOString(), limit)) {
    let kase: AlertCase | undefined;
    try {
      kase = await deps.cases.getAlert(id);
      if (!kase) continue;
      if (!kase.pendingNotice) {
        const due = dueEscalation(kase, deps.now);
        if (!due) continue;
        const to = kase.escalateTo ?? kase.owner;
        const version = kase.version ?? 0;
        const after = { ...escalate(kase, due, to, deps.now), version: version + 1 };
        if (!(await deps.cases.saveCaseChange(after, version))) continue;
        kase = after;
        escalated += 1;
      }
      await sendEscalationNotices(deps, kase);
      notices += 1;
    } catch (error) {
      failed.push(id);
      // Waits longer each time, so a case that keeps failing never holds up the others; parked in the end.
      if (kase?.pendingNotice) {
        const attempts = (kase.noticeFailure?.attempts ?? 0) + 1;
        const { retryAt, parked } = nextTry(attempts, deps.now);
        const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        await deps.cases.recordNoticeFailure(id, { message, at: deps.now.toISOString(), attempts, retryAt, ...(parked && { parked }) }).catch(() => undefined);
      }
    }
  }
  return { escalated, notices, failed };
}

async function sendEscalationNotices(deps: EscalationDeps, kase: AlertCase): Promise<void> {
  const level = kase.pendingNotice === 2 ? 2 : 1;
  const to = kase.escalateTo ?? kase.owner;
  const claimant = randomUUID();
  await sendOnce(deps, kase.id, `escalation${level}-email`, claimant, () => deps.email.send(deps.messages.escalationEmail(kase, to, deps.caseLink(kase, to))));
  await sendOnce(deps, kase.id, `escalation${level}-sns`, claimant, () =>
    deps.publisher.publish(
      { type: 'cx.case.escalated', version: 1, caseId: kase.id, level, status: kase.status, owner: kase.owner, escalatedTo: to, severity: kase.severity, surveyId: kase.surveyId, touchpoint: kase.touchpoint, dueAt: kase.dueAt },
      { severity: kase.severity, touchpoint: kase.touchpoint, channel: kase.channel, surveyId: kase.surveyId },
    ),
  );
  // Both notices are out: the escalation stops being pending, on the case as it is now (someone may have acted).
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.cases.getAlert(kase.id);
    if (!current || current.pendingNotice !== level) return;
    const version = current.version ?? 0;
    const { pendingNotice: _sent, ...notified } = current;
    if (await deps.cases.saveCaseChange({ ...notified, version: version + 1 }, version)) return;
  }
  throw new Error(`case ${kase.id} kept changing while its escalation was recorded as notified`);
}

/** Cases whose escalation notice is parked, with why (`cx replay --list`). */
export async function parkedCases(deps: Pick<CaseDeps, 'cases'>, limit: number): Promise<{ readonly caseId: string; readonly failure?: AlertCase['noticeFailure'] }[]> {
  const parked = [];
  for (const id of await deps.cases.listParkedCases(limit)) {
    const kase = await deps.cases.getAlert(id);
    if (kase) parked.push({ caseId: id, ...(kase.noticeFailure && { failure: kase.noticeFailure }) });
  }
  return parked;
}

/** Puts parked escalation notices back in front of the next run (`cx replay --parked`). */
export async function retryParkedCases(deps: CaseDeps, limit: number): Promise<number> {
  const ids = await deps.cases.listParkedCases(limit);
  // Due a minute ago: the escalation run that follows takes them.
  for (const id of ids) await deps.cases.unparkCase(id, new Date(deps.now.getTime() - 60_000));
  return ids.length;
}
