// Log Analytics (the Container Apps environment's logs), Application Insights on it (the apps' telemetry), and the
// ops workbook (dashboards/ops/workbook.json).
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of the subscription, environment and location: names the resources.')
param token string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'profilegrid-ops')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'ProfileGrid operations'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: loadTextContent('../../dashboards/ops/workbook.json')
  }
}

output workspaceName string = workspace.name
output appInsightsConnectionString string = appInsights.properties.ConnectionString
output workbookId string = workbook.id
