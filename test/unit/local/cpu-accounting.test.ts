import { cpuAccounting } from '../../../local/cpu-accounting';

/** A fixed amount of synchronous work (not a wall-clock wait: a loaded machine would stretch that without CPU). */
let sink = 0;
const spin = (units: number) => {
  for (let i = 0; i < units * 20_000; i++) sink += Math.sqrt(i);
};
const later = () => new Promise((r) => setTimeout(r, 1));

/** `slices` synchronous slices of `ms` each, with timers and promise reactions between them. */
async function work(ms: number, slices: number) {
  for (let i = 0; i < slices; i++) {
    spin(ms);
    await later();
    await Promise.resolve();
  }
}

describe('cpu accounting', () => {
  it('charges interleaved stages their own slices, not the time they spent waiting', async () => {
    const charged: Record<string, number> = {};
    const accounting = cpuAccounting((stage, micros) => (charged[stage] = (charged[stage] ?? 0) + micros));
    accounting.enable();
    // Run side by side: a delta around each would count about the sum of all three for each.
    await Promise.all([accounting.within('light', () => work(1, 10)), accounting.within('heavy', () => work(4, 10)), accounting.within('outer', () => accounting.within('inner', () => work(2, 10)))]);
    accounting.disable();
    const ms = (stage: string) => (charged[stage] ?? 0) / 1000;
    const all = ms('light') + ms('heavy') + ms('inner') + ms('outer');
    // In proportion to their work (1 : 4 : 2), with room for a shared machine's noise; a delta around each
    // awaited call would give each about the sum of all three.
    expect(ms('heavy') / ms('light')).toBeGreaterThan(2);
    expect(ms('heavy') / ms('light')).toBeLessThan(8);
    expect(ms('inner') / ms('light')).toBeGreaterThan(1.2);
    expect(ms('inner') / ms('light')).toBeLessThan(4);
    expect(ms('heavy') / all).toBeLessThan(0.8);
    // The nested stage takes its own slices; the one around it ran nothing of its own.
    expect(ms('outer') / all).toBeLessThan(0.05);
    expect(accounting.slices).toBeGreaterThan(0);
  });

  it('charges nothing while off', async () => {
    const charge = jest.fn();
    const accounting = cpuAccounting(charge);
    await accounting.within('stage', () => work(1, 3));
    expect(charge).not.toHaveBeenCalled();
    expect(accounting.slices).toBe(0);
  });
});
