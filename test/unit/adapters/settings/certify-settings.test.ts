import { minAgentVersion } from '../../../../adapters/settings/certify-settings';

it('CERTIFY_MIN_AGENT_VERSION sets the minimum; a value that is not a version is ignored', () => {
  expect(minAgentVersion({ CERTIFY_MIN_AGENT_VERSION: ' 2.9.1 ' })).toBe('2.9.1');
  expect(minAgentVersion({ CERTIFY_MIN_AGENT_VERSION: 'latest' })).toBeUndefined();
  expect(minAgentVersion({})).toBeUndefined();
});
