import { loadSurvey } from '../../intake/submissions';
import type { SurveyStore } from '../../surveys/ports';
import { forRespondents, isArchived, type Survey } from '../../surveys/survey';
import type { PhoneInput } from './answers';
import { applyInput, endConversation, responseOf, startConversation, turnOf, type Conversation, type Turn } from './conversation';
import type { PhoneStore } from './ports';

export interface PhoneDeps {
  readonly surveys: Pick<SurveyStore, 'getSurvey'>;
  readonly phones: PhoneStore;
  readonly now: Date;
}

export interface ConversationStart {
  readonly id: string;
  readonly channel: Conversation['channel'];
  readonly responseKey: string;
  /** Explicit survey (webhook query parameter), else the called number's route. */
  readonly surveyId?: string;
  readonly calledNumber?: string;
  readonly callerNumber?: string;
  readonly customerId?: string;
}

export interface ConversationState {
  readonly survey: Survey;
  readonly conversation: Conversation;
  readonly turn: Turn;
  /** True when this conversation began with this request. */
  readonly started: boolean;
  /**
   * The conversation had already ended before this request (a text after the survey's last answer, a late
   * call webhook): nothing was stored; the caller is told the survey is over.
   */
  readonly over: boolean;
}

/** The survey a new call or text is for: explicit, or routed from the called number. */
async function surveyFor(deps: PhoneDeps, start: ConversationStart): Promise<Survey | undefined> {
  const surveyId = start.surveyId ?? (start.calledNumber ? (await deps.phones.getRoute(start.calledNumber))?.surveyId : undefined);
  const survey = surveyId ? await loadSurvey(deps.surveys, surveyId) : undefined;
  // An archived survey starts no new call or text: the caller hears that no survey runs on the number.
  return survey && !isArchived(survey) ? forRespondents(survey) : undefined;
}

/** A running conversation's survey, as its respondent meets it (hidden questions left out). */
const runningSurvey = async (deps: PhoneDeps, surveyId: string) => forRespondents(await loadSurvey(deps.surveys, surveyId));

/** Position marker of the current question, carried in IVR callback URLs. */
export const stepOf = (c: Conversation) => `${c.index}.${c.attempts}`;

/**
 * Finds or starts the conversation, applies the input when it answers the current step, and stores the
 * response so far. Provider retries of a step already applied change nothing. Undefined when no survey is
 * configured for this call or number.
 */
export async function converse(
  deps: PhoneDeps,
  start: ConversationStart,
  input?: { readonly value: PhoneInput; readonly step: string; readonly expectedStep?: string },
): Promise<ConversationState | undefined> {
  const existing = await deps.phones.getConversation(start.id);
  if (existing && existing.status !== 'active') {
    // Finished: never a second, ownerless response. A retry of the step that finished it gets the same goodbye.
    const survey = await runningSurvey(deps, existing.surveyId);
    const retry = input !== undefined && existing.steps.includes(input.step);
    return { survey, conversation: existing, turn: turnOf(survey, existing), started: false, over: !retry };
  }
  let survey: Survey | undefined;
  let conversation: Conversation;
  if (existing) {
    survey = await runningSurvey(deps, existing.surveyId);
    conversation = existing;
  } else {
    survey = await surveyFor(deps, start);
    if (!survey) return undefined;
    const customerId = start.customerId ?? (start.callerNumber ? (await deps.phones.getContact(start.callerNumber))?.customerId : undefined);
    conversation = startConversation(survey, { id: start.id, channel: start.channel, responseKey: start.responseKey, customerId, phone: start.callerNumber }, deps.now);
  }
  let next = conversation;
  // An IVR callback answers one position; a replay of an earlier position is only re-rendered.
  if (input && (input.expectedStep === undefined || input.expectedStep === stepOf(conversation))) {
    next = applyInput(survey, conversation, input.value, input.step).conversation;
  }
  if (next !== conversation || !existing) {
    const before = responseOf(survey, conversation, deps.now);
    const after = responseOf(survey, next, deps.now);
    // The response is written with the conversation, and only when its answers moved on.
    const changed = after && (!before || after.revision > before.revision) ? after : undefined;
    if (!(await deps.phones.saveTurn(next, changed))) {
      // Another delivery of the same step won; answer with what it stored.
      next = (await deps.phones.getConversation(start.id)) ?? next;
    }
  }
  return { survey, conversation: next, turn: turnOf(survey, next), started: !existing, over: false };
}

/** The caller hung up or the call failed: keep what was answered, as a partial response. */
export async function endCall(deps: PhoneDeps, id: string): Promise<void> {
  const conversation = await deps.phones.getConversation(id);
  if (!conversation || conversation.status !== 'active') return;
  await deps.phones.saveConversation(endConversation(conversation));
}
