// E-mail: an Email Communication Service with an Azure-managed domain (xxxx.azurecomm.net: no DNS
// records to create, and the DoNotReply sender comes with it), linked to a Communication Services
// resource the app sends through. Plain resources rather than AVM: the AVM versions that output
// the endpoint and the sender domain need a newer Bicep than azd ships with.

@description('Name of the Communication Services resource.')
param communicationServiceName string

@description('Name of the Email Communication Service.')
param emailServiceName string

@description('Geography where e-mail data is kept at rest, e.g. United States, Europe.')
param dataLocation string

@description('Tags for every resource here.')
param tags object = {}

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

output communicationServiceName string = communicationService.name
output endpoint string = 'https://${communicationService.properties.hostName}'
output senderAddress string = 'DoNotReply@${managedDomain.properties.fromSenderDomain}'
