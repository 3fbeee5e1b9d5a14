// Settings of certification that move with Microsoft's guidance rather than with the code.

/** CERTIFY_MIN_AGENT_VERSION: the oldest Azure Linux Agent accepted; unset, the domain's default (2.2.41). */
export function minAgentVersion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.CERTIFY_MIN_AGENT_VERSION?.trim();
  return v && /^\d+(\.\d+)*$/.test(v) ? v : undefined;
}
