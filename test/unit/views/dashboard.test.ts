import { histogramSvg, lineChartSvg } from '../../../lambdas/views/charts';
import { dashboardPage, destinationsPage, signInPage } from '../../../lambdas/views/dashboard';
import { destinationHealth } from '../../../lambdas/domain/destinations/health';
import { sessionToken, verifySessionToken } from '../../../lambdas/domain/kernel/tokens';

const NOW = new Date('2026-11-24T12:00:00Z');
const HASH = 'a'.repeat(64);

describe('dashboard sessions', () => {
  it('bind a key hash until they expire; forged, foreign or expired ones read as signed out', () => {
    const token = sessionToken('secret', { keyHash: HASH, expiresAt: NOW.getTime() / 1000 + 60, issuedAt: NOW.getTime() });
    expect(verifySessionToken('secret', token, NOW)).toEqual({ keyHash: HASH, expiresAt: NOW.getTime() / 1000 + 60, issuedAt: NOW.getTime() });
    expect(verifySessionToken('other', token, NOW)).toBeUndefined();
    expect(verifySessionToken('secret', token, new Date(NOW.getTime() + 61_000))).toBeUndefined();
    expect(verifySessionToken('secret', `x${token}`, NOW)).toBeUndefined();
    expect(verifySessionToken('secret', 'garbage', NOW)).toBeUndefined();
  });
});

describe('charts', () => {
  it('draw a histogram with a title, a description and the numbers in a table, extremes coloured', () => {
    const svg = histogramSvg('NPS answers', [
      { label: '0', count: 3, tone: 'low' },
      { label: '5', count: 1, tone: 'mid' },
      { label: '10', count: 6, tone: 'high' },
    ]);
    expect(svg).toMatch(/<svg role="img" aria-labelledby="hist-\d+-t hist-\d+-d"/);
    expect(svg).toContain('10 answers: 0: 3, 5: 1, 10: 6');
    expect(svg).toContain('<td>60%</td>');
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('#b3261e');
  });

  it('draw lines that break where a period has no data, on a fixed scale', () => {
    const svg = lineChartSvg('NPS per week', ['W1', 'W2', 'W3', 'W4'], [{ name: 'web <b>', values: [10, null, 30, 40] }], { min: -100, max: 100 });
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(1);
    expect(svg).toContain('web &#60;b&#62;');
    expect(svg).not.toContain('<b>');
  });
});

describe('pages', () => {
  it('the sign-in page posts the key, never puts it in a URL', () => {
    const page = signInPage('/dashboard/session');
    expect(page).toContain('method="post" action="/dashboard/session"');
    expect(page).toContain('type="password"');
  });

  it('escape everything people wrote, and flag too few responses', () => {
    const page = dashboardPage(
      {
        signedInAs: { name: 'ops', role: 'admin' },
        filter: { surveyId: 'demo', from: '2026-09-01', to: '2026-11-24' },
        headline: [{ label: 'NPS', unit: '', estimate: { value: 12.5, low: -20, high: 45, n: 8, tooFew: true }, note: 'promoters − detractors' }],
        distributions: [],
        trends: [],
        comments: [{ at: NOW.toISOString(), score: 'NPS 1', text: '<script>alert(1)</script>', channel: 'web' }],
      },
      { reports: '/dashboard', cases: '/dashboard/cases', destinations: '/dashboard/destinations', signOut: '/dashboard/sign-out' },
      '/dashboard',
    );
    expect(page).not.toContain('<script>');
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(page).toContain('Too few responses');
    expect(page).toContain('95% interval -20 to 45');
  });
});

describe('the destinations page', () => {
  const links = { reports: '/dashboard', cases: '/dashboard/cases', destinations: '/dashboard/destinations', signOut: '/dashboard/sign-out' };
  const failed = { at: '2026-11-24T10:00:00.000Z', status: 503, ms: 41 };
  const destination = {
    id: 'd1',
    name: 'Helpdesk <b>bridge</b>',
    type: 'webhook',
    url: 'https://helpdesk.example.org/hooks',
    events: ['case.opened'],
    enabled: true,
    health: destinationHealth([{ state: 'pending' as const, attempts: [failed], nextAttemptAt: '2026-11-24T12:30:00.000Z' }], NOW),
    deliveries: [{ type: 'case.opened', createdAt: '2026-11-24T09:59:59.000Z', state: 'pending', attemptCount: 1, lastAttempt: failed, nextAttemptAt: '2026-11-24T12:30:00.000Z' }],
  };

  it('shows each destination with its health and deliveries, its name escaped, and is linked for admins only', () => {
    const page = destinationsPage({ signedInAs: { name: 'ops', role: 'admin' }, now: NOW, destinations: [destination] }, links);
    expect(page).toContain('Helpdesk &#60;b&#62;bridge&#60;/b&#62;');
    expect(page).not.toContain('<b>bridge');
    expect(page).toContain('Failing for 2 h 0 min');
    expect(page).toContain('Failing since</dt><dd><span class="when">Tue, 24 Nov 2026, 10:00 UTC</span> (2 h 0 min ago); last: HTTP 503 in 41 ms');
    expect(page).toContain('Pending</dt><dd>1, next try <span class="when">Tue, 24 Nov 2026, 12:30 UTC</span> (in 30 min)');
    expect(page).toContain('<td data-label="Next try">in 30 min</td>');
    expect(page).toContain('aria-current="page">Destinations</a>');
    for (const role of ['manager', 'analyst']) {
      expect(dashboardPage({ signedInAs: { name: 'x', role }, filter: { surveyId: '', from: '', to: '' }, headline: [], distributions: [], trends: [] }, links, '/dashboard')).not.toContain('/dashboard/destinations');
    }
    expect(dashboardPage({ signedInAs: { name: 'x', role: 'admin' }, filter: { surveyId: '', from: '', to: '' }, headline: [], distributions: [], trends: [] }, links, '/dashboard')).toContain('href="/dashboard/destinations"');
  });

  it('says why the service disabled a destination, and what a timeout was', () => {
    const gone = { ...destination, enabled: false, disabledReason: 'the endpoint answered 410 Gone on 2026-11-24T10:00:00.000Z', deliveries: [{ ...destination.deliveries[0], state: 'dead', lastAttempt: { at: failed.at, ms: 5000, error: 'timed out after 5000 ms' } }] };
    const page = destinationsPage({ signedInAs: { name: 'ops', role: 'admin' }, now: NOW, destinations: [gone] }, links);
    expect(page).toContain('Disabled by the service</span>');
    expect(page).toContain('Disabled by the service: the endpoint answered 410 Gone on 2026-11-24T10:00:00.000Z. Fix the endpoint');
    expect(page).toContain('<dt>State</dt><dd><strong>Disabled by the service</strong>');
    expect(page).toContain('<td data-label="Last attempt">timed out after 5000 ms</td>');
    expect(page).toContain('<td data-label="Next try">—</td>');
  });
});
