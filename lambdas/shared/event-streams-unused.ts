/**
 * What deployed bundles load in place of `@smithy/core/event-streams` (lib/bundling.ts aliases it here). The
 * SDK's protocols import it only when an operation streams events, which none that these handlers call does,
 * yet the import puts the whole module in every bundle. Should one ever be called, it fails loudly.
 */
const notBundled = (): never => {
  throw new Error('event-stream operations are not bundled in these functions (see lib/bundling.ts)');
};

export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}

export const eventStreamSerdeProvider = notBundled;
