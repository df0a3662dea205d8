using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ProfileGrid.Gateway.OpenApi;

/// <summary>
/// Describes a JSON body that a route reads by hand (<see cref="Ingestion.JsonBody"/>) rather than binds: the types
/// named only describe it. Described by an operation transformer, not by <c>Accepts</c> metadata, which would let
/// routing answer a wrong content type before the route does, with another problem than the route's own 415.
/// </summary>
public static class RequestBodies
{
    /// <summary>The body is a <typeparamref name="TBody"/>, as JSON (or also <paramref name="otherContentTypes"/>).</summary>
    public static RouteHandlerBuilder AcceptsJsonBody<TBody>(this RouteHandlerBuilder route, params string[] otherContentTypes) =>
        route.AcceptsJsonBody([typeof(TBody)], otherContentTypes);

    /// <summary>The body is a <typeparamref name="TOne"/> or a <typeparamref name="TOther"/> (<c>oneOf</c>), as JSON.</summary>
    public static RouteHandlerBuilder AcceptsJsonBody<TOne, TOther>(this RouteHandlerBuilder route) =>
        route.AcceptsJsonBody([typeof(TOne), typeof(TOther)], []);

    /// <summary>
    /// The body is a file of <paramref name="fileContentTypes"/> (streamed, any size), or a <typeparamref name="TBody"/>
    /// as JSON: what <c>POST /v1/imports</c> takes.
    /// </summary>
    public static RouteHandlerBuilder AcceptsFileOrJsonBody<TBody>(this RouteHandlerBuilder route, params string[] fileContentTypes)
    {
        route.AcceptsJsonBody([typeof(TBody)], []);
        route.AddOpenApiOperationTransformer((operation, context, cancellation) =>
        {
            foreach (var type in fileContentTypes)
                operation.RequestBody!.Content![type] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
            return Task.CompletedTask;
        });
        return route;
    }

    /// <summary>Its problems: 400 malformed or invalid, 413 over the route's limit, 415 not JSON.</summary>
    private static RouteHandlerBuilder AcceptsJsonBody(this RouteHandlerBuilder route, Type[] shapes, string[] otherContentTypes)
    {
        route.AddOpenApiOperationTransformer(async (operation, context, cancellation) =>
        {
            var schemas = new List<IOpenApiSchema>();
            foreach (var shape in shapes) schemas.Add(await ReferenceAsync(shape, context, cancellation));
            var schema = schemas.Count == 1 ? schemas[0] : new OpenApiSchema { OneOf = schemas };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = ((string[])["application/json", .. otherContentTypes]).ToDictionary(type => type, _ => new OpenApiMediaType { Schema = schema }),
            };
        });
        route.ProducesProblem(StatusCodes.Status400BadRequest);
        route.ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        route.ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return route;
    }

    /// <summary>A reference to the shape's schema among the components (a generic shape, such as a dictionary, stays inline).</summary>
    private static async Task<IOpenApiSchema> ReferenceAsync(Type shape, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var schema = await context.GetOrCreateSchemaAsync(shape, cancellationToken: cancellation);
        if (shape.IsGenericType) return schema;
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(shape.Name) != true) document.AddComponent(shape.Name, schema);
        return new OpenApiSchemaReference(shape.Name, document);
    }
}
