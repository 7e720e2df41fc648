import { createHash } from 'node:crypto';
import type { ErrorDetail } from '../domain/kernel/errors';
import type { Answers } from '../domain/surveys/response';
import { numericRange, type Survey } from '../domain/surveys/survey';
import type { Question } from '../domain/surveys/survey-schema';

/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
h1{font-size:1.5rem;line-height:1.25}fieldset{border:1px solid #ccc;border-radius:.5rem;margin:1rem 0;padding:.75rem .6rem;min-width:0}legend{font-weight:600;padding:0 .25rem}
.hint{font-size:.9rem;color:#555}.scale{display:grid;grid-template-columns:repeat(var(--n),minmax(0,1fr));gap:2px;margin:.25rem 0}
.pick{position:relative;display:block}.pick input{position:absolute;inset:0;width:100%;height:100%;margin:0;opacity:0;cursor:pointer}
.pick span{display:flex;align-items:center;justify-content:center;min-height:2.75rem;border:1px solid #1f5fbf;border-radius:.3rem;color:#1f5fbf;font-weight:600;font-variant-numeric:tabular-nums}
.pick input:checked+span{background:#1f5fbf;color:#fff}.pick input:focus-visible+span{outline:3px solid #f0a202;outline-offset:1px}.pick:hover span{background:#e8effa}.pick input:checked:hover+span{background:#174a94}
.ends{display:flex;justify-content:space-between;gap:1rem;font-size:.85rem;color:#555}.ends span:last-child{text-align:right}
.option{display:flex;align-items:center;gap:.5rem;min-height:2.75rem;padding:0 .25rem}.option input{width:1.5rem;height:1.5rem;margin:0}
textarea{box-sizing:border-box;width:100%;min-height:6rem;font:inherit;padding:.4rem}
button{font-size:1rem;min-height:2.75rem;padding:.6rem 1.4rem;border-radius:.4rem;border:0;background:#1f5fbf;color:#fff;cursor:pointer}
button.secondary{background:none;color:#1f5fbf;border:1px solid #1f5fbf}.error{border-color:#b00020;color:#b00020}
[data-state=saved]{background:#e7f4ea;border-left:4px solid #1e7e34;padding:.5rem .75rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:360px){body{padding:0 .5rem}fieldset{padding:.6rem .35rem}}`;

export function page(title: string, body: string, lang = 'en'): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export const SCALE_ENDS: Partial<Record<Question['type'], [string, string]>> = {
  nps: ['Not at all likely', 'Extremely likely'],
  csat: ['Very dissatisfied', 'Very satisfied'],
  ces: ['Very easy', 'Very difficult'],
  rating: ['Poor', 'Excellent'],
};

function questionField(q: Question, selected: unknown): string {
  const name = `answers.${q.id}`;
  const req = q.required ? ' required' : '';
  const labelId = `q-${escapeHtml(q.id)}`;
  const legend = `<legend id="${labelId}">${escapeHtml(q.text)}${q.required ? ' <span aria-hidden="true">*</span><span class="visually-hidden">(required)</span>' : ''}</legend>`;
  const input = (value: string, i: number, extra = '') =>
    `<input type="radio" name="${escapeHtml(name)}" value="${escapeHtml(value)}"${String(selected) === value ? ' checked' : ''}${i === 0 ? req : ''}${extra}>`;
  const option = (value: string, label: string, i: number) => `<label class="option">${input(value, i)} ${escapeHtml(label)}</label>`;
  const range = numericRange(q);
  if (range) {
    // One row of equal cells at every width: each cell is the whole tap target, with its radio laid over it.
    const values = Array.from({ length: range.max - range.min + 1 }, (_, i) => range.min + i);
    const [low, high] = SCALE_ENDS[q.type] ?? ['', ''];
    const ends = low || high ? ` aria-describedby="${labelId}-ends"` : '';
    return `<fieldset>${legend}<div class="scale" role="radiogroup" aria-labelledby="${labelId}"${ends} style="--n:${values.length}">${values
      .map((v, i) => `<label class="pick">${input(String(v), i)}<span>${v}</span></label>`)
      .join('')}</div>${low || high ? `<div class="ends" id="${labelId}-ends"><span>${escapeHtml(`${range.min}: ${low}`)}</span><span>${escapeHtml(`${range.max}: ${high}`)}</span></div>` : ''}</fieldset>`;
  }
  if (q.type === 'yesno') return `<fieldset>${legend}${option('yes', 'Yes', 0)}${option('no', 'No', 1)}</fieldset>`;
  if (q.type === 'choice') return `<fieldset>${legend}${(q.options ?? []).map((o, i) => option(o.id, o.label, i)).join('')}</fieldset>`;
  return `<fieldset>${legend}<textarea name="${escapeHtml(name)}" aria-labelledby="${labelId}" maxlength="2000"${req}>${escapeHtml(selected ?? '')}</textarea></fieldset>`;
}

export interface FormOptions {
  readonly action: string;
  readonly hidden: Record<string, string | undefined>;
  readonly questions: readonly Question[];
  readonly selected?: Answers;
  readonly submitLabel?: string;
  /** The one-click page: the script posts this one field at once, and the status line then says it is saved. */
  readonly confirm?: { readonly field: string; readonly value: string };
}

/**
 * The one-click page's only script: it records the clicked score as soon as the page shows, so a person who
 * closes the tab still leaves their answer. Without scripts the button does the same. Static text, allowed
 * by its hash in the page's CSP; what it posts comes from the form's data attributes.
 */
export const CONFIRM_SCRIPT = `(function(){var f=document.querySelector('form[data-confirm-field]');var s=document.getElementById('confirm-status');if(!f||!s||!window.fetch||!window.URLSearchParams)return;var b=new URLSearchParams();b.set(f.getAttribute('data-confirm-field'),f.getAttribute('data-confirm-value'));b.set('confirm','1');fetch(f.getAttribute('action'),{method:'POST',credentials:'omit',headers:{'accept':'application/json','content-type':'application/x-www-form-urlencoded'},body:b.toString()}).then(function(r){if(r.ok){s.textContent=s.getAttribute('data-saved');s.setAttribute('data-state','saved');}}).catch(function(){});})();`;
export const CONFIRM_SCRIPT_HASH = `sha256-${createHash('sha256').update(CONFIRM_SCRIPT, 'utf8').digest('base64')}`;

export function surveyForm(survey: Pick<Survey, 'name' | 'intro' | 'language'>, options: FormOptions, preface = ''): string {
  const hidden = Object.entries(options.hidden)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const fields = options.questions.map((q) => questionField(q, options.selected?.[q.id])).join('');
  const requiredNote = options.questions.some((q) => q.required) ? '<p class="hint"><span aria-hidden="true">*</span> marks a question that needs an answer.</p>' : '';
  const confirm = options.confirm ? ` data-confirm-field="${escapeHtml(options.confirm.field)}" data-confirm-value="${escapeHtml(options.confirm.value)}"` : '';
  return page(
    survey.name,
    // Once a score is chosen (the one-click page) the status line replaces the intro: it has been read.
    `<h1>${escapeHtml(survey.name)}</h1>${preface || (survey.intro ? `<p>${escapeHtml(survey.intro)}</p>` : '')}
<form method="post" action="${escapeHtml(options.action)}"${confirm}>${hidden}${requiredNote}${fields}<button type="submit">${escapeHtml(options.submitLabel ?? 'Send')}</button></form>${
      options.confirm ? `<script>${CONFIRM_SCRIPT}</script>` : ''
    }`,
    survey.language,
  );
}

export const thankYouPage = (survey: Pick<Survey, 'thankYou' | 'language'>, note = '') =>
  page('Thank you', `<h1>Thank you!</h1><p>${escapeHtml(survey.thankYou ?? 'Your feedback has been received. It helps us do better.')}</p>${note ? `<p>${escapeHtml(note)}</p>` : ''}`, survey.language);

/** What an archived survey's form and links show (410). */
export const closedSurveyPage = (survey: Pick<Survey, 'name' | 'language'>) =>
  page('This survey is closed', `<h1>This survey is closed</h1><p>${escapeHtml(survey.name)} no longer takes answers. Thank you for your interest.</p>`, survey.language);

export const errorPage = (message: string, details: readonly ErrorDetail[]) =>
  page(
    'Something is not right',
    `<h1>Something is not right</h1><p class="error" role="alert">${escapeHtml(message)}</p>${
      details.length ? `<ul>${details.map((d) => `<li><strong>${escapeHtml(d.field)}</strong>: ${escapeHtml(d.message)}</li>`).join('')}</ul>` : ''
    }<p>Please go back and try again.</p>`,
  );
