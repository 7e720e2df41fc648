/*
 * The dominant language of a comment from its function words: enough to tell the languages customers most
 * often write in apart, and to know when the built-in reader (English) should not guess a sentiment.
 */

const FUNCTION_WORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'was', 'is', 'it', 'to', 'of', 'my', 'i', 'not', 'with', 'for', 'you', 'they', 'very', 'but', 'have', 'this', 'that', 'were', 'on', 'in', 'at', 'no', 'be', 'me', 'a'],
  es: ['el', 'la', 'los', 'las', 'y', 'es', 'muy', 'pero', 'no', 'con', 'por', 'para', 'que', 'mi', 'del', 'fue', 'un', 'una', 'de', 'en', 'lo', 'se', 'nada', 'todo', 'bien'],
  fr: ['le', 'la', 'les', 'et', 'est', 'très', 'mais', 'pas', 'avec', 'pour', 'que', 'mon', 'ma', 'du', 'un', 'une', 'de', 'en', 'je', 'il', 'ce', 'des', 'au', 'ne', 'rien', 'bien'],
  de: ['der', 'die', 'das', 'und', 'ist', 'sehr', 'aber', 'nicht', 'mit', 'für', 'ich', 'mein', 'ein', 'eine', 'war', 'zu', 'den', 'dem', 'es', 'auf', 'kein', 'noch', 'gut', 'wurde'],
  it: ['il', 'lo', 'la', 'gli', 'le', 'e', 'è', 'molto', 'ma', 'non', 'con', 'per', 'che', 'mio', 'un', 'una', 'di', 'del', 'sono', 'stato', 'ho', 'niente', 'bene'],
  pt: ['o', 'a', 'os', 'as', 'e', 'é', 'muito', 'mas', 'não', 'com', 'para', 'que', 'meu', 'um', 'uma', 'de', 'do', 'da', 'foi', 'em', 'nada', 'bem', 'está'],
  nl: ['de', 'het', 'een', 'en', 'is', 'zeer', 'heel', 'maar', 'niet', 'met', 'voor', 'dat', 'mijn', 'ik', 'was', 'van', 'op', 'te', 'geen', 'nog', 'goed', 'werd'],
};
/** Scripts that name their language (Cyrillic and Devanagari are shared by several, so they do not). */
const SCRIPTS: readonly (readonly [RegExp, string])[] = [
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, 'ja'],
  [/\p{Script=Hangul}/u, 'ko'],
  [/\p{Script=Han}/u, 'zh'],
  [/\p{Script=Arabic}/u, 'ar'],
  [/\p{Script=Hebrew}/u, 'he'],
  [/\p{Script=Greek}/u, 'el'],
  [/\p{Script=Thai}/u, 'th'],
];

const INDEX = new Map<string, string[]>();
for (const [language, words] of Object.entries(FUNCTION_WORDS)) for (const w of words) INDEX.set(w, [...(INDEX.get(w) ?? []), language]);

/**
 * ISO 639-1 code of the comment's language, or undefined when it cannot be told (too few function words, a
 * tie, or a script none of the profiles covers).
 */
export function detectLanguage(text: string): string | undefined {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length === 0) return undefined;
  // Letters outside Latin script: the script tells the language where it belongs to one, else unknown.
  const latin = words.filter((w) => /^[\p{Script=Latin}]+$/u.test(w)).length;
  if (latin < words.length / 2) return SCRIPTS.find(([pattern]) => pattern.test(text))?.[1];
  const hits = new Map<string, number>();
  for (const w of words) for (const language of INDEX.get(w) ?? []) hits.set(language, (hits.get(language) ?? 0) + 1);
  const ranked = [...hits].sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0) return words.length <= 4 && /^[\x20-\x7e\s]*$/.test(text) ? 'en' : undefined;
  const [first, second] = ranked;
  if (second && second[1] === first[1]) return first[0] === 'en' || second[0] === 'en' ? 'en' : undefined;
  // One function word and no rival ("Die Rückerstattung kam nie an"): enough for a short comment.
  return first[1] >= 2 || words.length <= 8 ? first[0] : undefined;
}
