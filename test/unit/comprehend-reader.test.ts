import { ComprehendClient, DetectDominantLanguageCommand, DetectKeyPhrasesCommand, DetectSentimentCommand, TextSizeLimitExceededException } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { ComprehendReader, MAX_TEXT_BYTES, truncateUtf8 } from '../../lambdas/adapters/comprehend-reader';

const comprehend = mockClient(ComprehendClient);
const reader = () => new ComprehendReader(new ComprehendClient({ region: 'eu-west-1' }));

const language = (LanguageCode: string, Score = 0.99) => comprehend.on(DetectDominantLanguageCommand).resolves({ Languages: [{ LanguageCode, Score }] });

beforeEach(() => comprehend.reset());

describe('ComprehendReader', () => {
  it('reads a comment in a supported language: sentiment, score, language and key phrases', async () => {
    comprehend.on(DetectDominantLanguageCommand).resolves({ Languages: [{ LanguageCode: 'en', Score: 0.2 }, { LanguageCode: 'de', Score: 0.97 }] });
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEGATIVE', SentimentScore: { Positive: 0.05, Negative: 0.9, Neutral: 0.05, Mixed: 0 } });
    comprehend.on(DetectKeyPhrasesCommand).resolves({
      KeyPhrases: [
        { Text: 'die Lieferung', Score: 0.8 },
        { Text: 'Die Rückerstattung', Score: 0.99 },
        { Text: 'die rückerstattung', Score: 0.7 },
        ...Array.from({ length: 12 }, (_, i) => ({ Text: `Phrase ${i}`, Score: 0.5 - i / 100 })),
      ],
    });

    const reading = await reader().read('Die Rückerstattung kam nie, die Lieferung war spät.');

    expect(reading.sentiment).toBe('negative');
    expect(reading.score).toBeCloseTo(-0.85);
    expect(reading.language).toBe('de');
    expect(reading.phrases).toEqual(['die rückerstattung', 'die lieferung', ...Array.from({ length: 8 }, (_, i) => `phrase ${i}`)]);
    expect(reading.clauses).toBeUndefined();
    // Sentiment and key phrases in the dominant language, the top-scored one.
    expect(comprehend.commandCalls(DetectSentimentCommand)[0].args[0].input).toEqual({ Text: 'Die Rückerstattung kam nie, die Lieferung war spät.', LanguageCode: 'de' });
    expect(comprehend.commandCalls(DetectKeyPhrasesCommand)[0].args[0].input.LanguageCode).toBe('de');
  });

  it('maps POSITIVE and NEUTRAL, and keeps the score within [-1, 1]', async () => {
    language('en');
    comprehend.on(DetectKeyPhrasesCommand).resolves({ KeyPhrases: [] });
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'POSITIVE', SentimentScore: { Positive: 1.2, Negative: 0 } });
    expect(await reader().read('Great app, quick delivery.')).toEqual({ sentiment: 'positive', score: 1, language: 'en', phrases: [] });
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEUTRAL', SentimentScore: { Positive: 0.1, Negative: 0.05, Neutral: 0.85 } });
    expect((await reader().read('I ordered a lamp.')).sentiment).toBe('neutral');
  });

  it('returns only the language, with no sentiment, for a language Comprehend does not read', async () => {
    language('nl');
    const reading = await reader().read('De bezorging was te laat en niemand belde terug.');
    expect(reading).toEqual({ language: 'nl', phrases: [] });
    expect(comprehend.commandCalls(DetectSentimentCommand)).toHaveLength(0);
    expect(comprehend.commandCalls(DetectKeyPhrasesCommand)).toHaveLength(0);
  });

  it('reads traditional Chinese as zh-TW and stores the ISO 639-1 code', async () => {
    language('zh-TW');
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'POSITIVE', SentimentScore: { Positive: 0.9, Negative: 0.02 } });
    comprehend.on(DetectKeyPhrasesCommand).resolves({ KeyPhrases: [{ Text: '服務', Score: 0.9 }] });
    expect(await reader().read('服務很好')).toMatchObject({ language: 'zh', sentiment: 'positive', phrases: ['服務'] });
    expect(comprehend.commandCalls(DetectSentimentCommand)[0].args[0].input.LanguageCode).toBe('zh-TW');
  });

  it.each([
    [{ Positive: 0.55, Negative: 0.3 }, 'positive', 0.25],
    [{ Positive: 0.3, Negative: 0.55 }, 'negative', -0.25],
    [{ Positive: 0.45, Negative: 0.35 }, 'neutral', 0.1],
    [{ Positive: 0.35, Negative: 0.45 }, 'neutral', -0.1],
  ])('maps MIXED %j by the sign of positive − negative, neutral within 0.2: %s', async (scores, sentiment, score) => {
    language('en');
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'MIXED', SentimentScore: { ...scores, Mixed: 0.2, Neutral: 0.05 } });
    comprehend.on(DetectKeyPhrasesCommand).resolves({ KeyPhrases: [] });
    const reading = await reader().read('Great app but still no refund.');
    expect(reading.sentiment).toBe(sentiment);
    expect(reading.score).toBeCloseTo(score);
  });

  it('sends at most 4,999 bytes of UTF-8, cut between characters, never inside a surrogate pair', async () => {
    language('en');
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEUTRAL', SentimentScore: { Positive: 0, Negative: 0 } });
    comprehend.on(DetectKeyPhrasesCommand).resolves({ KeyPhrases: [] });
    // 1 + 3 bytes, then emoji of 4 bytes (two UTF-16 units each): the limit falls inside an emoji.
    const text = 'a€' + '😀'.repeat(2000);
    await reader().read(text);

    const sentTexts = [DetectDominantLanguageCommand, DetectSentimentCommand, DetectKeyPhrasesCommand].map((command) => (comprehend.commandCalls(command as typeof DetectSentimentCommand)[0].args[0].input as { Text: string }).Text);
    expect(sentTexts).toHaveLength(3);
    for (const sent of sentTexts) {
      expect(Buffer.byteLength(sent, 'utf8')).toBeLessThanOrEqual(MAX_TEXT_BYTES);
      expect(Buffer.byteLength(sent, 'utf8')).toBeGreaterThan(MAX_TEXT_BYTES - 4);
      expect(text.startsWith(sent)).toBe(true);
      expect(sent).not.toMatch(/[\uD800-\uDBFF]$/);
      expect(Buffer.from(sent, 'utf8').toString('utf8')).toBe(sent);
    }
  });

  it('leaves a short text whole and cuts multi-byte text at the last whole character', () => {
    expect(truncateUtf8('Zürich', 100)).toBe('Zürich');
    expect(truncateUtf8('Zürich', 2)).toBe('Z');
    expect(truncateUtf8('😀😀', 7)).toBe('😀');
    expect(truncateUtf8('😀😀', 3)).toBe('');
  });

  it('lets Comprehend\'s errors through, so the caller retries', async () => {
    comprehend.on(DetectDominantLanguageCommand).rejects(new Error('ThrottlingException: Rate exceeded'));
    await expect(reader().read('The app keeps crashing.')).rejects.toThrow('Rate exceeded');

    language('en');
    comprehend.on(DetectSentimentCommand).rejects(new TextSizeLimitExceededException({ message: 'too long', $metadata: {} }));
    comprehend.on(DetectKeyPhrasesCommand).resolves({ KeyPhrases: [] });
    await expect(reader().read('The app keeps crashing.')).rejects.toBeInstanceOf(TextSizeLimitExceededException);
  });

  it('calls nothing for an empty comment', async () => {
    expect(await reader().read('   ')).toEqual({ phrases: [] });
    expect(comprehend.calls()).toHaveLength(0);
  });
});
