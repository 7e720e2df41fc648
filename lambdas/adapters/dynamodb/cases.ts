import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../domain/kernel/errors';
import type { Page } from '../../domain/kernel/store';
import type { AlertCase, NotificationChannel } from '../../domain/loop/alerts';
import { nextDeadline } from '../../domain/loop/cases';
import type { CaseFilter, CaseListing, CaseStore } from '../../domain/loop/ports';
import type { KeyScope } from '../../domain/people/roles';
import { table } from '../../pipeline';
import { keys } from './keys';
import { conditionally, CURSOR_KEYS, entityOf, TableStore, type Item } from './table';

/**
 * A manager's cases as a filter: in their surveys/touchpoints (each given dimension must hold), or of their
 * teams. An empty scope matches nothing.
 */
function scopeCondition(scope: KeyScope, names: Record<string, string>, values: Record<string, unknown>): { expression: string; alternatives: number } {
  const within = (field: 'surveyId' | 'touchpoint' | 'team', list: readonly string[]) => {
    names[`#scope_${field}`] = field;
    list.forEach((value, i) => (values[`:scope_${field}${i}`] = value));
    return `#scope_${field} IN (${list.map((_, i) => `:scope_${field}${i}`).join(', ')})`;
  };
  const survey = [scope.surveys && within('surveyId', scope.surveys), scope.touchpoints && within('touchpoint', scope.touchpoints)].filter(Boolean);
  // DynamoDB refuses redundant parentheses, so they go only where AND sits inside OR.
  const surveyPart = survey.length > 1 && scope.teams ? `(${survey.join(' AND ')})` : survey.join(' AND ');
  const alternatives = [surveyPart || undefined, scope.teams && within('team', scope.teams)].filter(Boolean);
  return alternatives.length ? { expression: alternatives.join(' OR '), alternatives: alternatives.length } : { expression: 'attribute_not_exists(pk)', alternatives: 1 };
}

/** The deadline index keys of a case: present while it waits on someone, gone once resolved. */
function deadlineKeys(kase: AlertCase): { gsi2pk?: string; gsi2sk?: string } {
  // A notice that failed waits for its retry (or stays parked), whatever else changes on the case.
  const failed = kase.pendingNotice ? kase.noticeFailure : undefined;
  if (failed) return { gsi2pk: failed.parked ? keys.dueParked(kase.id) : keys.due(kase.id), gsi2sk: `${failed.retryAt}#${kase.id}` };
  const deadline = nextDeadline(kase);
  return deadline ? { gsi2pk: keys.due(kase.id), gsi2sk: `${deadline.at}#${kase.id}` } : {};
}

/** `yyyy-mm` of every month from `since` to `now`, oldest first. */
function monthsBetween(since: Date, now: Date): string[] {
  const months: string[] = [];
  const cursor = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), 1));
  while (cursor <= now) {
    months.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return months;
}

/** Where a case listing resumes: a month of the window and, within it, DynamoDB's own key. */
function decodeCaseCursor(cursor: string | undefined, months: readonly string[]): { monthIndex: number; key?: Item } {
  if (!cursor) return { monthIndex: 0 };
  try {
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const monthIndex = months.indexOf(raw?.m);
    const key = raw?.k;
    const keyValid =
      key === undefined ||
      (key && typeof key === 'object' && Object.keys(key).sort().join() === [...CURSOR_KEYS].sort().join() && key.gsi1pk === keys.casesOf(raw.m) && CURSOR_KEYS.every((k) => typeof key[k] === 'string' && key[k].length <= 512));
    if (monthIndex >= 0 && keyValid) return { monthIndex, key };
  } catch {
    /* falls through */
  }
  throw new DomainError(400, 'validation_failed', 'cursor is not valid for this listing', [{ field: 'cursor', message: 'use nextCursor from the previous page with the same filters' }]);
}

/** Cases (`ALERT#<id>`), listed by the month they opened on gsi1, unresolved ones by deadline on the sparse gsi2. */
export class DynamoCaseStore extends TableStore implements CaseStore {
  putAlert(alert: AlertCase) {
    return this.putNew({ ...keys.alert(alert.id), entity: 'alert', gsi1pk: keys.casesOf(alert.createdAt.slice(0, 7)), gsi1sk: `${alert.createdAt}#${alert.id}`, ...deadlineKeys(alert), ...alert });
  }
  async saveCaseChange(after: AlertCase, expectedVersion: number): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status', '#history': 'history', '#version': 'version', '#owner': 'owner' };
    const values: Record<string, unknown> = { ':status': after.status, ':history': after.history, ':next': expectedVersion + 1, ':v': expectedVersion, ':owner': after.owner };
    const set = ['#status = :status', '#history = :history', '#version = :next', '#owner = :owner'];
    const remove: string[] = [];
    for (const field of ['team', 'acknowledgedAt', 'resolvedAt', 'resolution', 'escalationLevel', 'pendingNotice', 'noticeFailure', 'escalateTo'] as const) {
      names[`#${field}`] = field;
      if (after[field] === undefined) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = after[field];
      }
    }
    const deadline = deadlineKeys(after);
    if (deadline.gsi2pk) {
      set.push('gsi2pk = :dpk', 'gsi2sk = :dsk');
      Object.assign(values, { ':dpk': deadline.gsi2pk, ':dsk': deadline.gsi2sk });
    } else remove.push('gsi2pk', 'gsi2sk');
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.alert(after.id),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          // Cases opened before versions existed count as version 0.
          ConditionExpression: 'attribute_exists(pk) AND (#version = :v OR (attribute_not_exists(#version) AND :v = :zero))',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':zero': 0 },
        }),
      ),
    );
  }
  recordCaseComment(id: string, comment: string, at: Date): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.alert(id),
          UpdateExpression: 'SET #comment = :c, #history = list_append(#history, :e)',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#comment) OR #comment <> :c)',
          ExpressionAttributeNames: { '#comment': 'comment', '#history': 'history' },
          ExpressionAttributeValues: { ':c': comment, ':e': [{ at: at.toISOString(), action: 'comment', by: 'customer', details: 'the customer added a comment' }] },
        }),
      ),
    );
  }
  listDueCases(before: string, limit: number): Promise<string[]> {
    return this.sparseIndexIds('DUE#', 'ALERT#', before, limit);
  }
  async recordNoticeFailure(id: string, failure: NonNullable<AlertCase['noticeFailure']>): Promise<void> {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.alert(id),
          UpdateExpression: 'SET noticeFailure = :f, gsi2pk = :pk, gsi2sk = :sk',
          ConditionExpression: 'attribute_exists(pendingNotice)',
          ExpressionAttributeValues: { ':f': failure, ':pk': failure.parked ? keys.dueParked(id) : keys.due(id), ':sk': `${failure.retryAt}#${id}` },
        }),
      ),
    );
  }
  listParkedCases(limit: number): Promise<string[]> {
    return this.sparseIndexIds('DUEPARKED#', 'ALERT#', '\uffff', limit);
  }
  unparkCase(id: string, now: Date): Promise<void> {
    return this.unpark(keys.alert(id), 'DUEPARKED#', keys.due(id), now, 'noticeFailure');
  }

  async listCases(filter: CaseFilter, page: CaseListing): Promise<Page<AlertCase>> {
    const months = monthsBetween(page.since, page.now);
    if (page.order === 'newest') months.reverse();
    const cursor = decodeCaseCursor(page.cursor, months);
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      conditions.push(`#${field} = :${field}`);
    }
    if (page.scope) {
      const { expression, alternatives } = scopeCondition(page.scope, names, values);
      conditions.push(alternatives > 1 && conditions.length ? `(${expression})` : expression);
    }
    const items: AlertCase[] = [];
    for (let m = cursor.monthIndex; m < months.length; m++) {
      let start = m === cursor.monthIndex ? cursor.key : undefined;
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: table.indexes[0].name,
            KeyConditionExpression: 'gsi1pk = :partition',
            ...(conditions.length && { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names }),
            ExpressionAttributeValues: { ':partition': keys.casesOf(months[m]), ...values },
            ScanIndexForward: page.order === 'oldest',
            Limit: page.limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(out.Items ?? []).map((i) => entityOf<AlertCase>(i) as AlertCase));
        start = out.LastEvaluatedKey;
        if (items.length >= page.limit) {
          const next = start ? { m: months[m], k: start } : m + 1 < months.length ? { m: months[m + 1] } : undefined;
          return next ? { items, nextCursor: Buffer.from(JSON.stringify(next)).toString('base64url') } : { items };
        }
      } while (start);
    }
    return { items };
  }
  getAlert(id: string) {
    return this.get<AlertCase>(keys.alert(id), true);
  }
  claimAlertNotification(id: string, channel: NotificationChannel, claimant: string, now: Date, leaseMs: number): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.alert(id),
          UpdateExpression: 'SET #until = :until, #by = :me',
          // The claimant's own claim is granted again: the SDK retries a write whose answer was lost.
          // An escalation's notices are pending until first claimed: they need no entry beforehand.
          ConditionExpression: '(notifications.#c = :pending OR attribute_not_exists(notifications.#c)) AND (attribute_not_exists(#until) OR #until < :now OR #by = :me)',
          ExpressionAttributeNames: { '#c': channel, '#until': `${channel}ClaimedUntil`, '#by': `${channel}ClaimedBy` },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now.toISOString(), ':until': new Date(now.getTime() + leaseMs).toISOString(), ':me': claimant },
        }),
      ),
    );
  }
  async releaseAlertNotification(id: string, channel: NotificationChannel, claimant: string) {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.alert(id),
          UpdateExpression: 'REMOVE #until, #by',
          ConditionExpression: '#by = :me',
          ExpressionAttributeNames: { '#until': `${channel}ClaimedUntil`, '#by': `${channel}ClaimedBy` },
          ExpressionAttributeValues: { ':me': claimant },
        }),
      ),
    );
  }
  async markAlertNotified(id: string, channel: NotificationChannel) {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.alert(id),
        UpdateExpression: 'SET notifications.#c = :sent REMOVE #until, #by',
        ExpressionAttributeNames: { '#c': channel, '#until': `${channel}ClaimedUntil`, '#by': `${channel}ClaimedBy` },
        ExpressionAttributeValues: { ':sent': 'sent' },
      }),
    );
  }
}
