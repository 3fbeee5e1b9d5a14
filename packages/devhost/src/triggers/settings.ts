/** Resolves `%Name%` placeholders in binding properties from app settings, as the host does. */
export function resolvePlaceholders(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new Error(`App setting '${name}' (referenced as %${name}%) is not set.`);
    return v;
  });
}

/** The connection string a binding's `connection` names (default: AzureWebJobsStorage). */
export function storageConnection(connection: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const name = typeof connection === 'string' && connection ? connection : 'AzureWebJobsStorage';
  const v = env[name] ?? env[`AzureWebJobs${name}`] ?? env[`${name}__connectionString`];
  if (!v) throw new Error(`The storage connection setting '${name}' is not set.`);
  return v;
}
