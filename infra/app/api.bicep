// The function app on Flex Consumption, and every app setting the code reads in Azure.
// test/unit/infra/settings.test.ts keeps `appSettings` and the code's settings in step.

@description('Name of the function app.')
param name string

@description('Region of the function app.')
param location string

@description('Tags of the environment; azd-service-name is added here.')
param tags object = {}

@description('Resource id of the Flex Consumption (FC1) plan.')
param appServicePlanId string

@description('Name of the storage account behind AzureWebJobsStorage (app state, Durable task hub, deployment package).')
param storageAccountName string

@description('Blob container that holds the deployment package.')
param deploymentStorageContainerName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity, for the settings that pick it among the app\'s identities.')
param identityClientId string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('https endpoint of the Communication Services resource e-mail is sent through.')
param communicationServicesEndpoint string

@description('Sender address of the e-mails, DoNotReply@<Azure-managed domain>.')
param emailSender string

@description('URI of the Key Vault, ending with a slash.')
param keyVaultUri string

@description('Name of the Key Vault secret that holds OPS_ADMIN_KEY.')
param opsAdminKeySecretName string

@description('PUBLIC_BASE_URL; empty: the app\'s default host name.')
param publicBaseUrl string = ''

@description('PROVISION_REGIONS, comma-separated.')
param provisionRegions string

@description('SUPPORT_EMAIL, comma-separated; empty: nobody is e-mailed about support requests.')
param supportEmail string = ''

@description('OPS_READ_ONLY: true refuses every change through the ops console.')
param opsReadOnly bool = false

@description('AUTH_ISSUER: the Entra ID v2 issuer partners sign in with, https://login.microsoftonline.com/<tenant id>/v2.0; empty: API keys only.')
param authIssuer string = ''

@description('AUTH_AUDIENCE: the application (client) id of the API app registration (and its application id URI), comma-separated.')
param authAudience string = ''

@description('AUTH_CLIENT_ID: the application (client) id of the portal\'s app registration (a single-page application).')
param authClientId string = ''

@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to.')
param maximumInstanceCount int = 100

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

// Identity-only: no connection string or key anywhere. Flex Consumption takes the runtime from
// functionAppConfig, so FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION are not set here.
var appSettings = {
  // The Functions host, the Durable extension, the queue and blob triggers and the app's own
  // stores (adapters/storage/connection.ts) all use the account through the identity.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // E-mail through ACS as the identity (adapters/email/choose-email-sender.ts), never the outbox.
  COMMUNICATION_SERVICES_ENDPOINT: communicationServicesEndpoint
  COMMUNICATION_SERVICES_CLIENT_ID: identityClientId
  EMAIL_SENDER: emailSender
  PUBLIC_BASE_URL: !empty(publicBaseUrl) ? publicBaseUrl : 'https://${name}.azurewebsites.net'
  PROVISION_REGIONS: provisionRegions
  SUPPORT_EMAIL: supportEmail
  OPS_READ_ONLY: string(opsReadOnly)
  KEY_VAULT_URI: keyVaultUri
  // Sign-in with Entra ID access tokens (adapters/auth/access-tokens.ts); empty leaves API keys only.
  AUTH_ISSUER: authIssuer
  AUTH_AUDIENCE: authAudience
  AUTH_CLIENT_ID: authClientId
  // Resolved by the platform with keyVaultReferenceIdentity; the key itself never appears here.
  OPS_ADMIN_KEY: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${opsAdminKeySecretName})'
}

module functionApp 'br/public:avm/res/web/site:0.15.1' = {
  name: 'functionApp'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, {
      'azd-service-name': 'api'
    })
    serverFarmResourceId: appServicePlanId
    managedIdentities: {
      userAssignedResourceIds: [
        identityId
      ]
    }
    keyVaultAccessIdentityResourceId: identityId
    httpsOnly: true
    clientAffinityEnabled: false
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '20'
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    appSettingsKeyValuePairs: appSettings
  }
}

output name string = functionApp.outputs.name
output uri string = 'https://${functionApp.outputs.defaultHostname}'
