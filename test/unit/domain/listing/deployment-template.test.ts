import { deploymentTemplate, newestVersion } from '../../../../domain/listing/deployment-template';
import { ListingPlan } from '../../../../domain/listing/listing';

const plan = (over: Partial<ListingPlan> = {}): ListingPlan => ({
  planId: 'standard',
  title: 'Standard',
  summary: '',
  description: '',
  operatingSystemFamily: 'Linux',
  operatingSystem: 'Ubuntu 22.04',
  recommendedVMSizes: ['standard_d2s_v5', 'standard_d4s_v5'],
  regions: [],
  licenseModel: 'BYOL',
  imageVersions: ['1.0.0'],
  hidden: false,
  pricing: { model: 'byol', freeTrialMonths: 0 },
  cloudAvailability: ['PublicAzure'],
  ...over,
});
const offer = { publisherId: 'contoso', offerId: 'vm', version: 3 };
const replicas = {
  eastus: {
    osVhdUri: 'https://s.blob/region-eastus/os.vhd',
    dataDisks: [{ lun: 0, blobUri: 'https://s.blob/region-eastus/lun0.vhd' }],
  },
  westeurope: {
    osVhdUri: 'https://s.blob/region-westeurope/os.vhd',
    dataDisks: [{ lun: 0, blobUri: 'https://s.blob/region-westeurope/lun0.vhd' }],
  },
};

type Resource = { type: string; properties: Record<string, any> };
const resource = (t: ReturnType<typeof deploymentTemplate>, type: string) =>
  t.resources.find((r) => r.type === type) as Resource;

test('a Linux plan: regions and sizes become the allowed parameter values; the image comes from the replica of the chosen region', () => {
  const t = deploymentTemplate(offer, plan(), '1.0.0', replicas);
  expect(t.$schema).toMatch(/deploymentTemplate\.json#$/);
  expect(t.metadata).toEqual({ offer: 'contoso.vm', plan: 'standard', imageVersion: '1.0.0', publishingVersion: 3 });
  expect(t.parameters.location).toMatchObject({ allowedValues: ['eastus', 'westeurope'], defaultValue: 'eastus' });
  expect(t.parameters.vmSize).toMatchObject({
    allowedValues: ['standard_d2s_v5', 'standard_d4s_v5'],
    defaultValue: 'standard_d2s_v5',
  });
  expect(t.parameters.adminPasswordOrKey.type).toBe('securestring');
  expect(t.variables.replicatedImages).toEqual(replicas);
  const image = resource(t, 'Microsoft.Compute/images');
  expect(image.properties.storageProfile.osDisk).toMatchObject({
    osType: 'Linux',
    osState: 'Generalized',
    blobUri: "[variables('image').osVhdUri]",
  });
  expect(image.properties.storageProfile.dataDisks).toBe("[variables('image').dataDisks]");
  const vm = resource(t, 'Microsoft.Compute/virtualMachines');
  expect(vm.properties.osProfile.linuxConfiguration.disablePasswordAuthentication).toBe(true);
  expect(vm.properties.osProfile).not.toHaveProperty('adminPassword');
  expect(vm.properties.storageProfile.imageReference.id).toContain("resourceId('Microsoft.Compute/images'");
  // Every resource the VM depends on is in the template.
  for (const dep of (vm as unknown as { dependsOn: string[] }).dependsOn)
    expect(t.resources.some((r) => dep.includes(`'${String(r.type)}'`))).toBe(true);
});

test('a Windows plan takes an administrator password; a plan without recommended sizes gets a default size', () => {
  const t = deploymentTemplate(offer, plan({ operatingSystemFamily: 'Windows', recommendedVMSizes: [] }), '2.1.0', {
    eastus: replicas.eastus,
  });
  const vm = resource(t, 'Microsoft.Compute/virtualMachines');
  expect(vm.properties.osProfile.adminPassword).toBe("[parameters('adminPasswordOrKey')]");
  expect(vm.properties.osProfile).not.toHaveProperty('linuxConfiguration');
  expect(resource(t, 'Microsoft.Compute/images').properties.storageProfile.osDisk.osType).toBe('Windows');
  expect(t.parameters.vmSize.allowedValues).toEqual([t.parameters.vmSize.defaultValue]);
});

test('a plan with no replicated region has no template', () => {
  expect(() => deploymentTemplate(offer, plan(), '1.0.0', {})).toThrow(/no replicated image/);
});

test('the newest image version is chosen numerically', () => {
  expect(newestVersion(['1.9.0', '1.10.0', '1.2.3'])).toBe('1.10.0');
  expect(newestVersion([])).toBeUndefined();
});
