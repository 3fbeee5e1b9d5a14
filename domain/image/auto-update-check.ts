// TestID 51: the Azure Linux Agent updates itself (AutoUpdate.Enabled in /etc/waagent.conf, which
// agents from 2.10 on read as AutoUpdate.UpdateToLatestVersion). Unset means the agent's default: on.
import { parseKeyValue } from './config-files';
import { Ext4 } from './ext4';
import { CheckRow } from './footer-checks';
import { readOptional } from './linux-file-checks';

export async function autoUpdateRow(fs: Ext4): Promise<CheckRow> {
  const base = {
    id: 'linux.agentAutoUpdate',
    name: 'Azure Linux Agent auto-update enabled',
    expected: 'AutoUpdate.Enabled=y (or not set: the default)',
  };
  const fix =
    'Set AutoUpdate.Enabled=y (and AutoUpdate.UpdateToLatestVersion=y, for agents 2.10 and later) in /etc/waagent.conf, or remove the line to get the default.';
  const text = await readOptional(fs, '/etc/waagent.conf');
  if (text === undefined) return { ...base, result: 'fail', actual: '/etc/waagent.conf not found', fix };
  const conf = parseKeyValue(text);
  const key = conf.has('AutoUpdate.UpdateToLatestVersion') ? 'AutoUpdate.UpdateToLatestVersion' : 'AutoUpdate.Enabled';
  const value = conf.get(key);
  if (value === undefined)
    return { ...base, result: 'pass', actual: "AutoUpdate.Enabled not set (the agent's default: enabled)" };
  return { ...base, result: value.toLowerCase() === 'y' ? 'pass' : 'fail', actual: `${key}=${value}`, fix };
}
