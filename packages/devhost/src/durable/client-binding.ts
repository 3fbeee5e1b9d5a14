/**
 * The durableClient input binding's data, as the extension builds it: URL templates for the
 * management webhooks and the `rpcBaseUrl` the JS client sends its calls to.
 *
 * `origin` is always the host's own listening address, never anything taken from a request (its
 * Host header or target): the client inside a function sends its calls there, so a forged Host
 * would otherwise send an orchestration start to another server.
 *
 * `systemKey` is the Durable extension's system key (never the master key). The webhook URLs carry
 * it as `code=`, like the extension's. The JS client resolves its RPC calls relative to
 * `rpcBaseUrl` (`new URL('instances/…', rpcBaseUrl)`), which drops any query string, so when keys
 * are enforced the key travels in the base path instead: `/durabletask/code/<key>/`.
 */
export function clientBindingData(origin: string, hubName: string, systemKey: string | undefined) {
  const base = `${origin}/runtime/webhooks/durabletask`;
  const code = systemKey ? `code=${encodeURIComponent(systemKey)}` : '';
  const q = `taskHub=${hubName}&connection=Storage${code ? `&${code}` : ''}`;
  const instance = `${base}/instances/INSTANCEID`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]${code ? `?${code}` : ''}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}${code ? `&${code}` : ''}`,
    },
    managementUrls: managementUrls(instance, q),
    baseUrl: base,
    requiredQueryStringParameters: code,
    rpcBaseUrl: systemKey ? `${origin}/durabletask/code/${encodeURIComponent(systemKey)}/` : `${origin}/durabletask/`,
  };
}

function managementUrls(instance: string, q: string) {
  return {
    id: 'INSTANCEID',
    statusQueryGetUri: `${instance}?${q}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${q}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${instance}?${q}`,
    restartPostUri: `${instance}/restart?${q}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${q}`,
    resumePostUri: `${instance}/resume?reason={text}&${q}`,
  };
}

/** The management payload for one instance (what createCheckStatusResponse returns). */
export function managementPayload(origin: string, hubName: string, systemKey: string | undefined, instanceId: string) {
  const urls = clientBindingData(origin, hubName, systemKey).managementUrls;
  const id = encodeURIComponent(instanceId);
  const payload: Record<string, string> = {};
  for (const [k, v] of Object.entries(urls)) payload[k] = k === 'id' ? instanceId : v.replace('INSTANCEID', id);
  return payload;
}
