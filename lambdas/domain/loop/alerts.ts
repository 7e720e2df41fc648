import { commentOf, type SurveyResponse } from '../surveys/response';
import { describe, matchingRules } from './alert-rules';
import { scoreResponse, worstSeverity } from '../scoring/scoring';
import type { ResponseScores, Severity } from '../surveys/scores';
import type { Survey } from '../surveys/survey';

export type CaseStatus = 'open' | 'acknowledged' | 'resolved' | 'escalated';

/** One change of a case: who did what, when. */
export interface CaseEvent {
  readonly at: string;
  readonly action: string;
  readonly by: string;
  readonly note?: string;
  readonly details?: string;
}
export type NotificationState = 'pending' | 'sent';
/** Where a notice goes: the owner's e-mail (or the escalation contact's) and the SNS topic. */
export type NoticeRoute = 'email' | 'sns';
/** One notice of a case, sent at most once: the alert on each route, each escalation level's on each route, the follow-up of a late comment. */
export type NotificationChannel = NoticeRoute | `escalation${1 | 2}-${NoticeRoute}` | 'comment-email';

/** An alert is also the case someone must act on: one per response, owned, with an SLA. */
export interface AlertCase {
  readonly id: string;
  readonly responseId: string;
  readonly surveyId: string;
  readonly surveyName: string;
  readonly touchpoint: string;
  readonly channel: SurveyResponse['channel'];
  readonly customerId?: string;
  readonly owner: string;
  readonly severity: Severity;
  readonly reasons: readonly string[];
  readonly scores: ResponseScores;
  readonly comment?: string;
  /** Destinations the survey's matching rules route this case to: they get its events whatever their filter. */
  readonly destinations?: readonly string[];
  /** The comment's themes, when it was read before the case opened (rules that read it): destinations filter on them. */
  readonly themes?: readonly string[];
  readonly status: CaseStatus;
  readonly createdAt: string;
  /** When someone must have acknowledged it; past that it escalates (level 1). */
  readonly acknowledgeBy?: string;
  /** When the SLA runs out: it must be resolved by then, or it escalates (level 2). */
  readonly dueAt: string;
  readonly team?: string;
  readonly acknowledgedAt?: string;
  readonly resolvedAt?: string;
  readonly resolution?: string;
  /** Highest escalation level reached (1: not acknowledged in time, 2: not resolved in time). */
  readonly escalationLevel?: number;
  /** Where escalations go besides the SNS topic: the survey's escalation contact. */
  readonly escalateTo?: string;
  /** An escalation recorded whose notice is not sent yet (sent by the next escalation sweep). */
  readonly pendingNotice?: number;
  /** Why the escalation's notice last failed, how often, and when it is tried again (or that it is parked). */
  readonly noticeFailure?: { readonly message: string; readonly at: string; readonly attempts: number; readonly retryAt: string; readonly parked?: boolean };
  /** Optimistic-lock counter of the case's lifecycle writes. */
  readonly version?: number;
  /** The alert's notices from the start; an escalation's appear when they are claimed. */
  readonly notifications: Readonly<Record<NoticeRoute, NotificationState> & Partial<Record<NotificationChannel, NotificationState>>>;
  readonly history: readonly CaseEvent[];
  /** The survey's time zone when the case was opened: its messages and page show times in it. */
  readonly timeZone?: string;
  /** The customer's CRM segment when the case was opened (from the response's profile snapshot). */
  readonly segment?: string;
  /** The response's retention (table TTL), when its survey has one. */
  readonly expiresAt?: number;
}

/** What each score measures, in the words of the reasons a case is opened for. */
export const SCORE_WORDS = { nps: 'Likelihood to recommend', csat: 'Satisfaction', ces: 'Effort' } as const;

/** Which of the survey's thresholds a response crosses. Empty when the experience was fine. */
export function alertReasons(survey: Pick<Survey, 'questions' | 'alert'>, response: Pick<SurveyResponse, 'answers'>): string[] {
  if (!survey.alert.enabled) return [];
  const reasons: string[] = [];
  for (const q of survey.questions) {
    const value = response.answers[q.id];
    if (typeof value !== 'number') continue;
    if (q.type === 'nps' && value <= survey.alert.npsAtMost) reasons.push(`${SCORE_WORDS.nps}: ${value} — alert at ${survey.alert.npsAtMost} or below`);
    if (q.type === 'csat' && value <= survey.alert.csatAtMost) reasons.push(`${SCORE_WORDS.csat}: ${value} — alert at ${survey.alert.csatAtMost} or below`);
    if (q.type === 'ces' && value >= survey.alert.cesAtLeast) reasons.push(`${SCORE_WORDS.ces}: ${value} — alert at ${survey.alert.cesAtLeast} or above`);
  }
  return reasons;
}

/**
 * Why a response needs a case, at what severity at least, and who gets it. A survey's alert rules (stored
 * with it, versioned) replace its thresholds while it has any; every matching rule is a reason, the worst
 * severity wins, and the first matching rule that routes picks owner and team. Pure.
 */
export function caseDecision(
  survey: Survey,
  response: SurveyResponse,
  scores: ResponseScores,
  comment: string | undefined,
): { reasons: string[]; severity: Severity; owner: string; team?: string; destinations?: string[] } | undefined {
  const rules = survey.alertRules?.rules;
  // No rules (none yet, or deleted back to the thresholds): the survey's thresholds decide.
  if (!rules?.length) {
    const reasons = alertReasons(survey, response);
    // A crossed threshold is at least medium, whatever the per-scale severity says.
    return reasons.length ? { reasons, severity: worstSeverity([scores.severity, 'medium']), owner: survey.ownerEmail } : undefined;
  }
  const matched = matchingRules(rules, { ...response, scores, ...(comment && { comment }) });
  if (matched.length === 0) return undefined;
  const routed = matched.find((r) => (r.routeTo?.profileField && response.profile?.[r.routeTo.profileField]) || r.routeTo?.owner);
  const routedOwner = routed?.routeTo?.profileField ? (response.profile?.[routed.routeTo.profileField] ?? routed.routeTo.owner) : routed?.routeTo?.owner;
  const team = matched.find((r) => r.routeTo?.team)?.routeTo?.team;
  // Every matching rule's destination gets the case (owners are one; destinations add up).
  const destinations = [...new Set(matched.flatMap((r) => (r.routeTo?.destination ? [r.routeTo.destination] : [])))];
  return {
    reasons: matched.map((r) => `${r.name}: ${describe(r.when)}`),
    severity: worstSeverity([scores.severity, ...matched.map((r) => r.severity)]),
    owner: routedOwner ?? survey.ownerEmail,
    ...(team && { team }),
    ...(destinations.length && { destinations }),
  };
}

export function openCase(survey: Survey, response: SurveyResponse, now: Date): AlertCase | undefined {
  const scores = response.scores?.revision === response.revision ? response.scores : scoreResponse(survey, response.answers, response.revision);
  const comment = commentOf(survey, response.answers);
  const decision = caseDecision(survey, response, scores, comment);
  if (!decision) return undefined;
  const { reasons } = decision;
  const createdAt = now.toISOString();
  return {
    id: response.id,
    responseId: response.id,
    surveyId: survey.id,
    surveyName: survey.name,
    touchpoint: response.touchpoint,
    channel: response.channel,
    ...(response.customerId && { customerId: response.customerId }),
    owner: decision.owner,
    ...(decision.team && { team: decision.team }),
    ...(decision.destinations && { destinations: decision.destinations }),
    severity: decision.severity,
    reasons,
    scores,
    ...(comment && { comment }),
    ...(response.analysis?.themes.length && { themes: response.analysis.themes }),
    status: 'open',
    createdAt,
    acknowledgeBy: new Date(now.getTime() + survey.alert.acknowledgeHours * 3600_000).toISOString(),
    dueAt: new Date(now.getTime() + survey.alert.slaHours * 3600_000).toISOString(),
    ...(survey.alert.escalateTo && { escalateTo: survey.alert.escalateTo }),
    ...(survey.timeZone && { timeZone: survey.timeZone }),
    ...(response.profile?.segment && { segment: response.profile.segment }),
    version: 0,
    notifications: { email: 'pending', sns: 'pending' },
    history: [{ at: createdAt, action: 'opened', by: 'system' }],
    // The case goes with its response when the survey's retention ends.
    ...(response.expiresAt && { expiresAt: response.expiresAt }),
  };
}

/** The JSON published on the alert topic for integrations (ticketing, chat, CRM). */
export function alertMessage(alert: AlertCase, responseUrl: string) {
  return {
    type: 'cx.alert.opened',
    version: 1,
    alertId: alert.id,
    responseId: alert.responseId,
    surveyId: alert.surveyId,
    surveyName: alert.surveyName,
    touchpoint: alert.touchpoint,
    channel: alert.channel,
    customerId: alert.customerId ?? null,
    owner: alert.owner,
    severity: alert.severity,
    reasons: alert.reasons,
    scores: alert.scores,
    comment: alert.comment ?? null,
    createdAt: alert.createdAt,
    dueAt: alert.dueAt,
    responseUrl,
  };
}
