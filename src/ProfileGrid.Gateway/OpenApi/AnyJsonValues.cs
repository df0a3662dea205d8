using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ProfileGrid.Gateway.OpenApi;

/// <summary>
/// Traits and event properties are objects of any JSON values (<c>Dictionary&lt;string, RawJson&gt;</c>, <c>JsonElement</c>
/// values): the generator leaves their values undescribed, which reads as an object with no properties at all.
/// </summary>
internal static class AnyJsonValues
{
    public static Task Allow(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Dictionary && schema.AdditionalProperties is null) schema.AdditionalProperties = new OpenApiSchema();
        return Task.CompletedTask;
    }
}
