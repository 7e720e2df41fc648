/*
 * Customer-service language a general-purpose lexicon reads as neutral: "never arrived", "waited 40 minutes",
 * "still no refund", "had to chase them". Each cue is a feature of the sentiment model with a learned weight.
 */

const NUMBER = '(?:\\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty|fifty|several|few|many|couple of)';
const SPAN = '(?:minute|min|hour|hr|day|week|wk|month)s?';

/** Each negative cue: a name (for the model) and a pattern on the lower-case text with contractions opened. */
export const NEGATIVE_CUES: readonly (readonly [string, RegExp])[] = [
  ['never-came', /\b(never|not|nvr) (arrived|came|received|turned up|showed up|got (it|here|there|delivered)|been delivered|delivered|arrive|come|receive)\b/],
  ['never-heard', /\b(never|not|no one|nobody|noone) (heard back|got back|called back|rang back|responded|replied|answered|returned my|bothered|followed up|get back)\b/],
  ['still-waiting', /\b(still|yet) (no|not|nothing|waiting|have not|has not|to (receive|hear|get|see))\b/],
  ['waited-long', new RegExp(`\\b(wait|waited|waiting|on hold|queued|queuing|queueing|in (a|the) queue)( for| over| nearly| almost| about| around| more than| over an?| another)* ${NUMBER} ${SPAN}\\b`)],
  ['took-long', new RegExp(`\\b(took|taking|takes|take|after) (${NUMBER}|ages|forever|weeks|days|months) ?(${SPAN})?( to| before| for)\\b`)],
  ['had-to-chase', /\b(had to|have to|having to|need to|needed to) (chase|call|ring|phone|email|e-mail|ask|go back|complain|contact|explain|repeat|wait|keep|send)\b/],
  ['not-fixed', /\b(not|never|nothing) (fixed|resolved|sorted|solved|refunded|done|changed|working|work|happened)\b/],
  ['let-down', /\b(hung up|cut off|passed around|transferred|ignored|lied|overcharged|charged twice|double charged|wrong (item|size|order|colou?r|address|product)|missing|damaged|broken|faulty|defective|delayed|cancell?ed|rip ?off|scam|useless|waste of|worst|terrible|appalling|disgusting|shocking|unacceptable|ridiculous|nightmare|fed up|disappointed|disappointing|poor|rude|late)\b/],
  ['complaint-words', /\b(complain|complaint|problem|issue|fault|error|mistake|excuse|hassle|chase|chasing|again and again|third time|second time|every time)\b/],
];

export const POSITIVE_CUES: readonly (readonly [string, RegExp])[] = [
  ['on-time', /\b(on time|early|ahead of (time|schedule)|next day|same day|within (an? |one |\d+ )?(hour|day|minute)s?|in no time|promptly|straight away|right away|quick(ly)?|fast|speedy|swift(ly)?)\b/],
  ['sorted', /\b(sorted|resolved|fixed|solved|handled|dealt with)( it| my| the| everything| quickly| straight away| first time| in minutes| immediately)?\b/],
  ['above-beyond', /\b(above and beyond|extra mile|went out of (his|her|their) way|could not have been (more )?(better|nicer|more helpful)|could not ask for more)\b/],
  ['no-trouble', /\b(no|without any|without) (problem|problems|issue|issues|complaint|complaints|hassle|fuss|trouble|wait|waiting|delay|delays|quibble)\b|\bnothing to complain\b|\b(did|do) not have to wait\b/],
  ['recommend', /\b(recommend|will be back|will come back|will use again|use again|shop again|order again|come again|keep using|loyal|love|loved|lovely|brilliant|excellent|amazing|fantastic|superb|perfect|spot on|great|best)\b/],
];

const NEGATED_BEFORE = /\b(not|never|no|hardly|nothing)( \w+)?( \w+)? $/;

/** Counts of the cues found, a positive cue right after a negation ("not on time") counting as negative. */
export function serviceCues(text: string): { readonly negative: readonly string[]; readonly positive: readonly string[] } {
  const negative: string[] = [];
  const positive: string[] = [];
  for (const [name, pattern] of NEGATIVE_CUES) if (pattern.test(text)) negative.push(name);
  for (const [name, pattern] of POSITIVE_CUES) {
    const found = pattern.exec(text);
    if (!found) continue;
    // "no problems" is a positive cue that starts with its own negation; "not quick" turns a cue around.
    const negated = name !== 'no-trouble' && NEGATED_BEFORE.test(text.slice(Math.max(0, found.index - 24), found.index));
    (negated ? negative : positive).push(negated ? `not-${name}` : name);
  }
  return { negative, positive };
}
