import {
  checkDestinationUrl,
  isRefusedAddress,
  looksLikeIPv4,
  parseIPv4,
  parseIPv6,
  resolvedAddressProblem,
} from '../../../../lambdas/domain/destinations/addresses';

const strict = { allowLocalHttp: false };
const local = { allowLocalHttp: true };

describe('isRefusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private 10/8'],
    ['10.255.255.255', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['0:0:0:0:0:0:0:1', 'IPv6 loopback, long form'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with a zone'],
    ['febf::1', 'link-local upper end'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata in hex'],
    ['::ffff:10.1.2.3', 'IPv4-mapped private'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of metadata'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['[::1]', 'bracketed'],
    ['example.com', 'not an address (fails closed)'],
    ['', 'empty'],
  ])('refuses %s (%s)', (ip) => {
    expect(isRefusedAddress(ip)).toBe(true);
  });

  it.each([
    ['93.184.215.14', 'public'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.15.255.255', 'just below 172.16/12'],
    ['172.32.0.0', 'just above 172.16/12'],
    ['100.63.255.255', 'just below CGNAT'],
    ['100.128.0.0', 'just above CGNAT'],
    ['169.253.255.255', 'just below link-local'],
    ['192.167.255.255', 'just below 192.168/16'],
    ['223.255.255.255', 'just below multicast'],
    ['11.0.0.1', 'just above 10/8'],
    ['2606:4700:4700::1111', 'public IPv6'],
    ['2001:4860:4860::8888', 'public IPv6'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public'],
    ['64:ff9b::808:808', 'NAT64 of a public address'],
    ['fbff::1', 'just below fc00::/7'],
    ['fe7f::1', 'just below fe80::/10'],
  ])('lets %s through (%s)', (ip) => {
    expect(isRefusedAddress(ip)).toBe(false);
  });
});

describe('IPv4 literals as WHATWG URL reads them', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F000001', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['1.2.3.0x10', '1.2.3.16'],
    ['169.254.43518', '169.254.169.254'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['1.2.3.4.', '1.2.3.4'],
    ['0x', '0.0.0.0'],
    ['0', '0.0.0.0'],
  ])('reads %s as %s, as new URL() does', (host, dotted) => {
    const n = parseIPv4(host)!;
    expect([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')).toBe(dotted);
    expect(new URL(`https://${host}/`).hostname).toBe(dotted);
  });

  it.each(['999.1.1.1', '1.2.3.09', '4294967296', '1.2.3.4.5', '1.256.1', '08', '1..2', 'example.com', '1.2.3.x'])('reads %s as no IPv4 address', (host) => {
    expect(parseIPv4(host)).toBeUndefined();
  });

  it('tells a number-ended host, which must be an IPv4 literal, from a name', () => {
    expect(['1.2.3.4', '0x7f000001', 'foo.0x1', '999.1.1.1', 'a.1.'].map(looksLikeIPv4)).toEqual([true, true, true, true, true]);
    expect(['example.com', '1.2.3.com', 'x0x1', '0xg'].map(looksLikeIPv4)).toEqual([false, false, false, false]);
  });

  it('expands IPv6 forms to eight groups', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('[::ffff:169.254.169.254]')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe]);
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIPv6('fe80::1%25eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('2001:db8::')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('127.0.0.1')).toBeUndefined();
  });
});

describe('checkDestinationUrl', () => {
  it.each([
    'https://hooks.example.com/cx',
    'https://hooks.slack.com/services/T000/B000/XXXX',
    'https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x',
    'https://93.184.215.14/hook',
    'https://[2606:4700:4700::1111]/hook',
    'https://example.com:8443/a?b=c',
  ])('accepts %s', (url) => {
    expect(checkDestinationUrl(url, strict)).toEqual([]);
  });

  it.each([
    ['http://hooks.example.com/cx', 'https://'],
    ['ftp://hooks.example.com/cx', 'https://'],
    ['javascript:alert(1)', 'https://'],
    ['not a url', 'not a valid'],
    ['/relative/path', 'not a valid'],
    ['https://user:pw@hooks.example.com/', 'user name or password'],
    ['https://user@hooks.example.com/', 'user name or password'],
    ['https://hooks.example.com/#frag', 'fragment'],
    ['https://hooks.example.com/#', 'fragment'],
    [`https://hooks.example.com/${'a'.repeat(2000)}`, 'longer than 2000'],
    ['https://127.0.0.1/', 'loopback, private'],
    ['https://10.0.0.5:8080/', 'loopback, private'],
    ['https://169.254.169.254/latest/meta-data/', 'loopback, private'],
    ['http://[::ffff:169.254.169.254]/', 'loopback, private'],
    ['https://[::ffff:169.254.169.254]/', 'loopback, private'],
    ['https://[::1]/', 'loopback, private'],
    ['https://[fd00::1]/', 'loopback, private'],
    ['https://[fe80::1]/', 'loopback, private'],
    ['https://[::127.0.0.1]/', 'loopback, private'],
    ['https://0x7f000001/', 'loopback, private'],
    ['https://2130706433/', 'loopback, private'],
    ['https://127.1/', 'loopback, private'],
    ['https://0177.0.0.1/', 'loopback, private'],
    ['https://0xa9fea9fe/', 'loopback, private'],
    ['https://%31%32%37.0.0.1/', 'loopback, private'],
    ['https://１２７.0.0.1/', 'loopback, private'],
    ['https://127.0.0.1./', 'loopback, private'],
    ['https://0.0.0.0/', 'loopback, private'],
    ['https://255.255.255.255/', 'loopback, private'],
    ['https://999.1.1.1/', 'not a valid'],
    ['https://localhost/', 'this machine'],
    ['https://LOCALHOST./', 'this machine'],
    ['https://api.localhost/', 'this machine'],
    ['https://metadata/', 'fully qualified'],
    ['http://localhost:3000/', 'https://'],
    ['http://127.0.0.1:3000/', 'https://'],
  ])('refuses %s (%s)', (url, problem) => {
    const problems = checkDestinationUrl(url, strict);
    expect(problems.join(' | ')).toContain(problem);
  });

  it('names the address a disguised literal stands for', () => {
    expect(checkDestinationUrl('https://0x7f000001/', strict)).toEqual(['The host 127.0.0.1 is a loopback, private, link-local or reserved address']);
  });

  it('lists every problem at once', () => {
    expect(checkDestinationUrl('http://u:p@10.0.0.1/#x', strict)).toHaveLength(4);
  });

  it('lets the local runtime post to its own http port, and nothing more', () => {
    expect(checkDestinationUrl('http://127.0.0.1:4010/hook', local)).toEqual([]);
    expect(checkDestinationUrl('http://localhost:4010/hook', local)).toEqual([]);
    expect(checkDestinationUrl('https://hooks.example.com/', local)).toEqual([]);
    expect(checkDestinationUrl('http://hooks.example.com/', local)[0]).toContain('http://127.0.0.1:<port>');
    expect(checkDestinationUrl('http://10.0.0.1:4010/', local)).toHaveLength(2);
    expect(checkDestinationUrl('http://169.254.169.254/', local)).toHaveLength(2);
    expect(checkDestinationUrl('http://[::1]:4010/', local)).toHaveLength(2);
    expect(checkDestinationUrl('http://user:pw@localhost:4010/', local)).toHaveLength(1);
  });
});

describe('resolvedAddressProblem (the send-time check against DNS rebinding)', () => {
  it('passes public addresses', () => {
    expect(resolvedAddressProblem(['93.184.215.14'])).toBeUndefined();
    expect(resolvedAddressProblem(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'])).toBeUndefined();
  });

  it('refuses when any resolved address is refused, or none resolved', () => {
    expect(resolvedAddressProblem(['93.184.215.14', '169.254.169.254'])).toBe('The host resolves to a refused address: 169.254.169.254');
    expect(resolvedAddressProblem(['::ffff:10.0.0.1'])).toContain('::ffff:10.0.0.1');
    expect(resolvedAddressProblem(['fd00::5', '8.8.8.8'])).toContain('fd00::5');
    expect(resolvedAddressProblem(['garbage'])).toContain('garbage');
    expect(resolvedAddressProblem([])).toBe('The host did not resolve to any address');
  });

  it('lets loopback through for the local runtime only', () => {
    expect(resolvedAddressProblem(['127.0.0.1', '::1'], local)).toBeUndefined();
    expect(resolvedAddressProblem(['127.0.0.1'])).toBeDefined();
    expect(resolvedAddressProblem(['10.0.0.1'], local)).toBeDefined();
  });
});
