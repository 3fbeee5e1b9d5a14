// The deployment template of a plan: an Azure Resource Manager template that creates a VM from the
// image provisioning replicated, in any region it was replicated to. Packaging writes one per plan
// into the preview slot; Go Live promotes it with the rest of the listing.
import { compareVersions } from '../image/config-files';
import { ListingPlan } from './listing';

/** The replicated disks of one plan's image in one region (blob URLs, without any SAS). */
export interface RegionReplica {
  osVhdUri: string;
  dataDisks: { lun: number; blobUri: string }[];
}

export type DeploymentTemplate = Record<string, unknown> & {
  parameters: Record<
    string,
    { type: string; defaultValue?: unknown; allowedValues?: unknown[]; metadata?: { description: string } }
  >;
  variables: Record<string, unknown>;
  resources: Record<string, unknown>[];
};

const COMPUTE_API = '2023-03-01';
const NETWORK_API = '2023-04-01';
const DEFAULT_VM_SIZE = 'Standard_D2s_v5';

const describe = (description: string) => ({ metadata: { description } });

export function deploymentTemplate(
  offer: { publisherId: string; offerId: string; version: number },
  plan: ListingPlan,
  imageVersion: string,
  replicas: Record<string, RegionReplica>,
): DeploymentTemplate {
  const regions = Object.keys(replicas);
  if (regions.length === 0) throw new Error(`Plan ${plan.planId} has no replicated image to deploy.`);
  const windows = plan.operatingSystemFamily.toLowerCase() === 'windows';
  const sizes = plan.recommendedVMSizes.length ? plan.recommendedVMSizes : [DEFAULT_VM_SIZE];
  const vm = "[parameters('vmName')]";
  const named = (suffix: string) => `[concat(parameters('vmName'), '-${suffix}')]`;
  const osProfile = windows
    ? {
        computerName: vm,
        adminUsername: "[parameters('adminUsername')]",
        adminPassword: "[parameters('adminPasswordOrKey')]",
      }
    : {
        computerName: vm,
        adminUsername: "[parameters('adminUsername')]",
        linuxConfiguration: {
          disablePasswordAuthentication: true,
          ssh: {
            publicKeys: [
              {
                path: "[concat('/home/', parameters('adminUsername'), '/.ssh/authorized_keys')]",
                keyData: "[parameters('adminPasswordOrKey')]",
              },
            ],
          },
        },
      };
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: {
      offer: `${offer.publisherId}.${offer.offerId}`,
      plan: plan.planId,
      imageVersion,
      publishingVersion: offer.version,
    },
    parameters: {
      location: {
        type: 'string',
        allowedValues: regions,
        defaultValue: regions[0],
        ...describe('A region the image was replicated to.'),
      },
      vmName: {
        type: 'string',
        defaultValue: `${plan.planId}-vm`.slice(0, 15),
        ...describe('Name of the virtual machine.'),
      },
      vmSize: {
        type: 'string',
        allowedValues: sizes,
        defaultValue: sizes[0],
        ...describe("The size, from the plan's recommended sizes."),
      },
      adminUsername: { type: 'string', ...describe('Administrator user name.') },
      adminPasswordOrKey: {
        type: 'securestring',
        ...describe(windows ? 'Administrator password.' : 'SSH public key of the administrator.'),
      },
    },
    variables: {
      replicatedImages: replicas,
      image: "[variables('replicatedImages')[parameters('location')]]",
    },
    resources: [
      {
        type: 'Microsoft.Compute/images',
        apiVersion: COMPUTE_API,
        name: named('image'),
        location: "[parameters('location')]",
        properties: {
          storageProfile: {
            osDisk: {
              osType: windows ? 'Windows' : 'Linux',
              osState: 'Generalized',
              blobUri: "[variables('image').osVhdUri]",
              storageAccountType: 'Premium_LRS',
            },
            dataDisks: "[variables('image').dataDisks]",
          },
        },
      },
      {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: NETWORK_API,
        name: named('vnet'),
        location: "[parameters('location')]",
        properties: {
          addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
          subnets: [{ name: 'default', properties: { addressPrefix: '10.0.0.0/24' } }],
        },
      },
      {
        type: 'Microsoft.Network/networkInterfaces',
        apiVersion: NETWORK_API,
        name: named('nic'),
        location: "[parameters('location')]",
        dependsOn: [`[resourceId('Microsoft.Network/virtualNetworks', concat(parameters('vmName'), '-vnet'))]`],
        properties: {
          ipConfigurations: [
            {
              name: 'ipconfig1',
              properties: {
                privateIPAllocationMethod: 'Dynamic',
                subnet: {
                  id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', concat(parameters('vmName'), '-vnet'), 'default')]",
                },
              },
            },
          ],
        },
      },
      {
        type: 'Microsoft.Compute/virtualMachines',
        apiVersion: COMPUTE_API,
        name: vm,
        location: "[parameters('location')]",
        dependsOn: [
          "[resourceId('Microsoft.Compute/images', concat(parameters('vmName'), '-image'))]",
          "[resourceId('Microsoft.Network/networkInterfaces', concat(parameters('vmName'), '-nic'))]",
        ],
        properties: {
          hardwareProfile: { vmSize: "[parameters('vmSize')]" },
          storageProfile: {
            imageReference: { id: "[resourceId('Microsoft.Compute/images', concat(parameters('vmName'), '-image'))]" },
          },
          osProfile,
          networkProfile: {
            networkInterfaces: [
              { id: "[resourceId('Microsoft.Network/networkInterfaces', concat(parameters('vmName'), '-nic'))]" },
            ],
          },
        },
      },
    ],
    outputs: {
      vmId: { type: 'string', value: "[resourceId('Microsoft.Compute/virtualMachines', parameters('vmName'))]" },
    },
  };
}

/** The image version a template deploys: the highest of a plan's versions ("1.10.0" > "1.9.0"). */
export function newestVersion(versions: string[]): string | undefined {
  return [...versions].sort(compareVersions).pop();
}
