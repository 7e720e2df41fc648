import type { AlertCase } from './alerts';
import type { SurveyResponse } from './response';
import type { ResponseScores } from './scoring';
import type { Survey } from './survey';

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  readonly nextCursor?: string;
}
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface Invitation {
  readonly id: string;
  readonly surveyId: string;
  readonly channel: 'email' | 'sms';
  readonly contact: { readonly email?: string; readonly phone?: string; readonly name?: string };
  readonly customerId?: string;
  readonly attributes?: Record<string, string>;
  readonly createdAt: string;
  /** Seconds since the epoch; the table's TTL removes the invitation afterwards. */
  readonly expiresAt: number;
  /** Set once the invitation went out, so a retried request does not send it again. */
  readonly sentAt?: string;
}

export interface ApiKeyRecord {
  readonly keyHash: string;
  readonly name: string;
  readonly role: 'admin';
  readonly createdAt: string;
}

/** `created` on first write, `exists` when the same key was written before (a retry). */
export type PutOutcome = 'created' | 'exists';

export interface FeedbackStore {
  putSurvey(survey: Survey): Promise<PutOutcome>;
  getSurvey(id: string): Promise<Survey | undefined>;

  putResponse(response: SurveyResponse): Promise<PutOutcome>;
  /**
   * Writes a response that grows over time (a call, an SMS exchange): only a higher revision replaces the
   * stored one, so a retried or late write never goes back. `exists` when nothing was written.
   */
  saveResponseRevision(response: SurveyResponse): Promise<PutOutcome>;
  getResponse(id: string): Promise<SurveyResponse | undefined>;
  listResponses(surveyId: string, page: PageRequest): Promise<Page<SurveyResponse>>;
  /** Writes scores only while the response is still at `scores.revision`; false when it moved on. */
  saveScores(responseId: string, scores: ResponseScores): Promise<boolean>;

  putAlert(alert: AlertCase): Promise<PutOutcome>;
  getAlert(id: string): Promise<AlertCase | undefined>;
  markAlertNotified(id: string, channel: keyof AlertCase['notifications']): Promise<void>;
  listAlerts(page: PageRequest): Promise<Page<AlertCase>>;

  putInvitation(invitation: Invitation): Promise<PutOutcome>;
  getInvitation(id: string): Promise<Invitation | undefined>;
  markInvitationSent(id: string, sentAt: string): Promise<void>;

  putApiKey(key: ApiKeyRecord): Promise<PutOutcome>;
  getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
}

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}
export interface AlertPublisher {
  publish(message: object, attributes: Record<string, string>): Promise<void>;
}
