// Offer Go-Live in Azure: one Flex Consumption function app (Durable Functions on Azure Storage),
// its storage, monitoring, e-mail and Key Vault, all reached through one user-assigned identity.
// `azd up` deploys it; `azd down --purge` removes it. See README "Deploy to Azure".
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (AZURE_ENV_NAME). Names the resource group, seeds resourceToken and is the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for every regional resource (AZURE_LOCATION). It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the user or service principal running azd (AZURE_PRINCIPAL_ID). It gets data access to the storage account and Key Vault secrets for debugging and so that azd can read the ops key back. Empty: no developer access.')
param principalId string = ''

@secure()
@description('Bearer key of the ops key-administration endpoints (OPS_ADMIN_KEY). Stored in Key Vault and referenced from the app settings, never in them. main.parameters.json reads it back from the vault on later runs, or generates one on the first.')
param opsAdminKey string

@description('Regions the image is replicated to (PROVISION_REGIONS), comma-separated. Empty: the app\'s default list.')
param provisionRegions string = ''

@description('Public origin used in status and e-mail links (PUBLIC_BASE_URL), e.g. a custom domain in front of the app. Empty: the function app\'s own https://<name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('Where support requests are e-mailed (SUPPORT_EMAIL), comma-separated. Empty: requests are recorded and shown to ops, but nobody is e-mailed.')
param supportEmail string = ''

@description('Makes the ops console read-only (OPS_READ_ONLY): ops can look at orchestrations and support requests but change nothing.')
param opsReadOnly bool = false

@description('Entra ID issuer for partner sign-in (AUTH_ISSUER), https://login.microsoftonline.com/<tenant id>/v2.0. Empty: publisher API keys only.')
param authIssuer string = ''

@description('Application (client) id of the API app registration, and its application id URI if tokens may name it (AUTH_AUDIENCE), comma-separated.')
param authAudience string = ''

@description('Application (client) id of the portal app registration, a single-page application (AUTH_CLIENT_ID).')
param authClientId string = ''

@description('Geography where Communication Services keep e-mail data at rest, e.g. United States, Europe, UK.')
param communicationDataLocation string = 'United States'

@minValue(1)
@maxValue(1000)
@description('Most instances the Flex Consumption app scales out to.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
// Flex Consumption runs the package azd uploads here, read with the app's identity.
var deploymentContainerName = 'app-package-${resourceToken}'
var opsAdminKeySecretName = 'ops-admin-key'
var defaultProvisionRegions = 'eastus,westeurope,southeastasia,australiaeast'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The one identity the app uses for storage, e-mail, Key Vault references and telemetry.
module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

// Every table, queue and blob of the app and of the Durable task hub. Keys are off: the app,
// the Functions host and the Durable extension all authenticate with the identity. Blob, queue
// and table services are all on because Durable on Storage needs each of them (history and
// instances in tables, control and work-item queues, leases and large messages in blobs); the
// app and the task hub create their own tables, queues and containers on first use.
module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: 'Standard_LRS'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: [
        {
          name: deploymentContainerName
        }
      ]
    }
    queueServices: {
      queues: []
    }
    tableServices: {
      tables: []
    }
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
  }
}

// Local authentication off: the app sends telemetry as its identity (Monitoring Metrics Publisher).
module appInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'appInsights'
  scope: rg
  params: {
    name: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

module communication 'app/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    communicationServiceName: '${abbrs.communicationServicesCommunicationServices}${resourceToken}'
    emailServiceName: '${abbrs.communicationServicesEmailServices}${resourceToken}'
    dataLocation: communicationDataLocation
    tags: tags
  }
}

var keyVaultAppRoles = [
  {
    roleDefinitionIdOrName: 'Key Vault Secrets User'
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
  }
]
var keyVaultDeveloperRoles = empty(principalId)
  ? []
  : [
      {
        roleDefinitionIdOrName: 'Key Vault Secrets Officer'
        principalId: principalId
      }
    ]

// Secrets of the service (the ops key) and, later, partners' lead destination secrets. RBAC mode:
// the app reads secrets (Key Vault Secrets User), nothing else. Purge protection is off so that
// `azd down --purge` frees the name for the next `azd up` of the same environment.
module keyVault 'br/public:avm/res/key-vault/vault:0.12.1' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    sku: 'standard'
    enableRbacAuthorization: true
    enablePurgeProtection: false
    softDeleteRetentionInDays: 7
    enableVaultForDeployment: false
    enableVaultForTemplateDeployment: false
    enableVaultForDiskEncryption: false
    secrets: [
      {
        name: opsAdminKeySecretName
        value: opsAdminKey
        contentType: 'text/plain'
      }
    ]
    roleAssignments: concat(keyVaultAppRoles, keyVaultDeveloperRoles)
  }
}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: appInsights.outputs.name
    communicationServiceName: communication.outputs.communicationServiceName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
  }
}

// Durable Functions task hub: host.json `extensions.durableTask.hubName` ("OfferPublishing").
// With the Azure Storage provider, orchestrations are spread over
// `extensions.durableTask.storageProvider.partitionCount` control queues (default 4, at most 16),
// each owned by one instance at a time: 4 partitions cap orchestrator throughput at 4 instances
// however far Flex scales out (activities are not capped: they share one work-item queue). For a
// high publish volume set partitionCount to 16 in host.json before the first deployment; it cannot
// change for an existing task hub, so changing it later means a new hubName (in-flight publishes
// stay in the old hub).
module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    appServicePlanId: plan.outputs.resourceId
    storageAccountName: storage.outputs.name
    deploymentStorageContainerName: deploymentContainerName
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    applicationInsightsConnectionString: appInsights.outputs.connectionString
    communicationServicesEndpoint: communication.outputs.endpoint
    emailSender: communication.outputs.senderAddress
    keyVaultUri: keyVault.outputs.uri
    opsAdminKeySecretName: opsAdminKeySecretName
    publicBaseUrl: publicBaseUrl
    provisionRegions: empty(provisionRegions) ? defaultProvisionRegions : provisionRegions
    supportEmail: supportEmail
    opsReadOnly: opsReadOnly
    authIssuer: authIssuer
    authAudience: authAudience
    authClientId: authClientId
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // The host starts with its storage, telemetry and e-mail roles already granted.
  dependsOn: [
    rbac
  ]
}

// Blob events of the storage account. Flex Consumption runs blob triggers from Event Grid only;
// infra/hooks/postdeploy.sh subscribes the offerSubmission function to this topic once its code
// (and so its webhook) is deployed.
module blobEvents 'br/public:avm/res/event-grid/system-topic:0.6.1' = {
  name: 'blobEvents'
  scope: rg
  params: {
    name: '${abbrs.eventGridSystemTopics}${resourceToken}'
    location: location
    tags: tags
    source: storage.outputs.resourceId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_EVENT_GRID_SYSTEM_TOPIC_NAME string = blobEvents.outputs.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = appInsights.outputs.connectionString
output COMMUNICATION_SERVICES_ENDPOINT string = communication.outputs.endpoint
output EMAIL_SENDER string = communication.outputs.senderAddress
