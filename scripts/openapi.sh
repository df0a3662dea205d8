#!/usr/bin/env bash
# Writes the gateway's OpenAPI document, as /openapi/v1.json serves it now, into docs/openapi/v1.json, from which the
# agent dashboard's API types are generated. Run it after changing a route or a type it answers with, and commit the
# file: the gateway's tests fail while the committed document differs from what the gateway serves.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"
dotnet build tests/ProfileGrid.Gateway.Tests -c Release -nologo -v quiet
PROFILEGRID_UPDATE_OPENAPI=1 dotnet test tests/ProfileGrid.Gateway.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~OpenApiDocumentTests.The_committed_document_is_the_one_the_gateway_serves"
echo "openapi: wrote docs/openapi/v1.json" >&2
