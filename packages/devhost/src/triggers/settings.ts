/** Resolves `%Name%` placeholders in binding properties from app settings, as the host does. */
export function resolvePlaceholders(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new Error(`App setting '${name}' (referenced as %${name}%) is not set.`);
    return v;
  });
}
