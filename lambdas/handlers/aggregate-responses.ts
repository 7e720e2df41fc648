import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { deltaOf, invitationDeltaOf } from '../domain/insight/aggregates';
import { countedVersion } from '../domain/insight/rebuild';
import { aggregateStore } from '../shared/dependencies';
import { metrics } from '../shared/powertools';
import { batchStreamHandler, invitationImage, responseImage } from '../shared/stream';

/**
 * Stream consumer: keeps the aggregates (responses, and the e-mail funnel from invitations). Each record changes them by its new image's counts minus its old
 * image's (late answers and revisions correct themselves), summed per cell across the batch, applied once
 * per record whatever the retries; while a rebuild holds a survey, its records are journaled instead. Deletions (erasure, retention) are not news: aggregates keep their counts.
 */
export const handler = batchStreamHandler(async (records) => {
  const changes = records
    .filter((record) => record.eventName === 'INSERT' || record.eventName === 'MODIFY')
    .map((record) => {
      const response = responseImage(record, 'NewImage');
      return {
        eventId: record.eventID ?? `${record.dynamodb?.SequenceNumber}`,
        deltas: [...deltaOf(responseImage(record, 'OldImage'), response), ...invitationDeltaOf(invitationImage(record, 'OldImage'), invitationImage(record, 'NewImage'))],
        // Which state of the response this record counts, should a rebuild hold its survey meanwhile.
        ...(response && { responseId: response.id, version: countedVersion(response) }),
      };
    })
    .filter((change) => change.deltas.length > 0);
  if (changes.length === 0) return;
  const applied = await aggregateStore().apply(changes, new Date());
  metrics.addMetric('AggregateRecordsApplied', MetricUnit.Count, applied);
});
