// The development issuer and a cast of users for the identity tests: one place for their object
// ids, so the API and browser tests speak of the same people.
import { DevIssuer, DevUser } from '../../tools/dev-issuer/issuer';

export const API_AUDIENCE = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
export const PORTAL_CLIENT_ID = 'c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8';

export const OLIVIA: DevUser = {
  objectId: '0a000000-0000-4000-8000-000000000001',
  name: 'Olivia Owner',
  username: 'olivia@contoso.test',
};
export const MIA: DevUser = {
  objectId: '0a000000-0000-4000-8000-000000000002',
  name: 'Mia Manager',
  username: 'mia@contoso.test',
};
export const DEVON: DevUser = {
  objectId: '0a000000-0000-4000-8000-000000000003',
  name: 'Devon Developer',
  username: 'devon@contoso.test',
};
export const PIPELINE_SP = '0b000000-0000-4000-8000-000000000004';

export function startDevIssuer(redirectUris: string[] = []): Promise<DevIssuer> {
  return DevIssuer.start({
    audience: API_AUDIENCE,
    clientId: PORTAL_CLIENT_ID,
    redirectUris,
    users: [OLIVIA, MIA, DEVON],
  });
}
