import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricWatch, WatchKey } from '../../domain/insight/metric-watch';
import type { MetricWatchStore } from '../../domain/insight/ports';
import { conditionally, TableStore, type Item } from './table';

/** One partition per survey holds its watches; one item per scheduled run's hour, kept two days. */
export const metricKeys = {
  watches: (surveyId: string) => `METRIC#${surveyId}`,
  watch: (key: WatchKey) => ({ pk: `METRIC#${key.surveyId}`, sk: `${key.dimension}#${key.name}#${key.kind}` }),
  run: (period: string) => ({ pk: `METRICRUN#${period}`, sk: 'META' }),
};
const RUN_TTL_SECONDS = 2 * 86_400;

const watchOf = (item: Item): MetricWatch => ({
  key: { surveyId: String(item.surveyId), dimension: item.dimension as WatchKey['dimension'], name: String(item.name), kind: item.kind as WatchKey['kind'] },
  state: item.episode as MetricWatch['state'],
  version: Number(item.version ?? 0),
  notified: Number(item.notified ?? 0),
  ...(item.alert ? { alert: item.alert as MetricWatch['alert'] } : {}),
});

export class DynamoMetricWatchStore extends TableStore implements MetricWatchStore {
  async watchesOf(surveyId: string): Promise<MetricWatch[]> {
    const found: MetricWatch[] = [];
    let start: Item | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': metricKeys.watches(surveyId) }, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of out.Items ?? []) found.push(watchOf(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  saveWatch(watch: MetricWatch, expectedVersion: number): Promise<boolean> {
    // `notified` is only ever raised by markNotified: a state write keeps it.
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: metricKeys.watch(watch.key),
          UpdateExpression: `SET entity = :entity, surveyId = :survey, dimension = :dimension, #name = :name, kind = :kind, episode = :episode, version = :version, notified = if_not_exists(notified, :zero)${watch.alert ? ', alert = :alert' : ''}`,
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: {
            ':entity': 'metricWatch',
            ':survey': watch.key.surveyId,
            ':dimension': watch.key.dimension,
            ':name': watch.key.name,
            ':kind': watch.key.kind,
            ':episode': watch.state,
            ':version': watch.version,
            ':zero': 0,
            ...(watch.alert && { ':alert': watch.alert }),
            ...(expectedVersion !== 0 && { ':expected': expectedVersion }),
          },
        }),
      ),
    );
  }

  claimNotice(key: WatchKey, episode: number, claimant: string, now: Date, leaseMs: number): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: metricKeys.watch(key),
          UpdateExpression: 'SET noticeClaimedUntil = :until, noticeClaimedBy = :me',
          // Only the current, open episode, not notified yet; the claimant's own claim again (a retried write).
          ConditionExpression: 'episode.episodes = :episode AND episode.#open = :true AND notified < :episode AND (attribute_not_exists(noticeClaimedUntil) OR noticeClaimedUntil < :now OR noticeClaimedBy = :me)',
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: { ':episode': episode, ':true': true, ':now': now.toISOString(), ':until': new Date(now.getTime() + leaseMs).toISOString(), ':me': claimant },
        }),
      ),
    );
  }

  async releaseNotice(key: WatchKey, claimant: string): Promise<void> {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: metricKeys.watch(key),
          UpdateExpression: 'REMOVE noticeClaimedUntil, noticeClaimedBy',
          ConditionExpression: 'noticeClaimedBy = :me',
          ExpressionAttributeValues: { ':me': claimant },
        }),
      ),
    );
  }

  async markNotified(key: WatchKey, episode: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: metricKeys.watch(key),
        UpdateExpression: 'SET notified = :episode REMOVE noticeClaimedUntil, noticeClaimedBy',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':episode': episode },
      }),
    );
  }

  claimRun(period: string, now: Date): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...metricKeys.run(period), entity: 'metricRun', startedAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + RUN_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
