import * as z from 'zod/mini';
import '../../kernel/zod';
import { PROTOTYPE_KEYS } from '../../kernel/identifiers';
import { DEFAULT_THEME_IDS } from './theme-ids';

/*
 * Themes as data: each theme is an id, a label and the phrases that name it. Phrases are matched on lemmas
 * ("delays" matches "delay", "refunded" matches "refund"), whole words, in order, `#` standing for any number
 * ("# minutes on hold"); `exclude` phrases cancel a
 * match they overlap ("deliver on a promise" is not about delivery). A negated phrase still names its theme
 * ("not rude at all" is about staff): the negation turns the clause's sentiment, not the topic.
 */

const PHRASE = /^[a-z0-9#][a-z0-9#' -]{0,58}[a-z0-9#]$|^[a-z0-9]$/;
const phrase = z.string().check(z.trim(), z.toLowerCase(), z.regex(PHRASE, 'lower-case words (letters, digits, spaces, "-" and "\'"; "#" for any number), 1–60 characters'));

const MAX_PHRASES = 2000;
const distinctPhrases = (phrases: readonly string[]) => new Set(phrases).size === phrases.length;

export const ThemeSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'a lower-case id: letters, digits and "-", starting with a letter, at most 40'), z.refine((id) => id !== 'unassigned', '"unassigned" is what a comment matching no theme counts as'), z.refine((id) => !PROTOTYPE_KEYS.has(id), 'this name is reserved')),
  label: z.string().check(z.trim(), z.minLength(1), z.maxLength(60), z.refine((v) => !/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/.test(v), 'one line of plain text (no control, zero-width or direction marks)')),
  phrases: z.array(phrase).check(z.minLength(1), z.maxLength(300), z.refine(distinctPhrases, 'each phrase once')),
  exclude: z.optional(z.array(phrase).check(z.maxLength(100), z.refine(distinctPhrases, 'each phrase once'))),
});
export type Theme = z.infer<typeof ThemeSchema>;

/** A survey's own themes: added to the default taxonomy (a theme with a default's id extends it), or replacing it. */
export const ThemeSetRequestSchema = z.strictObject({
  mode: z._default(z.enum(['extend', 'replace']), 'extend'),
  themes: z.array(ThemeSchema).check(
    z.maxLength(50),
    z.refine((themes) => new Set(themes.map((t) => t.id)).size === themes.length, 'each theme id once'),
    // Kept on the survey item (read with every answer's processing): a few tens of KB at most.
    z.refine((themes) => themes.reduce((n, t) => n + t.phrases.length + (t.exclude?.length ?? 0), 0) <= MAX_PHRASES, `at most ${MAX_PHRASES} phrases in all`),
  ),
}).check(z.refine((set) => set.mode === 'extend' || set.themes.length > 0, { path: ['themes'], message: 'a replacement taxonomy needs at least one theme' }));
export type ThemeSetRequest = z.infer<typeof ThemeSetRequestSchema>;

/** What a survey stores (`themes` on the survey, earlier versions kept): version 0 is the default taxonomy alone. */
export interface ThemeSet extends ThemeSetRequest {
  readonly surveyId: string;
  readonly version: number;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

export interface Taxonomy {
  /** The survey's theme-set version (0: the default alone), stored with every analysis. */
  readonly version: number;
  readonly themes: readonly Theme[];
}

const PHRASES: Record<(typeof DEFAULT_THEME_IDS)[number]['id'], { phrases: string[]; exclude?: string[] }> = {
  delivery: {
    phrases: [
      'arrived late', 'arrived early', 'arrived on time', 'arrive on time', 'arrived damaged', 'arrived broken', 'arrived smashed', 'arrived quickly', 'arrived promptly', 'arrived today', 'arrived yesterday', 'arrived the next day', 'arrived next day', 'arrived in', 'arrived within', 'arrived before', 'arrived after', 'arrived a day', 'arrived days', 'arrived weeks', 'never arrived', 'never arrive', 'not arrived', 'not arrive', 'has not arrived', 'yet to arrive', 'to arrive', 'took days to arrive', 'took weeks to arrive', 'arrival date', 'estimated arrival', 'order arrived', 'item arrived', 'it arrived', 'everything arrived', 'goods arrived', 'arrived safely', 'arrived intact', 'arrived well',
      'where is my order', 'same day delivery', 'same-day delivery', 'order never', 'box arrived', 'parcel arrived', 'package arrived', 'delivered to the wrong', 'wrong address', 'card through the door',
      'delivery', 'deliver', 'redeliver', 'redelivery', 'courier', 'parcel', 'package', 'shipment', 'ship', 'shipping', 'dispatch', 'dispatched',
      'tracking', 'tracking number', 'track my order', 'track the order', 'tracker', 'show up', 'showed up', 'never came', 'never come',
      'came late', 'came early', 'came on time', 'came the next day', 'came the same day', 'come on time', 'on the doorstep', 'left outside', 'left at the door', 'safe place', 'neighbour', 'neighbor',
      'driver', 'delivery driver', 'delivery man', 'delivery guy', 'postman', 'postie', 'van', 'in transit', 'lost in the post', 'in the post', 'by post', 'collection point',
      'delivery slot', 'time slot', 'delivery window', 'next day', 'next-day', 'same-day', 'click and collect', 'order came', 'order arrived',
      'dpd', 'ups', 'fedex', 'royal mail', 'hermes', 'evri', 'amazon logistics',
    ],
    exclude: ['broadband package', 'package deal', 'holiday package', 'tv package', 'mobile package', 'phone package', 'refund to arrive', 'code to arrive', 'money to arrive', 'letter to arrive', 'bill to arrive', 'card to arrive', 'engineer to arrive', 'technician to arrive', 'engineer would arrive', 'engineer to arrive', 'engineer arrive', 'engineer arrived', 'technician arrived', 'delivery i collected', 'for a delivery', 'post office', 'deliver on', 'delivered on their promise', 'delivered on its promise', 'deliver what', 'delivered what', 'arrive at the store', 'arrived at the store', 'arrive at the branch', 'arrived at the branch', 'code to arrive', 'email to arrive', 'text to arrive'],
  },
  staff: {
    phrases: [
      'security guard', 'guard', 'bloke', 'postie', 'chap', 'the man', 'the woman', 'the girl', 'the lady', 'nice man', 'nice lady', 'lovely lady', 'lovely man', 'lovely driver', 'lovely courier', 'kind lady', 'the team were', 'the team was', 'staff were', 'staff was', 'agent was', 'advisor was', 'was so helpful', 'were so helpful', 'was very helpful', 'were very helpful', 'so kind', 'very kind', 'really kind', 'patronising', 'patronizing', 'ignoring us', 'ignored us', 'kept ignoring', 'knew exactly', 'knew nothing', 'knew anything', 'nobody knew', 'no one knew', 'didnt know', 'did not know what', 'argued', 'argue', 'smiled', 'smiling', 'with a smile', 'customer care',
      'staff', 'employee', 'assistant', 'shop assistant', 'sales assistant', 'agent', 'advisor', 'adviser', 'representative', 'cashier', 'waiter', 'waitress', 'barista',
      'receptionist', 'manager', 'supervisor', 'guy', 'lady', 'lad', 'gentleman', 'chap', 'colleague', 'crew', 'consultant', 'banker', 'cabin crew',
      'technician', 'installer', 'driver', 'courier was', 'plumber', 'nurse', 'doctor', 'pharmacist', 'chef', 'concierge', 'steward', 'pilot',
      'rude', 'rudeness', 'polite', 'impolite', 'friendly', 'unfriendly', 'helpful', 'unhelpful', 'courteous', 'discourteous', 'knowledgeable', 'clueless', 'professional', 'unprofessional',
      'attitude', 'manner', 'manners', 'patient', 'impatient', 'condescending', 'arrogant', 'dismissive', 'abrupt', 'curt', 'sarcastic', 'welcoming',
      'smiled', 'smiling', 'eye roll', 'rolled her eyes', 'rolled his eyes', 'shout', 'shouted', 'yell', 'talk over', 'talked over', 'empathy', 'empathetic',
      'customer service', 'service was', 'served by', 'spoke to', 'spoke with', 'talked to', 'dealt with me', 'went above and beyond', 'above and beyond', 'extra mile', 'upsell',
      'mike', 'sarah', 'john', 'emma', 'tom', 'james', 'anna', 'david', 'priya', 'ahmed',
    ],
    exclude: ['cheap and cheerful', 'my brother', 'my sister', 'my son', 'my daughter', 'my husband', 'my wife', 'my mum', 'my dad', 'customer service number', 'customer service line', 'customer service email', 'her phone number', 'the team will', 'patient portal', 'nice to have', 'nice app', 'nice website', 'care package', "don't care", 'take care of the', 'her order', 'his order', 'till receipt'],
  },
  product: {
    phrases: [
      'comfy', 'comfortable', 'uncomfortable', 'died', 'burnt out', 'burned out', 'stopped', 'lasted', 'still going strong', 'fell apart', 'falling apart', 'wore out', 'worn out', 'thinner', 'thicker', 'than the photo', 'than the photos', 'photos suggest', 'than pictured', 'than described', 'glasses', 'lenses', 'trainers', 'boots', 'jeans', 'coat', 'watch', 'headphones', 'earbuds', 'speaker', 'camera', 'tablet', 'kettle', 'toaster', 'blender', 'hoover', 'vacuum', 'microwave', 'oven', 'dishwasher', 'lamp', 'chair', 'desk', 'wardrobe', 'duvet', 'pillow', 'towels', 'curtains', 'flowers', 'plant', 'chocolate', 'wine', 'groceries', 'meat', 'chicken', 'sandwich', 'toy', 'toys', 'console', 'bike', 'tyres', 'spare parts', 'cable', 'cartridge', 'matress', 'the cover', 'cover is',
      'gone off', 'was off', 'went off', 'not fresh', 'stale', 'poor quality', 'good quality', 'great quality', 'top quality', 'low quality', 'high quality', 'cheap quality', 'quality is', 'quality was', 'quality of the', 'quality product', 'quality products',
      'the item', 'this item', 'item was', 'item is', 'items were', 'faulty item', 'food was', 'the food', 'great food', 'food came', 'the product', 'this product', 'product was', 'product is', 'products are', 'same fault', 'the fault', 'snapped', 'crackle', 'crackles', 'screws', 'missing parts', 'missing part', 'lukewarm', 'cake', 'soup', 'cheap and cheerful', 'does the job', 'did the job',
      'goods', 'poor quality', 'good quality', 'build quality', 'broken', 'break', 'broke', 'faulty', 'defective', 'defect', 'damaged', 'crack', 'cracked',
      'scratch', 'scratched', 'dent', 'dented', 'stopped working', 'does not work', 'doesnt work', 'not working', 'works well', 'works great', 'works perfectly', 'work perfectly', 'works fine', 'as described', 'as advertised', 'as pictured', 'not as described',
      'fit', 'fits', 'size', 'sizing', 'too small', 'too big', 'too tight', 'too loose', 'material', 'fabric', 'stitching', 'seam', 'colour', 'color', 'taste', 'tasted', 'tasty', 'flavour', 'flavor', 'stale',
      'mouldy', 'moldy', 'expired', 'out of date', 'cold food', 'meal', 'dish', 'pizza', 'burger', 'coffee', 'salad', 'steak', 'chips', 'bread', 'milk', 'fruit', 'vegetable',
      'durable', 'flimsy', 'sturdy', 'cheaply made', 'well made', 'battery', 'screen', 'charger', 'sofa', 'mattress', 'shoes', 'trousers', 'jacket', 'dress', 'shirt', 'laptop', 'phone overheat', 'tv', 'television', 'fridge', 'washing machine', 'boiler', 'printer',
      'the device', 'the machine', 'handset', 'router', 'coverage', 'signal', 'connection', 'broadband speed', 'internet speed', 'slow speeds', 'dropped calls',
      'seat', 'legroom', 'in-flight', 'wifi',
    ],
    exclude: ['session expired', 'code expired', 'card expired', 'link expired', 'find the fault', 'found the fault', 'fit me in', 'fitted me in', 'fit in', 'login screen', 'home screen', 'loading screen', 'screen said', 'on screen', 'on the screen', 'payment screen', 'broken promise', 'broken promises', 'quality of service', 'service quality', 'worked perfectly since', 'broadband has worked', 'streetlight', 'my fault', 'the router does not work', 'off the', 'off to', 'day off', 'time off', 'paid off', 'sent off', 'drove off', 'cut off', 'switched off', 'turned off', 'logged off', 'took off', 'money off', '% off', 'percent off', 'off the phone', 'waiting room', 'fit me in', 'fitted me in', 'size of the queue', 'the speed of', 'speed of service', 'speed of the', 'food for thought', 'connection with', 'no room'],
  },
  price: {
    phrases: [
      '# pounds', '# quid', '# dollars', '# euros', '# a month', '# per month', '# a year', '# extra', 'free delivery', 'free shipping', 'postage', 'quote', 'cheapest', 'half price', 'paid half', 'the cost of',
      'pricey', 'daylight robbery', 'paid for', 'pay for', 'paying for', 'pay more', 'paid more', 'paid extra', 'pay extra', 'pay twice', 'paid twice', 'more money', 'waste of money', 'save money', 'saved money', 'my money', 'payment taken', 'payment was taken', 'taken twice', 'late payment', 'payment plan',
      'price', 'prices', 'pricing', 'priced', 'overpriced', 'cost', 'costs', 'costly', 'expensive', 'cheap', 'cheaper', 'affordable', 'value', 'value for money', 'good value', 'poor value', 'worth the money', 'not worth', 'worth every penny',
      'fee', 'fees', 'charge', 'charges', 'charged', 'overcharge', 'overcharged', 'double charged', 'charged twice', 'surcharge', 'bill', 'billing', 'billed', 'invoice', 'invoiced',
      'direct debit', 'subscription', 'renewal', 'auto-renew', 'tariff', 'rate', 'interest rate', 'discount', 'voucher', 'coupon', 'promo', 'promotion', 'offer', 'deal', 'sale price', 'penny', 'dollar', 'euro', 'quid', 'bucks',
      'rip off', 'ripoff', 'rip-off', 'hidden cost', 'hidden costs', 'hidden fee', 'hidden fees', 'statement', 'refund to my card', 'afford', 'budget', 'cheaper elsewhere',
    ],
    exclude: ['paid my bill', 'pay my bill', 'pay bills', 'paying bills', 'sound as a pound', 'deal with', 'dealt with', 'dealing with', 'big deal', 'offered to', 'offer to', 'first rate', 'would rate', 'rate you', 'rate this', 'rate the', 'rated', 'value my', 'value your', 'valued customer', 'valued', 'cost me a day', 'cost me time', 'at all costs', 'paying bills is', 'pay bills', 'paying bills', 'transfer money', 'billing issue', 'wait for the bill', 'waited ages for the bill', 'the bill and', 'payment stage', 'payment was due', 'payment is due', 'pay attention', 'paid attention', 'paid off', 'no charge', 'first rate', 'money back', 'refund my money', 'my money back', 'in charge', 'the person in charge', 'charge my phone', 'charger'],
  },
  digital: {
    phrases: [
      'page load', 'slow to load', 'not load', 'failed to load', 'keeps loading', 'load the page', 'my account page', 'log into my account', 'log in to my account', 'online banking', 'mobile banking', 'banking app', 'session expired', 'session timed out', 'push notification', 'in-app',
      'website', 'web site', 'site', 'web page', 'webpage', 'online', 'app', 'apps', 'application', 'mobile app', 'the app', 'checkout', 'check out online', 'basket', 'cart', 'login', 'log in', 'logging in', 'sign in', 'signing in',
      'password', 'account page', 'online account', 'portal', 'dashboard', 'two factor', 'two-factor', '2fa', 'verification code', 'one-time code', 'otp', 'update', 'the update', 'latest update', 'crash', 'crashes', 'crashed', 'crashing',
      'bug', 'buggy', 'glitch', 'error message', 'error page', 'page', 'link', 'button', 'form', 'search bar', 'search function', 'filter', 'interface', 'ui', 'navigate', 'navigation', 'user friendly', 'user-friendly',
      'online booking', 'book online', 'booked online', 'order online', 'ordered online', 'ordering online', 'online order', 'online chat', 'live chat', 'chatbot', 'chat bot', 'bot', 'apple pay', 'google pay', 'paypal',
      'e-receipt', 'download', 'upload', 'freeze', 'froze', 'frozen', 'timed out', 'time out', 'screen reader', 'notification in the app', 'in the app', 'on the app', 'on the website', 'self-service', 'self service',
    ],
    exclude: ['checkouts open', 'checkout open', 'self checkout', 'self-checkout', 'survey link', 'site visit', 'on site', 'building site', 'construction site', 'campsite', 'update me', 'updated me', 'no update', 'no updates', 'any update', 'any updates', 'an update', 'kept me updated', 'keep me updated', 'updates', 'page of the letter', 'the form of'],
  },
  communication: {
    phrases: [
      'bother to tell', 'bothered to tell', 'to tell me', 'to tell us', 'wish you had told', 'written to tell', 'write to tell', 'mentioned it', 'nobody mentioned', 'no one mentioned', 'without mentioning', 'announcement', 'announcements', 'acknowledgement', 'acknowledgment', 'acknowledge', 'heard nothing', 'heard nothing since', 'no answer', 'text saying', 'got a text', 'texts telling', 'email saying', 'emails saying', 'letter saying', 'no word', 'kept in the dark', 'in the dark', 'not a single', 'send all letters', 'written', 'in writing',
      'instructions', 'faq', 'faqs', 'no explanation', 'nobody told me', 'no one told us', 'never told', 'never told me', 'without telling', 'without telling me', 'no one explained', 'nobody explained', 'text updates', 'email updates', 'no reply', 'no response', 'never replied', 'never responded', 'never got back', 'nobody got back', 'no one got back', 'never called back', 'never rang back', 'promised to call back', 'no one called', 'nobody called', 'stop texting', 'stop emailing', 'too many emails', 'too many texts', 'spam', 'kept us updated', 'kept me updated', 'keep me updated', 'kept up to date', 'kept me posted', 'no updates', 'any updates', 'no update', 'an update', 'the letter',
      'communication', 'communicate', 'communicated', 'comms', 'updates', 'updated', 'kept informed', 'keep informed', 'kept me informed', 'keep me informed', 'kept in the loop', 'kept me in the loop', 'informed', 'inform', 'uninformed',
      'nobody told', 'no one told', 'no one told me', 'let me know', 'let us know', 'notified', 'notify', 'notification', 'notifications', 'heads up', 'warning', 'warned', 'explanation',
      'email', 'emails', 'e-mail', 'e-mails', 'emailed', 'text message', 'sms', 'letter', 'letters', 'message', 'messages', 'reply', 'replied', 'respond', 'responded', 'response', 'answer my email', 'answered my email',
      'callback', 'ring back', 'rang back', 'get back to me', 'got back to me', 'get back', 'heard back', 'hear back', 'hear nothing', 'no word', 'radio silence', 'ghosted',
      'confirmation', 'confirmed', 'reminder', 'clear information', 'information', 'info', 'unclear', 'confusing', 'contradictory', 'mixed messages', 'misleading', 'said it would', 'says otherwise', 'the letter says',
    ],
    exclude: ['to tell me it was', 'told me it was my fault', 'emailed doesnt', 'link in the email', 'next update', 'app update', 'the update', 'texting me surveys', 'update the app', 'app update', 'the update', 'latest update', 'software update', 'after the update', 'since the update', 'told off', 'tell the difference', 'response time', 'quick response', 'fast response', 'promised delivery', 'delivery promise'],
  },
  'wait-time': {
    phrases: [
      '# minutes', '# mins', '# min', '# hours', '# hrs', '# hour', 'took # minutes', 'within minutes', 'in minutes', 'under # minutes', 'in under #', '# days for a reply', 'took a week to', 'took # weeks to get', 'took # days to get', 'took # days to reply', 'second ring', 'first ring', 'on the # ring', 'seen at', 'saw me', 'get served', 'be served', 'get seen', 'be seen', 'get an appointment', 'appointment time', 'check-in took', 'checked in in', 'quick and friendly', 'cheap and quick', 'was quick', 'were quick', 'very quick', 'so quick', 'really quick', 'super quick', 'quick at the', 'in no time', 'no reply', 'took ages', 'to get through', 'before anyone',
      'took a while', 'hold time', 'get through', 'got through', 'getting through', 'kept waiting', 'kept us waiting', 'kept me waiting', 'no queue', 'long queue', 'huge queue', 'wait for a table', 'waited for a table', 'on the phone for', 'minutes on hold', 'hours on hold', 'minute wait', 'hour wait', 'min wait', 'min queue', 'hour queue', 'waited over', 'served quickly', 'served straight away', 'seen quickly', 'seen straight away', 'answered quickly', 'answered straight away', 'answered within', 'answered in', 'quick to answer', 'picked up straight away', 'picked up quickly', 'first ring', 'within 2 rings', 'two rings', 'quick service', 'fast service', 'speedy service', 'prompt service', 'slow service', 'service was slow', 'service was quick', 'service was fast', 'took forever to serve', 'waited ages', 'wait ages', 'ages to answer', 'ages to get', 'ages for the', 'ages on the phone', 'queue went out the door', 'time on hold',
      'wait', 'waited', 'waiting', 'wait time', 'waiting time', 'waiting list', 'queue', 'queues', 'queued', 'queuing', 'queueing', 'on hold', 'hold music', 'put on hold', 'forever', 'eternity',
      'took ages', 'took forever',
      'response time', 'quick response', 'fast response', 'answered quickly', 'answered straight away', 'answered within', 'first ring', 'took too long',
      'seen quickly', 'served quickly', 'served straight',
    ],
    exclude: ['took too long to get to the door', 'wait to', 'still waiting on my money', 'waiting on my money', 'waiting room', 'waiting area', 'where i am in the queue', '# minutes to find', 'walk # min', 'walk # minutes', '# minutes walk', '# min walk', 'still waiting for', 'waiting for money', 'waiting for my refund', 'waiting for a refund', 'waiting for the refund', 'says wait', 'wait 48 hours', 'wait in for', 'waited in for', 'waiting in for', 'waiting in all day', 'sat in waiting', 'wait to use', "can't wait", 'can not wait', 'cannot wait', 'online', 'fast forward', 'line manager', 'product line', 'phone line', 'helpline', 'bottom line', 'the line went dead', 'land line', 'landline', 'fast shipping', 'fast delivery', 'quick delivery', 'delivery was quick', 'quick to deliver', 'table of', 'timetable'],
  },
  refunds: {
    phrases: [
      'refund', 'refunds', 'refunded', 'refunding', 'reimburse', 'reimbursed', 'reimbursement', 'money back', 'my money back', 'full refund', 'partial refund', 'credit note', 'store credit', 'credited', 'credit back', 'chargeback', 'charge back',
      'return', 'returns', 'returned', 'returning', 'return label', 'returns label', 'returns policy', 'return policy', 'send it back', 'sent it back', 'send back', 'sent back', 'take it back', 'took it back', 'exchange', 'exchanged', 'swap', 'swapped', 'replacement', 'replace', 'replaced',
      'compensation', 'compensate', 'compensated', 'goodwill', 'gesture of goodwill', 'cancel my order', 'cancelled my order', 'cancellation', 'cooling off',
    ],
    exclude: ['return call', 'returned my call', 'returned my calls', 'return my call', 'return my calls', 'return customer', 'returning customer', 'will return', 'would return', 'return visit', 'in return', 'return trip', 'return flight', 'tax return'],
  },
  facilities: {
    phrases: [
      'room', 'rooms', 'hotel room', 'bed', 'beds', 'bathroom', 'shower', 'pool', 'gym', 'spa', 'heating', 'air con', 'air conditioning', 'waiting room', 'waiting area', 'chairs', 'carpet', 'the counter', 'counter',
      'spotless', 'view', 'terrace', 'decor', 'the place was', 'the room was', 'store was', 'shop was', 'branch was', 'restaurant was', 'hotel was', 'store is', 'shop is', 'branch is', 'dirty store', 'nice hotel', 'lovely hotel', 'store layout', 'shop floor', 'trolley', 'trolleys', 'basket was', 'car parking', 'only one till open', 'one till open', 'two windows open', 'freezing in', 'cold in here', 'too hot', 'queue to the back of the shop', 'new store', 'new branch', 'store closed', 'branch closed', 'closed the branch',
      'reception area',
      'clean', 'cleaner', 'cleanliness', 'dirty', 'filthy', 'messy', 'tidy', 'untidy', 'smell', 'smelled', 'smelly', 'stain', 'stained', 'toilet', 'toilets', 'restroom', 'bathroom was', 'parking', 'car park', 'parking space',
      'opening hours', 'closed early', 'closing time', 'opening time', 'accessible', 'wheelchair', 'ramp', 'elevator', 'stairs', 'signage', 'layout', 'aisle', 'aisles', 'shelf', 'shelves',
      'stock', 'in stock', 'out of stock', 'changing room', 'changing rooms', 'fitting room', 'fitting rooms', 'self checkout', 'self-checkout', 'atm', 'cash machine', 'seating', 'freezing', 'noisy', 'lighting', 'atmosphere',
      'in the shop',
    ],
    exclude: ['no room', 'room for improvement', 'room to', 'online store', 'app store', 'play store', 'store credit', 'in store for', 'open the app', 'open the box', 'opened the box', 'open box', 'open a ticket', 'opened a ticket', 'open case', 'open an account', 'opened an account', 'clean up after', 'tidied up', 'signed', 'sign in', 'sign up', 'signing in', 'gate of the', 'over the gate', 'access my account', 'account access'],
  },
  resolution: {
    phrases: [
      'all sorted', 'sorted now', 'fixed now', 'all fixed', 'to fix', 'no fix', 'nothing gets done', 'nothing done', 'still nothing', 'could not help', 'couldnt help', 'can not help', 'cant help', 'nobody can', 'no one can', 'it is not', 'it isnt', 'fixed by', 'still waiting for it to be', 'corrected', 'complaint number', 'reference number', 'worked perfectly since', 'been working since', 'fixed the leak', 'call # times', 'called # times', 'rang # times', 'phoned # times', 'emailed # times', 'chased # times', '# times now', 'told it is fixed', 'told it was fixed',
      'fixed it', 'fixed the problem', 'fixed the issue', 'fixed the fault', 'fixed my', 'sorted it', 'sorted the problem', 'sorted the issue', 'sorted my', 'sorted everything', 'got it sorted', 'got it fixed', 'get it fixed', 'get it sorted', 'fixed quickly', 'sorted quickly', 'fixed straight away', 'sorted straight away', 'fixed properly', 'fixed in', 'sorted in', 'complaint was', 'my complaint', 'raised a complaint', 'made a complaint', 'complaint ignored', 'ticket number', 'support ticket', 'closed my ticket', 'closed the ticket', 'never sorted', 'still not sorted', 'not been sorted', 'not been fixed', 'has not been fixed', 'never been fixed', 'no resolution',
      'first time fix', 'fixed first time', 'sorted first time', 'fixed it first time', 'right first time', 'on the first call', 'in one call', 'one call', 'still there', 'still not', 'still broken', 'same fault', 'same problem', 'same issue', 'nothing has been done', 'nothing has actually been done', 'nothing changes', 'nothing changed', 'no one has done', 'nobody has done', 'not done a thing', 'done a thing', 'down again', 'broken again', 'wrong again', 'also wrong', 'still wrong', 'keeps telling me', 'keep telling me', 'fourth time', 'transferred', 'passed from pillar to post', 'my problem', 'the problem', 'the issue', 'my issue', 'problem solved', 'issue solved', 'problem fixed', 'issue fixed', 'reported it', 'reported the', 'reported a',
      'resolve', 'resolved', 'resolution', 'unresolved', 'solve', 'solved', 'solution',
      'first call', 'first contact', 'still not', 'still broken', 'still not working', 'still not fixed', 'not fixed', 'not sorted', 'not resolved', 'never fixed', 'never resolved',
      'call again', 'called again', 'chase', 'chased', 'chasing', 'third time', 'fifth time', 'again and again', 'escalate', 'escalated', 'escalation', 'case number',
      'nothing happened', 'nothing was done', 'nothing has been done', 'no one helped', 'no help', 'gave up', 'passed around', 'passed from', 'runaround', 'run around', 'going round in circles', 'working again', 'up and running',
    ],
    exclude: ['logged me out', 'transferred to the wrong', 'still no refund', 'still waiting for money', 'every time i update', 'calling me', 'transfer money', 'suitcase handle', 'no problem', 'no problems', 'no issue', 'no issues', 'not a problem', 'without any problems', 'any problems', 'any issues', 'first time ordering', 'first time buying', 'first time using', 'first time customer', 'first time shopping', 'first time visiting', 'first time here', 'every time i order', 'sort code', 'sorting office', 'handle on', 'handled the sofa', 'handled with care'],
  },
};

/** The default customer-experience taxonomy: what every survey uses unless it replaces it. */
export const DEFAULT_TAXONOMY: Taxonomy = {
  version: 0,
  themes: DEFAULT_THEME_IDS.map(({ id, label }) => ({ id, label, ...PHRASES[id] })),
};

/** The taxonomy a survey's comments are matched with: the default one, extended or replaced by the survey's. */
export function taxonomyOf(set: ThemeSet | undefined): Taxonomy {
  if (!set || set.version === 0) return DEFAULT_TAXONOMY;
  if (set.mode === 'replace') return { version: set.version, themes: set.themes };
  const own = new Map(set.themes.map((t) => [t.id, t]));
  const extended = DEFAULT_TAXONOMY.themes.map((base) => {
    const more = own.get(base.id);
    if (!more) return base;
    return { id: base.id, label: more.label, phrases: [...new Set([...base.phrases, ...more.phrases])], exclude: [...new Set([...(base.exclude ?? []), ...(more.exclude ?? [])])] };
  });
  const added = set.themes.filter((t) => !DEFAULT_TAXONOMY.themes.some((base) => base.id === t.id));
  return { version: set.version, themes: [...extended, ...added] };
}
