/** The settings the operator CLI needs to find a local runtime without flags; `npm start` prints them to export. */
export interface LocalCliTarget {
  readonly apiUrl: string;
  readonly adminKey: string;
  readonly dynamodbUrl: string;
  readonly tableName: string;
}

/**
 * CX_API_URL and CX_API_KEY for the API commands (and replay and aggregates, which call the runtime's Lambda
 * Invoke path at that address), AWS_ENDPOINT_URL_DYNAMODB for keys, TABLE_NAME when it is not the CLI's default.
 */
export function cliSettings(target: LocalCliTarget): Record<string, string> {
  return {
    CX_API_URL: target.apiUrl,
    CX_API_KEY: target.adminKey,
    AWS_ENDPOINT_URL_DYNAMODB: target.dynamodbUrl,
    ...(target.tableName !== 'cx-feedback' && { TABLE_NAME: target.tableName }),
  };
}

const shellWord = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/** One `export …` line for a POSIX shell. */
export const exportLine = (settings: Record<string, string>) => `export ${Object.entries(settings).map(([name, value]) => `${name}=${shellWord(value)}`).join(' ')}`;
