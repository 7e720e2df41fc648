/**
 * The few TwiML verbs the IVR and SMS replies use, written as Twilio's helper library writes them (the unit
 * test compares the two byte for byte). Its general XML builder would add 58 KB to every phone handler.
 */
export type TwimlAttributes = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface TwimlElement {
  readonly verb: string;
  readonly attributes?: TwimlAttributes;
  /** Text content, or nested verbs. */
  readonly content?: string | readonly TwimlElement[];
}

// XML 1.0 has no place for most C0 controls, U+FFFE/U+FFFF or a lone surrogate: they are dropped rather than
// sent as a document Twilio refuses (its own builder throws on them).
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const escapeText = (text: string) => text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
const escapeAttribute = (text: string) =>
  text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');

function render(element: TwimlElement): string {
  const attributes = Object.entries(element.attributes ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(Array.isArray(value) ? value.join(' ') : String(value))}"`)
    .join('');
  const { content } = element;
  if (content === undefined || content.length === 0) return `<${element.verb}${attributes}/>`;
  const inner = typeof content === 'string' ? escapeText(content) : content.map(render).join('');
  return `<${element.verb}${attributes}>${inner}</${element.verb}>`;
}

/** A TwiML document: `<Response>` with the given verbs. */
export const twimlDocument = (verbs: readonly TwimlElement[]) => `<?xml version="1.0" encoding="UTF-8"?>${render({ verb: 'Response', content: verbs })}`;
