import {
  ComprehendClient,
  DetectDominantLanguageCommand,
  DetectKeyPhrasesCommand,
  DetectSentimentCommand,
  type LanguageCode,
  type SentimentScore,
} from '@aws-sdk/client-comprehend';
import type { Sentiment, TextReader, TextReading } from '../domain/comments/ports';

/**
 * The languages DetectSentiment and DetectKeyPhrases read ("all supported languages" in
 * https://docs.aws.amazon.com/comprehend/latest/dg/supported-languages.html). DetectDominantLanguage tells
 * many more; for those the reading has the language and nothing else.
 */
export const COMPREHEND_LANGUAGES: ReadonlySet<string> = new Set<LanguageCode>(['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'ko', 'pt', 'zh', 'zh-TW']);

/** Each synchronous call takes fewer than 5,000 bytes of UTF-8 text. */
export const MAX_TEXT_BYTES = 4999;
const MAX_PHRASES = 10;
/** A MIXED reading whose positive and negative scores are closer than this is neutral. */
const MIXED_NEUTRAL_BAND = 0.2;

/**
 * Comments read by Amazon Comprehend (`-c textAnalytics=comprehend`): the dominant language, then the
 * sentiment and the key phrases in that language, two calls at once. Comprehend gives no clauses. Errors are
 * the caller's to retry (the stream redelivers, the sweeper picks the response up again).
 */
export class ComprehendReader implements TextReader {
  readonly name = 'comprehend' as const;

  constructor(private readonly client: ComprehendClient = new ComprehendClient({})) {}

  async read(text: string): Promise<TextReading> {
    const Text = truncateUtf8(text, MAX_TEXT_BYTES);
    if (!Text.trim()) return { phrases: [] };
    const { Languages = [] } = await this.client.send(new DetectDominantLanguageCommand({ Text }));
    const top = Languages.reduce<(typeof Languages)[number] | undefined>((best, l) => (l.LanguageCode && (l.Score ?? 0) > (best?.Score ?? -1) ? l : best), undefined);
    if (!top?.LanguageCode) return { phrases: [] };
    const code = top.LanguageCode;
    // ISO 639-1, as the port stores it: zh-TW is read as such, and stored as zh.
    const language = code.split('-')[0].toLowerCase();
    if (!COMPREHEND_LANGUAGES.has(code)) return { language, phrases: [] };

    const LanguageCode = code as LanguageCode;
    const [sentiment, keyPhrases] = await Promise.all([
      this.client.send(new DetectSentimentCommand({ Text, LanguageCode })),
      this.client.send(new DetectKeyPhrasesCommand({ Text, LanguageCode })),
    ]);
    const score = scoreOf(sentiment.SentimentScore);
    return { sentiment: sentimentOf(sentiment.Sentiment, score), score, language, phrases: phrasesOf(keyPhrases.KeyPhrases ?? []) };
  }
}

/** Positive minus negative, within [-1, 1]. */
function scoreOf(scores: SentimentScore | undefined): number {
  const difference = (scores?.Positive ?? 0) - (scores?.Negative ?? 0);
  return Math.max(-1, Math.min(1, difference));
}

function sentimentOf(label: string | undefined, score: number): Sentiment {
  switch (label) {
    case 'POSITIVE':
      return 'positive';
    case 'NEGATIVE':
      return 'negative';
    case 'MIXED':
      return Math.abs(score) < MIXED_NEUTRAL_BAND ? 'neutral' : score > 0 ? 'positive' : 'negative';
    default:
      return 'neutral';
  }
}

/** Lower case, each once, best score first, at most 10. */
function phrasesOf(keyPhrases: readonly { Text?: string; Score?: number }[]): string[] {
  const ranked = [...keyPhrases].sort((a, b) => (b.Score ?? 0) - (a.Score ?? 0));
  const phrases = new Set<string>();
  for (const { Text } of ranked) {
    const phrase = Text?.trim().toLowerCase();
    if (phrase) phrases.add(phrase);
    if (phrases.size === MAX_PHRASES) break;
  }
  return [...phrases];
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that ends at a character boundary (never inside a surrogate pair). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  // for…of walks code points: a surrogate pair is one step of 4 bytes.
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

let sharedClient: ComprehendClient | undefined;

/** The reader on one client per container; the endpoint comes from the SDK's standard variables (AWS_ENDPOINT_URL_COMPREHEND). */
export function comprehendReader(): TextReader {
  sharedClient ??= new ComprehendClient({});
  return new ComprehendReader(sharedClient);
}
