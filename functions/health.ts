import { app } from '@azure/functions';

// A liveness probe for load balancers and `npm start` users: no auth, no storage access.
app.http('health', {
  route: 'api/health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async () => ({ jsonBody: { status: 'ok' } }),
});
