// The one identity both apps run as: it pulls their images and reads and writes the tables, so no key is stored.
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of the subscription, environment and location: names the resources.')
param token string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${token}'
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
