using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ProfileGrid.Gateway.Realtime;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.OpenApi;

/// <summary>
/// The schemas of what the hub <c>/hubs/agents</c> sends, which no HTTP route returns, added to the document's
/// components so that the dashboard's types, hub messages included, come from this one document.
/// </summary>
internal sealed class HubMessageSchemas : IOpenApiDocumentTransformer
{
    private static readonly Type[] Messages = [typeof(ActivityMessage), typeof(ViewersMessage), typeof(ErasedMessage), typeof(SegmentChangedMessage), typeof(AgentIdentity)];

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var message in Messages)
            document.AddComponent(message.Name, await context.GetOrCreateSchemaAsync(message, cancellationToken: cancellationToken));
    }
}
