// The silos: internal only. Replicas find each other in the membership table and talk on the silo port; gateways
// (Orleans clients) connect to their gateway port. HTTP on 8080 serves the probes. A replica that is scaled in or
// replaced gets SIGTERM and up to terminationGracePeriodSeconds to hand its customers over (docs/operations.md).
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of the subscription, environment and location: names the resources.')
param token string
param environmentId string
param identityId string
param identityClientId string
param registryServer string
param tableServiceUri string
param blobServiceUri string
@description('Days of archive the silos keep (ProfileGrid:Archive:RetentionDays).')
param archiveRetentionDays int
param appInsightsConnectionString string

@description('The silo image; empty until azd has built one (a placeholder runs until then).')
param image string

@minValue(2)
param maxReplicas int

var placeholder = empty(image)
var httpPort = 8080
var siloPort = 11111
var gatewayPort = 30000

resource silo 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'ca-silo-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'silo' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    managedEnvironmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      registries: [
        { server: registryServer, identity: identityId }
      ]
      ingress: {
        external: false
        targetPort: placeholder ? 80 : httpPort
        transport: 'http'
        additionalPortMappings: [
          { external: false, targetPort: siloPort, exposedPort: siloPort }
          { external: false, targetPort: gatewayPort, exposedPort: gatewayPort }
        ]
      }
    }
    template: {
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'silo'
          image: placeholder ? 'mcr.microsoft.com/k8se/quickstart:latest' : image
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [
            { name: 'ASPNETCORE_HTTP_PORTS', value: string(httpPort) }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'ProfileGrid__Storage__ServiceUri', value: tableServiceUri }
            { name: 'ProfileGrid__Storage__BlobServiceUri', value: blobServiceUri }
            { name: 'ProfileGrid__Archive__RetentionDays', value: string(archiveRetentionDays) }
            { name: 'ProfileGrid__Cluster__ClusterId', value: 'profilegrid-${token}' }
            { name: 'ProfileGrid__Silo__SiloPort', value: string(siloPort) }
            { name: 'ProfileGrid__Silo__GatewayPort', value: string(gatewayPort) }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
            { name: 'OTEL_SERVICE_NAME', value: 'profilegrid-silo' }
          ]
          probes: placeholder ? [] : [
            { type: 'Startup', httpGet: { path: '/healthz', port: httpPort }, periodSeconds: 2, failureThreshold: 60 }
            { type: 'Liveness', httpGet: { path: '/healthz', port: httpPort }, periodSeconds: 10, failureThreshold: 3 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: httpPort }, periodSeconds: 5, failureThreshold: 2 }
          ]
        }
      ]
      scale: {
        minReplicas: 2
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'cpu'
            custom: {
              type: 'cpu'
              metadata: { type: 'Utilization', value: '70' }
            }
          }
        ]
      }
    }
  }
}

output name string = silo.name
