/** What scoring writes on a response: the shape every report and rule reads (computed in domain/scoring). */

/**
 * Loyalty has three parts; a question can measure one of them. `retention` is reluctance to switch,
 * phrased so that a high answer means "I would stay".
 */
export const LOYALTY_DIMENSIONS = ['recommend', 'repurchase', 'retention'] as const;
export type LoyaltyDimension = (typeof LOYALTY_DIMENSIONS)[number];

export type NpsCategory = 'promoter' | 'passive' | 'detractor';
export type CsatBand = 'satisfied' | 'neutral' | 'dissatisfied';
export type CesBand = 'low-effort' | 'neutral' | 'high-effort';
/** Ordered from worst to none: one very bad experience outranks a good mean. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ResponseScores {
  readonly nps?: { readonly questionId: string; readonly value: number; readonly category: NpsCategory };
  readonly csat?: { readonly questionId: string; readonly value: number; readonly band: CsatBand };
  readonly ces?: { readonly questionId: string; readonly value: number; readonly band: CesBand };
  /** 0–100 mean of the answered loyalty dimensions (recommend, repurchase, retention). */
  readonly loyaltyIndex?: number;
  readonly loyalty?: Partial<Record<LoyaltyDimension, number>>;
  /** Where attitude (recommend, repurchase) meets behaviour (reluctance to switch); see {@link loyaltySegment}. */
  readonly loyaltySegment?: LoyaltySegment;
  /** Every answer on a numeric scale (NPS, CSAT, CES, rating) by question id: what the histograms count. */
  readonly ratings?: Record<string, number>;
  /** Set by processing when the response opened a case. */
  readonly caseOpened?: boolean;
  readonly severity: Severity;
  /** The response revision these scores were computed from. */
  readonly revision: number;
}

export const LOYALTY_SEGMENTS = ['loyal', 'accessible', 'trapped', 'at-risk'] as const;
export type LoyaltySegment = (typeof LOYALTY_SEGMENTS)[number];
