import { awsConfig, isLoopback, localEndpoint, noEndpointHint } from '../../../bin/cli/aws';

describe('where keys, replay and aggregates go', () => {
  it('take --endpoint first, then the SDK variable, then (Lambda only) CX_API_URL on this machine', () => {
    const env = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8001', CX_API_URL: 'http://127.0.0.1:3001/' };
    expect(localEndpoint('dynamodb', { endpoint: 'http://127.0.0.1:9000' }, env)).toEqual({ url: 'http://127.0.0.1:9000', given: true });
    expect(localEndpoint('dynamodb', {}, env)).toEqual({ url: 'http://127.0.0.1:8001', given: false });
    expect(localEndpoint('lambda', {}, env)).toEqual({ url: 'http://127.0.0.1:3001', given: false });
    expect(localEndpoint('lambda', {}, { ...env, AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:3002' })).toEqual({ url: 'http://127.0.0.1:3002', given: false });
    // A deployed API is no Lambda endpoint: without a local one, the SDK goes to AWS.
    expect(localEndpoint('lambda', {}, { CX_API_URL: 'https://abc.execute-api.eu-west-1.amazonaws.com' })).toBeUndefined();
    expect(localEndpoint('dynamodb', {}, { CX_API_URL: 'http://127.0.0.1:3000' })).toBeUndefined();
  });

  it('use throwaway credentials only on this machine or with --endpoint', () => {
    expect(awsConfig('dynamodb', {}, { AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' })).toEqual({ endpoint: 'http://localhost:8000', region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    expect(awsConfig('dynamodb', {}, { AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.eu-west-1.amazonaws.com', AWS_REGION: 'eu-west-1' })).toEqual({ endpoint: 'https://dynamodb.eu-west-1.amazonaws.com', region: 'eu-west-1' });
    expect(awsConfig('lambda', { region: 'eu-west-1' }, {})).toEqual({ region: 'eu-west-1' });
    expect(['http://127.0.0.1:3000', 'http://localhost', 'http://[::1]:8000/x', 'http://127.0.0.1.example.com', 'https://example.com'].map(isLoopback)).toEqual([true, true, true, false, false]);
  });

  it('say in one line what to pass when nothing is found', () => {
    expect(noEndpointHint('dynamodb', {})).toBe("No DynamoDB endpoint or AWS region found: pass --endpoint http://127.0.0.1:8000 (the local runtime's DynamoDB Local; or export the settings npm start prints) or --region REGION for a deployed stack.");
    expect(noEndpointHint('lambda', { PORT: '3100' })).toContain('pass --endpoint http://127.0.0.1:3100 (the local runtime;');
  });
});
