import { analyzeComment } from '../lambdas/domain/comments/analyze';
import { builtinReader } from '../lambdas/domain/comments/reading/builtin-reader';
import { DEFAULT_TAXONOMY } from '../lambdas/domain/comments/themes/taxonomy';
import { seededRandom } from './seeded-random';
import { idFromKey } from '../lambdas/domain/kernel/ids';
import type { Channel, SurveyResponse } from '../lambdas/domain/surveys/response';
import { scoreResponse } from '../lambdas/domain/scoring/scoring';
import type { Survey } from '../lambdas/domain/surveys/survey';

/** How many days of answers the demo history spans, and roughly how many answers a day it holds. */
export const DEMO_HISTORY_DAYS = 90;
const PER_DAY = 34;


const TOUCHPOINTS = ['delivery', 'returns', 'support-call'] as const;
const CHANNELS: readonly Channel[] = ['email', 'email', 'web', 'sms', 'voice-twilio', 'face-to-face'];
const DETRACTOR_COMMENTS = [
  'The parcel came four days late and nobody told me.',
  'The driver left it in the rain.',
  'I waited 40 minutes on the phone.',
  'The refund still has not arrived.',
  'Tracking said delivered, but it was not.',
  'Box was damaged, item broken.',
];
const PROMOTER_COMMENTS = ['Fast and friendly, thank you!', 'Arrived a day early.', 'The agent solved it in one call.', 'Easy return, refund in two days.'];

/**
 * About three thousand answers to the demo survey over the last 90 days, across touchpoints and channels,
 * with a visible dip (a carrier problem on deliveries 55–40 days ago) and the recovery after it. They are
 * stored already scored and their comments read, as history: counted by the aggregates, but they open no cases
 * and send no e-mail.
 */
export async function demoHistory(survey: Survey, now: Date): Promise<SurveyResponse[]> {
  const next = seededRandom(20261125);
  const responses: SurveyResponse[] = [];
  for (let daysAgo = DEMO_HISTORY_DAYS; daysAgo >= 1; daysAgo--) {
    const count = Math.round(PER_DAY * (0.7 + next() * 0.6) * (new Date(now.getTime() - daysAgo * 86_400_000).getUTCDay() % 6 === 0 ? 0.6 : 1));
    for (let i = 0; i < count; i++) {
      const touchpoint = TOUCHPOINTS[Math.floor(next() * TOUCHPOINTS.length)];
      // The dip: deliveries suffer most, the other touchpoints a little (calls about late parcels).
      const dip = daysAgo <= 55 && daysAgo >= 40 ? (touchpoint === 'delivery' ? 0.45 : 0.15) : daysAgo < 40 && daysAgo >= 30 ? (touchpoint === 'delivery' ? 0.15 : 0) : 0;
      const mood = next() - dip;
      const nps = mood < 0.12 ? Math.floor(next() * 4) : mood < 0.25 ? 4 + Math.floor(next() * 3) : mood < 0.5 ? 7 + Math.floor(next() * 2) : 9 + Math.floor(next() * 2);
      const csat = Math.max(1, Math.min(5, Math.round(1 + (nps / 10) * 4 + (next() - 0.5) * 1.5)));
      const comment = nps <= 4 && next() < 0.6 ? DETRACTOR_COMMENTS[Math.floor(next() * DETRACTOR_COMMENTS.length)] : nps >= 9 && next() < 0.3 ? PROMOTER_COMMENTS[Math.floor(next() * PROMOTER_COMMENTS.length)] : undefined;
      const answers = { nps, ...(next() < 0.8 && { csat }), ...(comment && { comment }) };
      const at = new Date(now.getTime() - daysAgo * 86_400_000 + Math.floor(next() * 86_400_000)).toISOString();
      const id = idFromKey('demo-history', survey.id, String(responses.length));
      const base: SurveyResponse = { id, surveyId: survey.id, channel: CHANNELS[Math.floor(next() * CHANNELS.length)], touchpoint, answers, status: 'complete', submittedAt: at, revision: 1 };
      // Read like any comment, so the dashboard's "What people talk about" has something to say on the first start.
      const analysis = comment ? await analyzeComment(builtinReader, DEFAULT_TAXONOMY, comment, 1, new Date(at)) : undefined;
      responses.push({ ...base, scores: scoreResponse(survey, answers, 1), ...(analysis && { analysis }) });
    }
  }
  return responses;
}
