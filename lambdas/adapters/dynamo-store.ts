import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertRuleSet } from '../domain/loop/alert-rules';
import type { ContactHistory, FatigueRules } from '../domain/outreach/fatigue';
import type { CustomerProfile, ProfileSnapshot } from '../domain/people/customers';
import { table } from '../pipeline';
import type { AlertCase, NotificationChannel } from '../domain/loop/alerts';
import { nextDeadline } from '../domain/loop/cases';
import { DomainError } from '../domain/kernel/errors';
import type { KeyScope } from '../domain/people/roles';
import type { ApiKeyRecord, CaseFilter, CaseListing, TimelineKind, FeedbackStore, Invitation, Page, PageRequest, ProcessingFailure, PutOutcome } from '../domain/ports';
import type { SurveyResponse } from '../domain/surveys/response';
import type { ResponseScores } from '../domain/scoring/scoring';
import type { Survey } from '../domain/surveys/survey';
import { conditionally, documentClient, entityOf, type Item } from './dynamo-table';
import { keys, PENDING_SHARDS } from './dynamo-keys';

export { keys, PENDING_SHARDS } from './dynamo-keys';

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

/** DynamoDB keeps the opened scores as a string set; the domain reads a sorted list. */
const withScoreList = (invitation: Invitation): Invitation =>
  invitation.openedScores ? { ...invitation, openedScores: [...(invitation.openedScores as Iterable<string>)].sort() } : invitation;

/**
 * The stored form of a response. A write of new answers marks it pending (the sparse gsi2 keys) until
 * processing (scores, alert) completes for that revision: the sweeper finds what the stream could not finish.
 * A response that already carries the scores of its revision (settled at ingest, history) is stored complete.
 */
export function responseItem(response: SurveyResponse): Item {
  const listed = { ...keys.response(response.id), entity: 'response', gsi1pk: keys.responsesOf(response.surveyId), gsi1sk: `${response.submittedAt}#${response.id}` };
  if (response.scores?.revision === response.revision) return { ...listed, ...response };
  const { scores: _scores, ...unscored } = response;
  // When these answers were written (not when the conversation began): the sweeper's age test.
  return { ...listed, gsi2pk: keys.pending(response.id), gsi2sk: `${new Date().toISOString()}#${response.id}`, ...unscored };
}

/** The deadline index keys of a case: present while it waits on someone, gone once resolved. */
function deadlineKeys(kase: AlertCase): { gsi2pk?: string; gsi2sk?: string } {
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

function encodeCursor(key: Item | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
const CURSOR_KEYS = ['gsi1pk', 'gsi1sk', 'pk', 'sk'];
function decodeCursor(cursor: string | undefined, partition: string): Item | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A cursor only continues the listing it came from, and holds exactly a gsi1 key: anything else would
    // reach DynamoDB as an invalid ExclusiveStartKey.
    const valid =
      key &&
      typeof key === 'object' &&
      key.gsi1pk === partition &&
      Object.keys(key).sort().join() === [...CURSOR_KEYS].sort().join() &&
      CURSOR_KEYS.every((k) => typeof key[k] === 'string' && key[k].length > 0 && key[k].length <= 512);
    if (valid) return key;
  } catch {
    /* falls through to the error below */
  }
  throw new DomainError(400, 'validation_failed', 'cursor is not valid for this listing', [{ field: 'cursor', message: 'use nextCursor from the previous page' }]);
}

export class DynamoFeedbackStore implements FeedbackStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  private async putNew(item: Item): Promise<PutOutcome> {
    const written = await conditionally(this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })));
    return written ? 'created' : 'exists';
  }

  private async get<T>(key: { pk: string; sk: string }, consistent = false): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: consistent }));
    return entityOf<T>(out.Item);
  }

  private async listByGsi1<T>(partition: string, page: PageRequest): Promise<Page<T>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: table.indexes[0].name,
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': partition },
        ScanIndexForward: false, // newest first
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, partition),
      }),
    );
    const items = (out.Items ?? []).map((i) => entityOf<T>(i) as T);
    const nextCursor = encodeCursor(out.LastEvaluatedKey);
    return nextCursor ? { items, nextCursor } : { items };
  }

  async saveAlertRules(set: AlertRuleSet, expectedVersion: number): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.survey(set.surveyId),
                UpdateExpression: 'SET alertRules = :set',
                ConditionExpression: 'attribute_exists(pk) AND ((attribute_not_exists(alertRules) AND :v = :zero) OR alertRules.version = :v)',
                ExpressionAttributeValues: { ':set': set, ':v': expectedVersion, ':zero': 0 },
              },
            },
            // Every version is kept, so a change can be traced and compared.
            { Put: { TableName: this.tableName, Item: { ...keys.alertRules(set.surveyId, set.version), entity: 'alertRules', ...set }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
  }
  getAlertRules(surveyId: string, version: number) {
    return this.get<AlertRuleSet>(keys.alertRules(surveyId, version), true);
  }

  putSurvey(survey: Survey) {
    return this.putNew({ ...keys.survey(survey.id), entity: 'survey', ...survey });
  }
  getSurvey(id: string) {
    return this.get<Survey>(keys.survey(id));
  }

  putResponse(response: SurveyResponse) {
    return this.putNew(responseItem(response));
  }
  async saveResponseRevision(response: SurveyResponse): Promise<PutOutcome> {
    const written = await conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: responseItem(response),
          ConditionExpression: 'attribute_not_exists(pk) OR revision < :r',
          ExpressionAttributeValues: { ':r': response.revision },
        }),
      ),
    );
    return written ? 'created' : 'exists';
  }
  getResponse(id: string) {
    return this.get<SurveyResponse>(keys.response(id), true);
  }
  listResponses(surveyId: string, page: PageRequest) {
    return this.listByGsi1<SurveyResponse>(keys.responsesOf(surveyId), page);
  }
  completeProcessing(responseId: string, scores: ResponseScores, profile?: ProfileSnapshot): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.response(responseId),
          UpdateExpression: `SET scores = :s${profile ? ', profile = :p' : ''} REMOVE gsi2pk, gsi2sk, processingFailure`,
          ConditionExpression: 'attribute_exists(pk) AND revision = :r',
          ExpressionAttributeValues: { ':s': scores, ':r': scores.revision, ...(profile && { ':p': profile }) },
        }),
      ),
    );
  }
  async recordProcessingFailure(responseId: string, revision: number, failure: ProcessingFailure): Promise<void> {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.response(responseId),
          UpdateExpression: 'SET processingFailure = :f',
          ConditionExpression: 'attribute_exists(gsi2pk) AND revision = :r',
          ExpressionAttributeValues: { ':f': failure, ':r': revision },
        }),
      ),
    );
  }
  listPendingResponses(writtenBefore: string, limit: number): Promise<string[]> {
    return this.sparseIndexIds('PENDING#', 'RESPONSE#', writtenBefore, limit);
  }

  /** Ids of the items in the sharded gsi2 partitions `<partition><n>` sorted at or before `before`. */
  private async sparseIndexIds(partition: string, itemPrefix: string, before: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    for (let shard = 0; shard < PENDING_SHARDS && ids.length < limit; shard++) {
      let start: Item | undefined;
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: table.indexes[1].name,
            KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :before',
            ExpressionAttributeValues: { ':p': `${partition}${shard}`, ':before': before },
            Limit: limit - ids.length,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) ids.push(String(item.pk).slice(itemPrefix.length));
        start = out.LastEvaluatedKey;
      } while (start && ids.length < limit);
    }
    return ids;
  }


  putAlert(alert: AlertCase) {
    return this.putNew({ ...keys.alert(alert.id), entity: 'alert', gsi1pk: keys.casesOf(alert.createdAt.slice(0, 7)), gsi1sk: `${alert.createdAt}#${alert.id}`, ...deadlineKeys(alert), ...alert });
  }
  async saveCaseChange(after: AlertCase, expectedVersion: number): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status', '#history': 'history', '#version': 'version', '#owner': 'owner' };
    const values: Record<string, unknown> = { ':status': after.status, ':history': after.history, ':next': expectedVersion + 1, ':v': expectedVersion, ':owner': after.owner };
    const set = ['#status = :status', '#history = :history', '#version = :next', '#owner = :owner'];
    const remove: string[] = [];
    for (const field of ['team', 'acknowledgedAt', 'resolvedAt', 'resolution', 'escalationLevel', 'pendingNotice'] as const) {
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
  listDueCases(before: string, limit: number): Promise<string[]> {
    return this.sparseIndexIds('DUE#', 'ALERT#', before, limit);
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
          ConditionExpression: 'notifications.#c = :pending AND (attribute_not_exists(#until) OR #until < :now OR #by = :me)',
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

  putInvitation(invitation: Invitation) {
    return this.putNew({ ...keys.invitation(invitation.id), entity: 'invitation', ...invitation });
  }
  async getInvitation(id: string) {
    const found = await this.get<Invitation>(keys.invitation(id), true);
    return found && withScoreList(found);
  }
  async recordLinkOpened(id: string, score: number | undefined, now: Date): Promise<Invitation | undefined> {
    let attributes: Item | undefined;
    const written = await conditionally(
      this.doc
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.invitation(id),
            UpdateExpression: `SET openedAt = if_not_exists(openedAt, :now) ADD openCount :one${score === undefined ? '' : ', openedScores :score'}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1, ...(score !== undefined && { ':score': new Set([String(score)]) }) },
            ReturnValues: 'ALL_NEW',
          }),
        )
        .then((out) => (attributes = out.Attributes)),
    );
    return written && attributes ? withScoreList(entityOf<Invitation>(attributes) as Invitation) : undefined;
  }
  claimInvitation(id: string, claimant: string, now: Date, leaseMs: number): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.invitation(id),
          UpdateExpression: 'SET claimedUntil = :until, claimedBy = :me',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(sentAt) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now OR claimedBy = :me)',
          ExpressionAttributeValues: { ':me': claimant, ':now': now.toISOString(), ':until': new Date(now.getTime() + leaseMs).toISOString() },
        }),
      ),
    );
  }
  async releaseInvitation(id: string, claimant: string) {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.invitation(id),
          UpdateExpression: 'REMOVE claimedUntil, claimedBy',
          ConditionExpression: 'claimedBy = :me',
          ExpressionAttributeValues: { ':me': claimant },
        }),
      ),
    );
  }
  recordInvitationEvent(id: string, event: 'deliveredAt' | 'bouncedAt' | 'complainedAt', at: string): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.invitation(id),
          UpdateExpression: 'SET #event = if_not_exists(#event, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#event': event },
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }
  async markInvitationSent(id: string, sentAt: string) {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.invitation(id),
        UpdateExpression: 'SET sentAt = :t REMOVE claimedUntil, claimedBy',
        ExpressionAttributeValues: { ':t': sentAt },
      }),
    );
  }

  getSuppression(key: string) {
    return this.get<{ key: string; since: string; via: string }>(keys.suppression(key), true);
  }
  async putSuppression(key: string, since: string, via: string) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.suppression(key), entity: 'suppression', key, since, via } }));
  }
  async deleteSuppression(key: string) {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.suppression(key) }));
  }

  async putCustomer(profile: CustomerProfile) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.customer(profile.customerId), entity: 'customer', ...profile } }));
  }
  getCustomer(id: string) {
    return this.get<CustomerProfile>(keys.customer(id), true);
  }
  async addToCustomerTimeline(customerId: string, kind: TimelineKind, at: string, itemId: string, expiresAt?: number) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.customerEvent(customerId, kind, at, itemId), entity: 'customerEvent', kind, at, itemId, ...(expiresAt && { expiresAt }) } }));
  }
  async customerTimeline(customerId: string, kind: 'RESPONSE' | 'CASE', limit: number): Promise<string[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk, ':kind': `${kind}#` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => String(i.itemId));
  }

  getContactHistory(key: string) {
    return this.get<ContactHistory>(keys.contact(key), true);
  }
  async recordContact(key: string, kind: 'invited' | 'answered', at: string) {
    // Kept a little over a year after the last contact: fatigue rules look back at most 365 days.
    const expiresAt = Math.floor(Date.parse(at) / 1000) + 400 * 86400;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.contact(key),
        UpdateExpression:
          kind === 'invited'
            ? 'SET entity = :e, invitedAt = list_append(if_not_exists(invitedAt, :none), :at), expiresAt = :x'
            : 'SET entity = :e, answeredAt = :one, invitedAt = if_not_exists(invitedAt, :none), expiresAt = :x',
        ExpressionAttributeValues: { ':e': 'contact', ':none': [], ':x': expiresAt, ...(kind === 'invited' ? { ':at': [at] } : { ':one': at }) },
      }),
    );
  }
  getFatigueSettings() {
    return this.get<FatigueRules>(keys.fatigueSettings, true);
  }
  async putFatigueSettings(rules: FatigueRules) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.fatigueSettings, entity: 'settings', ...rules } }));
  }

  putApiKey(key: ApiKeyRecord) {
    return this.putNew({ ...keys.apiKey(key.keyHash), entity: 'apiKey', gsi1pk: keys.apiKeys, gsi1sk: key.keyId, ...key });
  }
  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const found: ApiKeyRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, IndexName: table.indexes[0].name, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': keys.apiKeys }, ExclusiveStartKey: start }),
      );
      found.push(...(out.Items ?? []).map((i) => entityOf<ApiKeyRecord>(i) as ApiKeyRecord));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }
  async revokeApiKey(keyId: string, now: Date): Promise<ApiKeyRecord | undefined> {
    const out = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, IndexName: table.indexes[0].name, KeyConditionExpression: 'gsi1pk = :p AND gsi1sk = :id', ExpressionAttributeValues: { ':p': keys.apiKeys, ':id': keyId } }),
    );
    const found = out.Items?.[0] ? (entityOf<ApiKeyRecord>(out.Items[0]) as ApiKeyRecord) : undefined;
    if (!found) return undefined;
    if (found.revokedAt) return found;
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.apiKey(found.keyHash),
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': now.toISOString() },
        }),
      ),
    );
    return this.getApiKey(found.keyHash);
  }
  getApiKey(keyHash: string) {
    return this.get<ApiKeyRecord>(keys.apiKey(keyHash));
  }
}
