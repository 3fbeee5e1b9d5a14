// `npm run bench`: every benchmark, each printed beside its baseline from the same run.
import { benchCertify } from './certify.bench';
import { benchDevhost } from './devhost.bench';
import { benchPipeline } from './pipeline.bench';
import { benchProvision } from './provision.bench';
import { printTable } from './report';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'devhost') printTable('Durable engine on the devhost (Azurite)', await benchDevhost());
  if (!only || only === 'certify') printTable('Certification: 30 GiB sparse VHD in Azurite', await benchCertify());
  if (!only || only === 'provision') printTable('Provisioning: image replication', await benchProvision());
  if (!only || only === 'pipeline') printTable('Publishing pipeline (devhost + Azurite)', await benchPipeline());
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
