// The gateway: external HTTPS ingress for producers, agents and the dashboard it serves; an Orleans client of the
// silos. Sticky sessions keep a SignalR connection's negotiate and transport on one replica. API keys and the token
// signing key are Container Apps secrets, handed to the app as environment variables.
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
param appInsightsConnectionString string

@description('The gateway image; empty until azd has built one (a placeholder runs until then).')
param image string

@minValue(1)
param maxReplicas int

@secure()
param producerApiKey string

@secure()
param agentApiKey string

@secure()
param adminApiKey string

@secure()
param tokenSigningKey string

var placeholder = empty(image)
var httpPort = 8080

resource gateway 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'ca-gateway-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'gateway' })
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
      secrets: [
        { name: 'producer-api-key', value: producerApiKey }
        { name: 'agent-api-key', value: agentApiKey }
        { name: 'admin-api-key', value: adminApiKey }
        { name: 'token-signing-key', value: tokenSigningKey }
      ]
      ingress: {
        external: true
        targetPort: placeholder ? 80 : httpPort
        transport: 'auto'
        allowInsecure: false
        stickySessions: { affinity: 'sticky' }
      }
    }
    template: {
      terminationGracePeriodSeconds: 30
      containers: [
        {
          name: 'gateway'
          image: placeholder ? 'mcr.microsoft.com/k8se/quickstart:latest' : image
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [
            { name: 'ASPNETCORE_HTTP_PORTS', value: string(httpPort) }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'ProfileGrid__Cluster__Mode', value: 'Client' }
            { name: 'ProfileGrid__Cluster__ClusterId', value: 'profilegrid-${token}' }
            { name: 'ProfileGrid__Storage__ServiceUri', value: tableServiceUri }
            { name: 'ProfileGrid__ApiKeys__0__Name', value: 'producer' }
            { name: 'ProfileGrid__ApiKeys__0__Role', value: 'Producer' }
            { name: 'ProfileGrid__ApiKeys__0__Key', secretRef: 'producer-api-key' }
            { name: 'ProfileGrid__ApiKeys__1__Name', value: 'agent' }
            { name: 'ProfileGrid__ApiKeys__1__Role', value: 'Agent' }
            { name: 'ProfileGrid__ApiKeys__1__Key', secretRef: 'agent-api-key' }
            { name: 'ProfileGrid__ApiKeys__2__Name', value: 'admin' }
            { name: 'ProfileGrid__ApiKeys__2__Role', value: 'Admin' }
            { name: 'ProfileGrid__ApiKeys__2__Key', secretRef: 'admin-api-key' }
            { name: 'ProfileGrid__ApiKeys__2__Scopes__0', value: 'pii' }
            { name: 'ProfileGrid__Tokens__SigningKey', secretRef: 'token-signing-key' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
            { name: 'OTEL_SERVICE_NAME', value: 'profilegrid-gateway' }
          ]
          probes: placeholder ? [] : [
            { type: 'Startup', httpGet: { path: '/healthz', port: httpPort }, periodSeconds: 2, failureThreshold: 60 }
            { type: 'Liveness', httpGet: { path: '/healthz', port: httpPort }, periodSeconds: 10, failureThreshold: 3 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: httpPort }, periodSeconds: 5, failureThreshold: 2 }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: maxReplicas
        rules: [
          { name: 'http', http: { metadata: { concurrentRequests: '200' } } }
        ]
      }
    }
  }
}

output name string = gateway.name
output uri string = 'https://${gateway.properties.configuration.ingress.fqdn}'
