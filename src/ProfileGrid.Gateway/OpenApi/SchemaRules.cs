using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ProfileGrid.Gateway.Endpoints;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.OpenApi;

/// <summary>What the schema generator cannot see from the types about the JSON the gateway writes.</summary>
internal static class SchemaRules
{
    private static readonly JsonNode[] SweepStates = [.. Enum.GetNames<BackfillState>().Select(state => JsonValue.Create(state.ToLowerInvariant()))];

    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;

        // Traits and event properties are objects of any JSON values (RawJson, JsonElement): left undescribed, their
        // values would read as an object with no properties at all.
        if (info.Kind == JsonTypeInfoKind.Dictionary && schema.AdditionalProperties is null) schema.AdditionalProperties = new OpenApiSchema();

        // A struct (WindowTotal) is written whole: every property is always there.
        if (info.Kind == JsonTypeInfoKind.Object && info.Type.IsValueType && schema.Properties is { Count: > 0 } properties)
            schema.Required = new HashSet<string>(properties.Keys, StringComparer.Ordinal);

        // A back-fill's or reconciliation's state is BackfillState's name in lower case.
        if ((info.Type == typeof(BackfillView) || info.Type == typeof(ReconcileView)) && schema.Properties?.TryGetValue("state", out var property) == true && property is OpenApiSchema state)
            state.Enum = [.. SweepStates];

        return Task.CompletedTask;
    }
}
