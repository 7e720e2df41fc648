import { cliSettings, exportLine } from '../../../local/cli-settings';

describe('the CLI settings npm start prints', () => {
  const target = { apiUrl: 'http://127.0.0.1:3000', adminKey: 'cxk_abc-DEF_123', dynamodbUrl: 'http://127.0.0.1:8000', tableName: 'cx-feedback' };

  it('name the API, the admin key and DynamoDB Local; the table only when it is not the default', () => {
    expect(cliSettings(target)).toEqual({ CX_API_URL: 'http://127.0.0.1:3000', CX_API_KEY: 'cxk_abc-DEF_123', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' });
    expect(cliSettings({ ...target, tableName: 'cx-dev' }).TABLE_NAME).toBe('cx-dev');
  });

  it('make one export line a POSIX shell reads back as given', () => {
    expect(exportLine(cliSettings(target))).toBe('export CX_API_URL=http://127.0.0.1:3000 CX_API_KEY=cxk_abc-DEF_123 AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000');
    expect(exportLine({ CX_API_KEY: "it's a key" })).toBe(`export CX_API_KEY='it'\\''s a key'`);
  });
});
