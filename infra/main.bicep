// ProfileGrid on Azure Container Apps: `azd up` provisions this, then builds and deploys the gateway and silo images.
// Everything lives in one resource group: monitoring (Log Analytics, Application Insights, the ops workbook), a
// container registry, a Storage account whose tables hold grain state and cluster membership (reached with the
// apps' managed identity only: shared-key access is disabled), and the Container Apps environment with the
// gateway (external HTTPS) and the silos (internal).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Image of the gateway; azd sets it after its first deploy, empty before (a placeholder runs until then).')
param gatewayImage string = ''

@description('Image of the silo; azd sets it after its first deploy, empty before (a placeholder runs until then).')
param siloImage string = ''

@minValue(2)
@description('Most silo replicas the CPU rule may scale out to.')
param siloMaxReplicas int = 10

@minValue(1)
@description('Most gateway replicas the HTTP rule may scale out to.')
param gatewayMaxReplicas int = 10

@minValue(0)
@description('Days the archive of accepted writes keeps (the silos\' retention job and the storage lifecycle policy); 0 keeps it forever.')
param archiveRetentionDays int = 365

// The silos' default (ProfileGrid:Archive:ContainerName).
var archiveContainerName = 'profilegrid-archive'

@secure()
@minLength(16)
@description('API key of the event producers (role producer).')
param producerApiKey string

@secure()
@minLength(16)
@description('API key of the support agents\' dashboard (role agent).')
param agentApiKey string

@secure()
@minLength(16)
@description('API key of the operators (role admin, pii scope).')
param adminApiKey string

@secure()
@minLength(44)
@description('Base64 HMAC-SHA256 key (32 bytes or more) that every gateway replica signs and checks agent tokens with.')
param tokenSigningKey string

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    location: location
    tags: tags
    token: token
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    location: location
    tags: tags
    token: token
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: group
  params: {
    location: location
    tags: tags
    token: token
    pullPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    location: location
    tags: tags
    token: token
    dataPrincipalId: identity.outputs.principalId
    archiveRetentionDays: archiveRetentionDays
    archiveContainerName: archiveContainerName
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  scope: group
  params: {
    location: location
    tags: tags
    token: token
    workspaceName: monitoring.outputs.workspaceName
  }
}

module silo 'modules/silo.bicep' = {
  name: 'silo'
  scope: group
  params: {
    location: location
    tags: tags
    token: token
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry.outputs.loginServer
    image: siloImage
    maxReplicas: siloMaxReplicas
    tableServiceUri: storage.outputs.tableServiceUri
    blobServiceUri: storage.outputs.blobServiceUri
    archiveRetentionDays: archiveRetentionDays
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
  }
}

module gateway 'modules/gateway.bicep' = {
  name: 'gateway'
  scope: group
  params: {
    location: location
    tags: tags
    token: token
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry.outputs.loginServer
    image: gatewayImage
    maxReplicas: gatewayMaxReplicas
    tableServiceUri: storage.outputs.tableServiceUri
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    producerApiKey: producerApiKey
    agentApiKey: agentApiKey
    adminApiKey: adminApiKey
    tokenSigningKey: tokenSigningKey
  }
}

// What azd reads: where to push images, and where the services run.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.outputs.id
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableServiceUri
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobServiceUri
output SERVICE_GATEWAY_NAME string = gateway.outputs.name
output SERVICE_GATEWAY_URI string = gateway.outputs.uri
output SERVICE_SILO_NAME string = silo.outputs.name
output OPS_WORKBOOK_ID string = monitoring.outputs.workbookId
