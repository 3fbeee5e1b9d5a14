// The ops key: one rule for the key-administration endpoints and the ops console. It is the
// OPS_ADMIN_KEY setting, compared in constant time; an unresolved Key Vault reference (which
// reaches the app as its literal "@Microsoft.KeyVault(…)" text) is never a usable key.
import { timingSafeEqual } from 'node:crypto';

export type OpsKeyCheck = 'ok' | 'disabled' | 'refused';

export function configuredOpsKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.OPS_ADMIN_KEY?.trim();
  return v && !v.startsWith('@Microsoft.KeyVault(') ? v : undefined;
}

/** Checks an `Authorization` header against the ops key. */
export function checkOpsKey(
  authorization: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): OpsKeyCheck {
  const configured = configuredOpsKey(env);
  if (!configured) return 'disabled';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const a = Buffer.from(m?.[1] ?? '');
  const b = Buffer.from(configured);
  return m && a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'refused';
}
