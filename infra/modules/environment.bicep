// The Container Apps environment: the gateway and silo apps run in it, and their replicas reach each other's silo
// and gateway ports inside it. Container logs go to Log Analytics.
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of the subscription, environment and location: names the resources.')
param token string
param workspaceName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-${token}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
    ]
  }
}

output id string = environment.id
