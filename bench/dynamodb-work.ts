/**
 * `tsx bench/dynamodb-work.ts`: the DynamoDB requests one accepted response causes across the whole pipeline
 * (ingest, scoring, case and notifications, aggregates), counted by a proxy in front of DynamoDB Local, for a
 * promoter and for a detractor (who opens a case). Prints one JSON line. The stream reads of the local
 * poller are not counted: Lambda's stream reads for triggers are not billed.
 */
import { freePort } from '../local/ports';
import { startLocalRuntime } from '../local/runtime';
import { startDynamoDbCounter } from './dynamodb-counter';

async function main(samples = Number(process.env.BENCH_COUNT_SAMPLES ?? 20)) {
  const ports = { api: await freePort(), dynamodb: await freePort(), ses: await freePort(), sns: await freePort(), sms: await freePort() };
  const counter = await startDynamoDbCounter(`http://127.0.0.1:${ports.dynamodb}`);
  const runtime = await startLocalRuntime({ ports, inMemory: true, scheduleIntervalMs: 0, log: () => undefined, env: { AWS_ENDPOINT_URL_DYNAMODB: counter.url } });
  try {
    const post = (answers: Record<string, unknown>) =>
      fetch(`${runtime.apiUrl}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ surveyId: 'demo', answers }) });
    // Warm: the survey is then in each container's cache, as in steady traffic.
    for (let i = 0; i < 3; i++) await post({ nps: 10 });
    await runtime.waitForIdle();
    const per = async (answers: Record<string, unknown>) => {
      counter.reset();
      for (let i = 0; i < samples; i++) if ((await post(answers)).status !== 202) throw new Error('not accepted');
      await runtime.waitForIdle();
      const { requests, transactionItems } = counter.counts();
      const round = (n: number) => Math.round((n / samples) * 100) / 100;
      return { requests: Object.fromEntries(Object.entries(requests).map(([op, n]) => [op, round(n)])), total: round(Object.values(requests).reduce((a, b) => a + b, 0)), transactionItems: round(transactionItems) };
    };
    const promoter = await per({ nps: 10 });
    const detractor = await per({ nps: 1, comment: 'late' });
    process.stdout.write(`${JSON.stringify({ samples, promoter, detractor })}\n`);
  } finally {
    await runtime.stop();
    await counter.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
