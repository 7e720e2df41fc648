import { destinationHealth } from '../../../../lambdas/domain/destinations/health';
import type { Attempt, Delivery } from '../../../../lambdas/domain/destinations/ports';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const at = (hh: number, mm = 0) => `2026-12-01T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00.000Z`;
const ok = (time: string): Attempt => ({ at: time, status: 200, ms: 40 });
const failed = (time: string, status?: number): Attempt => (status === undefined ? { at: time, ms: 5000, error: 'timed out after 5000 ms' } : { at: time, status, ms: 30 });
const delivery = (state: Delivery['state'], attempts: Attempt[], nextAttemptAt?: string) => ({ state, attempts, ...(nextAttemptAt && { nextAttemptAt }) });

describe('destinationHealth', () => {
  it('is quiet with no deliveries, and waiting while the first ones are not tried yet', () => {
    expect(destinationHealth([], NOW)).toEqual({ status: 'quiet', pending: 0, dead: 0, deliveries: 0 });
    expect(destinationHealth([delivery('pending', [], at(12))], NOW)).toEqual({ status: 'waiting', pending: 1, dead: 0, nextAttemptAt: at(12), deliveries: 1 });
  });

  it('is delivering when nothing failed after the last success, failures before it forgotten', () => {
    const health = destinationHealth([delivery('delivered', [failed(at(8), 500), ok(at(9))]), delivery('delivered', [ok(at(10))])], NOW);
    expect(health).toEqual({ status: 'delivering', lastDeliveredAt: at(10), pending: 0, dead: 0, deliveries: 2 });
  });

  it('is failing since the oldest failed attempt after the last success, across deliveries, with the latest failure', () => {
    const health = destinationHealth(
      [
        // Newest first, as the log lists them; the order does not matter.
        delivery('pending', [failed(at(11), 503)], at(11, 30)),
        delivery('pending', [failed(at(10, 15)), failed(at(10, 45), 500)], at(11, 15)),
        delivery('delivered', [ok(at(10))]),
        delivery('delivered', [failed(at(7), 500), ok(at(8))]),
      ],
      NOW,
    );
    expect(health).toEqual({
      status: 'failing',
      lastDeliveredAt: at(10),
      failingSince: at(10, 15),
      failingForMs: 105 * 60_000,
      lastFailure: { at: at(11), status: 503, ms: 30 },
      pending: 2,
      dead: 0,
      nextAttemptAt: at(11, 15),
      deliveries: 4,
    });
  });

  it('is failing since the first attempt when nothing was ever delivered; gives-ups count as dead', () => {
    const health = destinationHealth([delivery('dead', [failed(at(9), 410)]), delivery('dead', [failed(at(6)), failed(at(7))])], NOW);
    expect(health).toMatchObject({ status: 'failing', failingSince: at(6), failingForMs: 6 * 3_600_000, lastFailure: { at: at(9), status: 410 }, pending: 0, dead: 2 });
    expect(health.lastDeliveredAt).toBeUndefined();
    expect(health.nextAttemptAt).toBeUndefined();
  });

  it('counts a replayed delivery that was accepted once as a success, and a 3xx or 4xx answer as a failure', () => {
    // Replayed: pending again, its old success kept in its attempts.
    expect(destinationHealth([delivery('pending', [ok(at(9))], at(12))], NOW)).toMatchObject({ status: 'delivering', lastDeliveredAt: at(9), pending: 1 });
    for (const status of [199, 301, 400, 429]) {
      expect(destinationHealth([delivery('delivered', [ok(at(9))]), delivery('pending', [failed(at(10), status)], at(11))], NOW)).toMatchObject({ status: 'failing', failingSince: at(10) });
    }
  });

  it('recovers once a later attempt succeeds', () => {
    const failing = [delivery('pending', [failed(at(10), 500)], at(10, 2))];
    expect(destinationHealth(failing, NOW).status).toBe('failing');
    const recovered = [delivery('delivered', [failed(at(10), 500), ok(at(10, 5))])];
    expect(destinationHealth(recovered, NOW)).toEqual({ status: 'delivering', lastDeliveredAt: at(10, 5), pending: 0, dead: 0, deliveries: 1 });
  });
});
