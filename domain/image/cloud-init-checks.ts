// cloud-init as the provisioning agent (where the plan says so): it must be installed and configured
// for the Azure datasource, and waagent (if present) must leave provisioning to it — two agents
// provisioning one VM fight over the user and the SSH keys.
import { parseKeyValue } from './config-files';
import { Ext4 } from './ext4';
import { CheckRow } from './footer-checks';
import { listOptional, readOptional } from './linux-file-checks';

const CLOUD_CFG = '/etc/cloud/cloud.cfg';
const CLOUD_CFG_D = '/etc/cloud/cloud.cfg.d';
const ENTRY_POINTS = ['/usr/bin/cloud-init', '/usr/local/bin/cloud-init'];

/**
 * The top-level `datasource_list` of a cloud-config file: flow (`[ Azure, None ]`) or block
 * (`- Azure` lines); undefined when the file does not set it. Not a YAML parser: the key is read
 * the two ways cloud-init's own files write it.
 */
export function datasourceList(text: string): string[] | undefined {
  const lines = text.split('\n');
  let found: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = /^datasource_list\s*:\s*(.*?)\s*(?:#.*)?$/.exec(lines[i]);
    if (!m) continue;
    const names: string[] = [];
    if (m[1].startsWith('[')) {
      const flow = /^\[(.*)\]$/.exec(m[1]);
      if (flow) names.push(...flow[1].split(',').map(clean).filter(Boolean));
    } else if (m[1] === '') {
      for (let j = i + 1; j < lines.length; j++) {
        const item = /^\s+-\s*(.+?)\s*(?:#.*)?$/.exec(lines[j]);
        if (!item) {
          if (/^\S/.test(lines[j])) break;
          continue;
        }
        names.push(clean(item[1]));
      }
    } else names.push(clean(m[1]));
    found = names;
  }
  return found;
}

const clean = (s: string) => s.trim().replace(/^['"]|['"]$/g, '');

export async function cloudInitRow(fs: Ext4): Promise<CheckRow> {
  const base = {
    id: 'linux.cloudInit',
    name: 'cloud-init provisions through the Azure datasource',
    expected: 'cloud-init installed, datasource_list: [ Azure ] in /etc/cloud/cloud.cfg(.d), waagent not provisioning',
  };
  const fix =
    'Install cloud-init and add /etc/cloud/cloud.cfg.d/90-azure.cfg with "datasource_list: [ Azure ]"; in /etc/waagent.conf set Provisioning.Agent=auto (or cloud-init).';
  let entry: string | undefined;
  for (const p of ENTRY_POINTS) if (await fs.exists(p)) entry ??= p;
  if (!entry) return { ...base, result: 'fail', actual: `cloud-init not installed (${ENTRY_POINTS.join(', ')})`, fix };
  // cloud.cfg first, then cloud.cfg.d/*.cfg in name order: the last file that sets the list wins.
  const files = [
    CLOUD_CFG,
    ...(await listOptional(fs, CLOUD_CFG_D)).filter((n) => n.endsWith('.cfg')).map((n) => `${CLOUD_CFG_D}/${n}`),
  ];
  let list: string[] | undefined;
  let from: string | undefined;
  for (const f of files) {
    const l = datasourceList((await readOptional(fs, f)) ?? '');
    if (l) [list, from] = [l, f];
  }
  const agent = parseKeyValue((await readOptional(fs, '/etc/waagent.conf')) ?? '').get('Provisioning.Agent');
  if (!list || !from)
    return {
      ...base,
      result: 'fail',
      actual: `no datasource_list in ${CLOUD_CFG} or ${CLOUD_CFG_D}/*.cfg (cloud-init would probe every datasource)`,
      fix,
    };
  const azure = list.includes('Azure');
  const conflict = agent === 'waagent';
  return {
    ...base,
    result: azure && !conflict ? 'pass' : 'fail',
    actual: `datasource_list: [ ${list.join(', ')} ] in ${from}${conflict ? '; but /etc/waagent.conf has Provisioning.Agent=waagent' : ''}`,
    fix,
  };
}
