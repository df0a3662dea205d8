using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using ProfileGrid.Gateway.Security;
using Scalar.AspNetCore;

namespace ProfileGrid.Gateway.OpenApi;

/// <summary>
/// The API's OpenAPI document, generated from the endpoints at <c>/openapi/v1.json</c>, and the interactive reference
/// on it at <c>/docs</c>.
/// </summary>
public static class ApiDescriptionHosting
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = CredentialSchemes.ApiReferencePath;

    public static IServiceCollection AddProfileGridApiDescription(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "ProfileGrid gateway",
                Version = "v1",
                Description = "Events in, live customer profiles out. Errors are RFC 9457 problem details. The hub /hubs/agents is described in docs/realtime.md; its messages' schemas are among the components.",
            };
            document.Servers = [];
            SecuritySchemes.AddTo(document);
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer<HubMessageSchemas>();
        options.AddSchemaTransformer(SchemaRules.Apply);
        options.AddOperationTransformer<RoleSecurityTransformer>();
    });

    /// <summary>
    /// The document needs no key: it describes routes, never data, and every route it names still asks for its key (as
    /// is usual for a public API's document; producers generate clients from it). The reference is for admins: a
    /// browser signs in with HTTP Basic, the admin key as the password, as for the Orleans dashboard.
    /// </summary>
    public static WebApplication MapProfileGridApiDescription(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        var reference = app.MapScalarApiReference(ReferencePath, options => options.WithTitle("ProfileGrid API").WithOpenApiRoutePattern(DocumentPath))
            .RequireAuthorization(Policies.Admin);
        // Scalar opens its script and icon to anyone; here they are the admins' as the page is.
        reference.Finally(endpoint =>
        {
            foreach (var open in endpoint.Metadata.OfType<IAllowAnonymous>().ToList()) endpoint.Metadata.Remove(open);
        });
        return app;
    }
}
