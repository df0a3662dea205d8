// The account whose tables hold customer journals, grain state and cluster membership. Shared-key access is off:
// only Entra identities with a data role reach the tables (the apps' managed identity has Storage Table Data
// Contributor on the whole account). The silos create the tables they use when they start: ProfileGridJournals,
// ProfileGridSegmentMembers, ProfileGridWakeups, ProfileGridArchiveKeys, and Orleans' OrleansGrainState and
// OrleansSiloInstances; and two blob containers, reached with Storage Blob Data Contributor: the archive's
// (profilegrid-archive) and "imports", where the gateways stage uploaded import files (docs/imports.md). A lifecycle
// management policy deletes archive blobs older than archiveRetentionDays, and uploads staged for imports older than
// importStagingDays (orphans of uploads interrupted before their 202; a finished import deletes its own copy).
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of the subscription, environment and location: names the resources.')
param token string

@description('The identity that reads and writes the tables.')
param dataPrincipalId string

@minValue(0)
@description('Days the archive keeps (blobs under the archive container deleted after that many days); 0 keeps it forever.')
param archiveRetentionDays int

@minValue(1)
@description('Days an upload staged for an import is kept (blobs under imports/uploads/); an import still running by then fails.')
param importStagingDays int = 7

@description('The blob container of the archive (the silos create it).')
param archiveContainerName string

var blobDataContributorRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
var tableDataContributorRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${token}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource dataAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, dataPrincipalId, tableDataContributorRole)
  scope: account
  properties: {
    roleDefinitionId: tableDataContributorRole
    principalId: dataPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource archiveAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, dataPrincipalId, blobDataContributorRole)
  scope: account
  properties: {
    roleDefinitionId: blobDataContributorRole
    principalId: dataPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The same retention the silos' own job applies (ProfileGrid:Archive:RetentionDays), by the platform: blobs are
// immutable once written, so days since creation is days since archived (the rule is off when the archive is kept
// forever). And the imports' staging area: the gateways delete a staged upload when its import ends, but an upload
// interrupted before its 202 (or a gateway that died then) leaves one nobody will.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'archive-retention'
          enabled: archiveRetentionDays > 0
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ '${archiveContainerName}/' ]
            }
            actions: {
              baseBlob: {
                delete: { daysAfterCreationGreaterThan: archiveRetentionDays }
              }
            }
          }
        }
        {
          name: 'import-staging'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ 'imports/uploads/' ]
            }
            actions: {
              baseBlob: {
                delete: { daysAfterCreationGreaterThan: importStagingDays }
              }
            }
          }
        }
      ]
    }
  }
}

output blobServiceUri string = account.properties.primaryEndpoints.blob
output tableServiceUri string = account.properties.primaryEndpoints.table
