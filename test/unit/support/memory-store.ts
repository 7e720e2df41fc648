import type { CommentAnalysis } from '../../../lambdas/domain/comments/analysis';
import type { AnalysisStore, ThemeSetStore } from '../../../lambdas/domain/comments/ports';
import type { ThemeSet } from '../../../lambdas/domain/comments/themes/taxonomy';
import type { AlertCase, NotificationChannel } from '../../../lambdas/domain/loop/alerts';
import type { AlertRuleSet } from '../../../lambdas/domain/surveys/alert-rules';
import type { ContactHistory } from '../../../lambdas/domain/people/ports';
import type { FatigueRules } from '../../../lambdas/domain/surveys/survey-schema';
import type { ProfileSnapshot } from '../../../lambdas/domain/people/customers';
import type { CustomerProfile } from '../../../lambdas/domain/people/customer-schema';
import { nextDeadline } from '../../../lambdas/domain/loop/cases';
import { seesCase, type KeyScope } from '../../../lambdas/domain/people/roles';
import type { ApiKeyRecord, ApiKeyStore, ContactHistoryStore, CustomerStore, TimelineKind } from '../../../lambdas/domain/people/ports';
import type { CaseFilter, CaseStore } from '../../../lambdas/domain/loop/ports';
import type { FatigueSettingsStore, Invitation, InvitationStore, SuppressionStore } from '../../../lambdas/domain/outreach/ports';
import type { Page, PageRequest, PutOutcome } from '../../../lambdas/domain/kernel/store';
import type { ProcessingFailure, ResponseStore, SurveyStore } from '../../../lambdas/domain/surveys/ports';
import type { SurveyResponse } from '../../../lambdas/domain/surveys/response';
import type { ResponseScores } from '../../../lambdas/domain/surveys/scores';
import type { Survey, SurveyStatus } from '../../../lambdas/domain/surveys/survey';

/** Every store port in memory, for domain unit tests: the same conditional-write semantics as the DynamoDB stores. */
/** As the table stores it: pending when marked so, or without the scores of its own revision. */
const owesProcessing = (r: SurveyResponse) => r.pending === true || r.scores?.revision !== r.revision;

export class MemoryStore
  implements SurveyStore, ResponseStore, AnalysisStore, ThemeSetStore, CaseStore, InvitationStore, SuppressionStore, FatigueSettingsStore, CustomerStore, ContactHistoryStore, ApiKeyStore
{
  /** This store as each named port a domain function takes (`{ ...store.ports, email, now }`). */
  get ports() {
    return { surveys: this, responses: this, analyses: this, themeSets: this, cases: this, invitations: this, suppressions: this, fatigueSettings: this, customers: this, contacts: this, apiKeys: this } as const;
  }

  readonly surveys = new Map<string, Survey>();
  readonly responses = new Map<string, SurveyResponse>();
  readonly alerts = new Map<string, AlertCase>();
  readonly invitations = new Map<string, Invitation>();
  readonly apiKeys = new Map<string, ApiKeyRecord>();

  private putNew<T>(map: Map<string, T>, id: string, value: T): Promise<PutOutcome> {
    if (map.has(id)) return Promise.resolve('exists');
    map.set(id, structuredClone(value));
    return Promise.resolve('created');
  }
  private page<T>(items: T[], page: PageRequest): Promise<Page<T>> {
    const start = page.cursor ? Number(page.cursor) : 0;
    const slice = items.slice(start, start + page.limit);
    const next = start + page.limit < items.length ? String(start + page.limit) : undefined;
    return Promise.resolve(next ? { items: slice, nextCursor: next } : { items: slice });
  }

  putSurvey = (s: Survey) => this.putNew(this.surveys, s.id, s);
  getSurvey = async (id: string) => this.surveys.get(id);
  readonly ruleVersions = new Map<string, AlertRuleSet>();
  saveAlertRules = async (set: AlertRuleSet, expectedVersion: number) => {
    const survey = this.surveys.get(set.surveyId);
    if (!survey || (survey.alertRules?.version ?? 0) !== expectedVersion) return false;
    this.surveys.set(set.surveyId, { ...survey, alertRules: set });
    this.ruleVersions.set(`${set.surveyId}/${set.version}`, set);
    return true;
  };
  getAlertRules = async (surveyId: string, version: number) => this.ruleVersions.get(`${surveyId}/${version}`);
  readonly themeSetVersions = new Map<string, ThemeSet>();
  saveThemeSet = async (set: ThemeSet, expectedVersion: number) => {
    const survey = this.surveys.get(set.surveyId);
    if (!survey || (survey.themeSet?.version ?? 0) !== expectedVersion) return false;
    this.surveys.set(set.surveyId, { ...survey, themeSet: set });
    this.themeSetVersions.set(`${set.surveyId}/${set.version}`, set);
    return true;
  };
  getThemeSet = async (surveyId: string, version: number) => this.themeSetVersions.get(`${surveyId}/${version}`);
  saveAnalysis = async (id: string, analysis: CommentAnalysis) => {
    const r = this.responses.get(id);
    if (!r || r.revision !== analysis.revision) return false;
    const { analysisOwed: _read, ...rest } = r;
    this.responses.set(id, { ...rest, analysis });
    return true;
  };
  replaceDefinition = async (s: Survey, expectedVersion: number) => {
    const current = this.surveys.get(s.id);
    if (!current || (current.version ?? 0) !== expectedVersion) return false;
    this.surveys.set(s.id, { ...structuredClone(s), ...(current.alertRules && { alertRules: current.alertRules }), ...(current.status && { status: current.status }) });
    return true;
  };
  setStatus = async (id: string, status: SurveyStatus, now: Date) => {
    const current = this.surveys.get(id);
    if (!current) return undefined;
    const { archivedAt, ...rest } = current;
    const next: Survey = status === 'archived' ? { ...rest, status, archivedAt: archivedAt ?? now.toISOString() } : { ...rest, status };
    this.surveys.set(id, next);
    return next;
  };
  listSurveys = (page: PageRequest, keep: (s: Survey) => boolean = () => true) =>
    this.page([...this.surveys.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).filter(keep), page);
  putResponse = async (r: SurveyResponse) => {
    const outcome = await this.putNew(this.responses, r.id, r);
    if (outcome === 'created' && owesProcessing(r)) this.pending.set(r.id, new Date().toISOString());
    return outcome;
  };
  saveResponseRevision = async (r: SurveyResponse): Promise<PutOutcome> => {
    const current = this.responses.get(r.id);
    if (current && current.revision >= r.revision) return 'exists';
    this.responses.set(r.id, structuredClone(r));
    // A new revision replaces the item, and with it any hold.
    this.held.delete(r.id);
    if (owesProcessing(r)) this.pending.set(r.id, new Date().toISOString());
    else this.pending.delete(r.id);
    return 'created';
  };
  getResponse = async (id: string) => this.responses.get(id);
  listResponses = (surveyId: string, page: PageRequest) => this.page([...this.responses.values()].filter((r) => r.surveyId === surveyId), page);
  listResponsesSubmitted = (surveyId: string, days: { from: string; to: string }, page: PageRequest) =>
    this.page([...this.responses.values()].filter((r) => r.surveyId === surveyId && r.submittedAt.slice(0, 10) >= days.from && r.submittedAt.slice(0, 10) <= days.to), page);
  /** Ids of unfinished responses, with when their answers were written (the sparse index's sort key). */
  readonly pending = new Map<string, string>();
  readonly failures = new Map<string, ProcessingFailure>();
  completeProcessing = async (id: string, scores: ResponseScores, profile?: ProfileSnapshot, analysis?: CommentAnalysis) => {
    const r = this.responses.get(id);
    if (!r || r.revision !== scores.revision) return false;
    const { pending: _done, analysisOwed, ...rest } = r;
    this.responses.set(id, { ...rest, scores, ...(profile && { profile }), ...(analysis ? { analysis } : analysisOwed && { analysisOwed }) });
    this.pending.delete(id);
    this.held.delete(id);
    this.failures.delete(id);
    return true;
  };
  recordProcessingFailure = async (id: string, revision: number, failure: ProcessingFailure) => {
    const r = this.responses.get(id);
    if (!(this.pending.has(id) || this.parked.has(id)) || r?.revision !== revision) return;
    this.failures.set(id, failure);
    this.responses.set(id, { ...r, processingFailure: failure });
    // As the table's index: due again at `retryAt`, or parked.
    if (failure.parked) {
      this.pending.delete(id);
      this.parked.add(id);
    } else if (failure.retryAt) this.pending.set(id, failure.retryAt);
  };
  /** Oldest first, as the index sorts them. */
  listPendingResponses = async (writtenBefore: string, limit: number) =>
    [...this.pending]
      .filter(([, at]) => at < writtenBefore)
      .sort(([, a], [, b]) => a.localeCompare(b))
      .slice(0, limit)
      .map(([id]) => id);
  /** Held responses, with when they are due. */
  readonly held = new Map<string, string>();
  holdProcessing = async (id: string, revision: number, until: Date) => {
    if (!this.pending.has(id) || this.responses.get(id)?.revision !== revision) return;
    this.pending.delete(id);
    this.held.set(id, until.toISOString());
  };
  listHeldResponses = async (dueBy: string, limit: number) =>
    [...this.held].filter(([, at]) => at <= dueBy).sort(([, a], [, b]) => a.localeCompare(b)).slice(0, limit).map(([id]) => id);
  readonly parked = new Set<string>();
  listParkedResponses = async (limit: number) => [...this.parked].slice(0, limit);
  unparkResponse = async (id: string, now: Date) => {
    if (!this.parked.delete(id)) return;
    this.pending.set(id, now.toISOString());
    const { processingFailure: _forgotten, ...r } = this.responses.get(id)!;
    this.responses.set(id, r);
  };
  readonly claims = new Map<string, { until: string; by: string }>();
  claimAlertNotification = async (id: string, channel: NotificationChannel, claimant: string, now: Date, leaseMs: number) => {
    const a = this.alerts.get(id);
    const claim = this.claims.get(`${id}/${channel}`);
    if (!a || (a.notifications[channel] ?? 'pending') !== 'pending') return false;
    if (claim && claim.until >= now.toISOString() && claim.by !== claimant) return false;
    this.claims.set(`${id}/${channel}`, { until: new Date(now.getTime() + leaseMs).toISOString(), by: claimant });
    return true;
  };
  putAlert = (a: AlertCase) => this.putNew(this.alerts, a.id, a);
  getAlert = async (id: string) => this.alerts.get(id);
  releaseAlertNotification = async (id: string, channel: NotificationChannel, claimant: string) => {
    if (this.claims.get(`${id}/${channel}`)?.by === claimant) this.claims.delete(`${id}/${channel}`);
  };
  markAlertNotified = async (id: string, channel: NotificationChannel) => {
    const a = this.alerts.get(id)!;
    this.claims.delete(`${id}/${channel}`);
    this.alerts.set(id, { ...a, notifications: { ...a.notifications, [channel]: 'sent' } });
  };
  recordCaseComment = async (id: string, comment: string, at: Date) => {
    const a = this.alerts.get(id);
    if (!a || a.comment === comment) return false;
    this.alerts.set(id, { ...a, comment, history: [...a.history, { at: at.toISOString(), action: 'comment', by: 'customer', details: 'the customer added a comment' }] });
    return true;
  };
  saveCaseChange = async (after: AlertCase, expectedVersion: number) => {
    const current = this.alerts.get(after.id);
    if (!current || (current.version ?? 0) !== expectedVersion) return false;
    this.alerts.set(after.id, structuredClone({ ...after, notifications: current.notifications }));
    return true;
  };
  listCases = (filter: CaseFilter, page: PageRequest & { order: 'newest' | 'oldest'; scope?: KeyScope }) => {
    const matching = [...this.alerts.values()]
      .filter((a) => Object.entries(filter).every(([k, v]) => v === undefined || (a as unknown as Record<string, unknown>)[k] === v))
      .filter((a) => !page.scope || seesCase({ keyName: 'scope', role: 'manager', scope: page.scope }, a))
      .sort((a, b) => (page.order === 'newest' ? b.createdAt.localeCompare(a.createdAt) : a.createdAt.localeCompare(b.createdAt)));
    return this.page(matching, page);
  };
  /** As the table's due index sorts them: a failed notice by its retry time, parked ones not at all. */
  private dueAt(a: AlertCase): string | undefined {
    const failed = a.pendingNotice ? a.noticeFailure : undefined;
    if (failed) return failed.parked ? undefined : failed.retryAt;
    return nextDeadline(a)?.at;
  }
  listDueCases = async (before: string, limit: number) =>
    [...this.alerts.values()]
      .map((a) => ({ id: a.id, at: this.dueAt(a) }))
      .filter((a): a is { id: string; at: string } => a.at !== undefined && a.at <= before)
      .sort((a, b) => a.at.localeCompare(b.at))
      .slice(0, limit)
      .map((a) => a.id);
  recordNoticeFailure = async (id: string, failure: NonNullable<AlertCase['noticeFailure']>) => {
    const a = this.alerts.get(id);
    if (a?.pendingNotice) this.alerts.set(id, { ...a, noticeFailure: failure });
  };
  listParkedCases = async (limit: number) => [...this.alerts.values()].filter((a) => a.pendingNotice && a.noticeFailure?.parked).slice(0, limit).map((a) => a.id);
  unparkCase = async (id: string) => {
    const a = this.alerts.get(id);
    if (!a?.noticeFailure?.parked) return;
    const { noticeFailure: _forgotten, ...rest } = a;
    this.alerts.set(id, rest);
  };
  putInvitation = (i: Invitation) => this.putNew(this.invitations, i.id, i);
  getInvitation = async (id: string) => this.invitations.get(id);
  readonly invitationClaims = new Map<string, { until: string; by: string }>();
  claimInvitation = async (id: string, claimant: string, now: Date, leaseMs: number) => {
    const invitation = this.invitations.get(id);
    const claim = this.invitationClaims.get(id);
    if (!invitation || invitation.sentAt) return false;
    if (claim && claim.until >= now.toISOString() && claim.by !== claimant) return false;
    this.invitationClaims.set(id, { until: new Date(now.getTime() + leaseMs).toISOString(), by: claimant });
    return true;
  };
  releaseInvitation = async (id: string, claimant: string) => {
    if (this.invitationClaims.get(id)?.by === claimant) this.invitationClaims.delete(id);
  };
  recordLinkOpened = async (id: string, score: number | undefined, now: Date) => {
    const found = this.invitations.get(id);
    if (!found) return undefined;
    const scores = new Set(found.openedScores ?? []);
    if (score !== undefined) scores.add(String(score));
    const opened = { ...found, openedAt: found.openedAt ?? now.toISOString(), openCount: (found.openCount ?? 0) + 1, ...(scores.size && { openedScores: [...scores].sort() }) };
    this.invitations.set(id, opened);
    return opened;
  };
  recordInvitationEvent = async (id: string, event: 'deliveredAt' | 'bouncedAt' | 'complainedAt', at: string) => {
    const found = this.invitations.get(id);
    if (!found) return false;
    if (!found[event]) this.invitations.set(id, { ...found, [event]: at });
    return true;
  };
  markInvitationSent = async (id: string, sentAt: string) => {
    this.invitations.set(id, { ...this.invitations.get(id)!, sentAt });
    this.invitationClaims.delete(id);
  };
  readonly suppressions = new Map<string, { key: string; since: string; via: string }>();
  getSuppression = async (key: string) => this.suppressions.get(key);
  putSuppression = async (key: string, since: string, via: string) => void this.suppressions.set(key, { key, since, via });
  deleteSuppression = async (key: string) => void this.suppressions.delete(key);
  readonly customers = new Map<string, CustomerProfile>();
  readonly timeline: { customerId: string; kind: string; at: string; itemId: string }[] = [];
  putCustomer = async (p: CustomerProfile) => void this.customers.set(p.customerId, p);
  getCustomer = async (id: string) => this.customers.get(id);
  addToCustomerTimeline = async (customerId: string, kind: TimelineKind, at: string, itemId: string) => {
    if (!this.timeline.some((t) => t.customerId === customerId && t.kind === kind && t.itemId === itemId)) this.timeline.push({ customerId, kind, at, itemId });
  };
  customerTimeline = async (customerId: string, kind: 'RESPONSE' | 'CASE', limit: number) =>
    this.timeline
      .filter((t) => t.customerId === customerId && t.kind === kind)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, limit)
      .map((t) => t.itemId);
  readonly contacts = new Map<string, ContactHistory>();
  fatigue: FatigueRules | undefined;
  getContactHistory = async (key: string) => this.contacts.get(key);
  recordContact = async (key: string, kind: 'invited' | 'answered', at: string) => {
    const h = this.contacts.get(key) ?? { invitedAt: [] };
    this.contacts.set(key, kind === 'invited' ? { ...h, invitedAt: [...h.invitedAt, at] } : { ...h, answeredAt: at });
  };
  getFatigueSettings = async () => this.fatigue;
  putFatigueSettings = async (rules: FatigueRules) => void (this.fatigue = rules);
  putApiKey = (k: ApiKeyRecord) => this.putNew(this.apiKeys, k.keyHash, k);
  getApiKey = async (hash: string) => this.apiKeys.get(hash);
  listApiKeys = async () => [...this.apiKeys.values()];
  revokeApiKey = async (keyId: string, now: Date) => {
    const found = [...this.apiKeys.values()].find((k) => k.keyId === keyId);
    if (!found) return undefined;
    const revoked = found.revokedAt ? found : { ...found, revokedAt: now.toISOString() };
    this.apiKeys.set(found.keyHash, revoked);
    return revoked;
  };
}
