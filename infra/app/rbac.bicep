// What the app's identity may do, and nothing more: data access to its storage account, telemetry
// into Application Insights, e-mail through Communication Services. (Key Vault's Secrets User is
// granted by the vault module.) Assignment names are guid(scope, principal, role): stable across
// deployments, so a re-run updates rather than duplicates.

@description('Name of the storage account behind AzureWebJobsStorage.')
param storageAccountName string

@description('Name of the Application Insights component the app reports to.')
param applicationInsightsName string

@description('Name of the Communication Services resource the app sends e-mail through.')
param communicationServiceName string

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

@description('Object id of the developer running azd, given the same storage data roles for debugging (Storage Explorer, az storage … --auth-mode login). Empty: none.')
param developerPrincipalId string = ''

// Durable Functions on Azure Storage needs all three: blobs (leases, large messages, the
// deployment package), queues (control and work-item queues, the app's queue triggers), tables
// (history, instances, the app's state).
var storageRoles = [
  {
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
    name: 'Storage Blob Data Owner'
  }
  {
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
    name: 'Storage Queue Data Contributor'
  }
  {
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
    name: 'Storage Table Data Contributor'
  }
]
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, appPrincipalId, role.id)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      description: '${role.name} for the function app'
    }
  }
]

resource developerStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: if (!empty(developerPrincipalId)) {
    name: guid(storage.id, developerPrincipalId, role.id)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: developerPrincipalId
      description: '${role.name} for the developer who ran azd'
    }
  }
]

// Application Insights has local authentication off; the app's telemetry is authorised by this role.
resource appTelemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Sending e-mail with Microsoft Entra ID needs these actions on the Communication Services resource.
// The built-in "Communication and Email Service Owner" would also let the app list the access keys,
// which is what identity-only configuration avoids.
resource emailSenderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'email-sender')
  properties: {
    roleName: 'Email sender (${resourceGroup().name}, ${subscription().subscriptionId})'
    description: 'Send e-mail through Azure Communication Services with Microsoft Entra ID.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource appEmailRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, appPrincipalId, emailSenderRole.name)
  scope: communicationService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', emailSenderRole.name)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
