import type { CommentAnalysis } from '../comments/analysis';
import type { PageRequest, Page, PutOutcome } from '../kernel/store';
import type { AlertRuleSet } from './alert-rules';
import type { ProfileSnapshot } from '../people/customers';
import type { ProcessingFailure, SurveyResponse } from './response';
import type { ResponseScores } from './scores';
import type { Survey, SurveyStatus } from './survey';

/* The surveys context's ports: survey definitions with their versioned alert rules, and the responses. */

export interface SurveyStore {
  /** Stores a new survey, listed from then on. */
  putSurvey(survey: Survey): Promise<PutOutcome>;
  getSurvey(id: string): Promise<Survey | undefined>;
  /**
   * Replaces the survey's definition with `survey`'s (version included) only while the stored one is at
   * `expectedVersion` (a survey stored before versions is at 0); false when it is not (or is gone). Alert
   * rules and status are left as they are.
   */
  replaceDefinition(survey: Survey, expectedVersion: number): Promise<boolean>;
  /** Sets the survey's status; undefined when there is no such survey. */
  setStatus(id: string, status: SurveyStatus, now: Date): Promise<Survey | undefined>;
  /** Every survey, newest first, by index; `keep` filters (the page filled up to its limit). */
  listSurveys(page: PageRequest, keep?: (survey: Survey) => boolean): Promise<Page<Survey> & { readonly filtered?: true }>;
  /** Stores a new version of a survey's alert rules, only if the current one is `expectedVersion`; keeps each version. */
  saveAlertRules(set: AlertRuleSet, expectedVersion: number): Promise<boolean>;
  getAlertRules(surveyId: string, version: number): Promise<AlertRuleSet | undefined>;
}

export type { ProcessingFailure } from './response';

export interface ResponseStore {
  /**
   * Stores a new response with the scores of its revision. One marked `pending`, or without scores of its own
   * revision, waits for processing; any other is stored complete (settled at ingest, or history).
   */
  putResponse(response: SurveyResponse): Promise<PutOutcome>;
  /**
   * Writes a response that grows over time (a call, an SMS exchange): only a higher revision replaces the
   * stored one, so a retried or late write never goes back. `exists` when nothing was written.
   */
  saveResponseRevision(response: SurveyResponse): Promise<PutOutcome>;
  getResponse(id: string): Promise<SurveyResponse | undefined>;
  /**
   * A survey's responses, newest first. With `keep` (a scoped caller), only those it accepts, the page filled up
   * to its limit; `filtered` when the page came back short before the listing's end (read it on with the cursor).
   */
  listResponses(surveyId: string, page: PageRequest, keep?: (response: SurveyResponse) => boolean): Promise<Page<SurveyResponse> & { readonly filtered?: true }>;
  /** A survey's responses submitted on the days `from`..`to` (inclusive), oldest first, by index. */
  listResponsesSubmitted(surveyId: string, days: { readonly from: string; readonly to: string }, page: PageRequest): Promise<Page<SurveyResponse>>;
  /**
   * Saves the final scores (with `caseOpened`) and marks processing finished, only while the response is still at `scores.revision`;
   * false when newer answers arrived meanwhile (their own processing follows).
   */
  completeProcessing(responseId: string, scores: ResponseScores, profile?: ProfileSnapshot, analysis?: CommentAnalysis): Promise<boolean>;
  /**
   * Notes on a still-unfinished response which step failed, and defers its next try to `failure.retryAt`
   * (the sweeper reads other work meanwhile); a `parked` one leaves the sweeper's index for the parked one.
   */
  recordProcessingFailure(responseId: string, revision: number, failure: ProcessingFailure): Promise<void>;
  /** Ids of responses whose processing has not finished, written (or due again) before the given ISO time, oldest first. */
  listPendingResponses(writtenBefore: string, limit: number): Promise<string[]>;
  /** Defers a response's processing to `until` (a one-click score waiting for its comment); the sweeper takes it then. */
  holdProcessing(responseId: string, revision: number, until: Date): Promise<void>;
  /** Ids of held responses due by the given ISO time, soonest first. */
  listHeldResponses(dueBy: string, limit: number): Promise<string[]>;
  /** Ids of responses parked after failing too often, oldest first. */
  listParkedResponses(limit: number): Promise<string[]>;
  /** Puts a parked response back in front of the sweeper, its attempts forgotten. */
  unparkResponse(responseId: string, now: Date): Promise<void>;
}
