// What an access token must carry to call the partner API at all, as the API's app registration
// declares it: a delegated scope for people signing in through the portal (or any client acting
// for a user), and an application role for service principals (scripts and pipelines with their
// own identity). Which publisher and which publisher role come from the members table, not the token.
export const DELEGATED_SCOPE = 'Offers.ReadWrite';
export const APP_ROLE = 'Offers.ReadWrite.All';
