import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { HttpSender, Resolver } from '../domain/destinations/delivery';

/** How long a destination has to answer. */
export const SEND_TIMEOUT_MS = 5000;
/** How much of an answer is read (and kept): enough for an error message. */
const KEPT_ANSWER_BYTES = 1024;

/** Every address a host name resolves to (an IP literal resolves to itself). */
export const dnsResolver: Resolver = {
  async addresses(host: string) {
    if (isIP(host)) return [host];
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  },
};

/**
 * Posts to the address that was checked, not to a second lookup's (DNS rebinding), with the URL's host name
 * for TLS and the Host header. Redirects are answers, never followed; 5 s for the whole exchange.
 */
export const nodeHttpSender: HttpSender = {
  post(url, address, headers, body) {
    const target = new URL(url);
    const started = Date.now();
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body), 'user-agent': 'cx-feedback-webhooks/1' },
          lookup: (_host, _options, callback) => callback(null, address, isIP(address) || 4),
          timeout: SEND_TIMEOUT_MS,
        },
        (res) => {
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            kept += chunk.length;
            if (kept > KEPT_ANSWER_BYTES) res.destroy();
          });
          const done = () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started });
          res.on('end', done);
          res.on('close', done);
        },
      );
      const limit = setTimeout(() => req.destroy(new Error(`no answer within ${SEND_TIMEOUT_MS / 1000} s`)), SEND_TIMEOUT_MS);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${SEND_TIMEOUT_MS / 1000} s`)));
      req.on('error', (error) => reject(error));
      req.on('close', () => clearTimeout(limit));
      req.end(body);
    });
  },
};
