using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Testing;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> describes every route the gateway maps, with the roles its policy allows; README's API table
/// says the same; and <c>docs/openapi/v1.json</c>, which the dashboard's types are generated from, is what the gateway
/// serves now. <c>PROFILEGRID_UPDATE_OPENAPI=1</c> rewrites that file instead of comparing (scripts/openapi.sh).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class OpenApiDocumentTests(GatewayFixture gateway)
{
    public static readonly string CommittedDocument = Path.Combine(RepoPaths.Root, "docs", "openapi", "v1.json");

    /// <summary>Routes served beside the API rather than in it: the hub (docs/realtime.md), Orleans' dashboard, the reference and the document.</summary>
    private static readonly string[] OutsideTheDocument = ["/hubs/", "/orleans", "/docs", "/openapi/"];

    [Fact]
    public async Task The_committed_document_is_the_one_the_gateway_serves()
    {
        var served = await ServedAsync();

        if (Environment.GetEnvironmentVariable("PROFILEGRID_UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CommittedDocument)!);
            await File.WriteAllTextAsync(CommittedDocument, served);
        }

        Assert.True(File.Exists(CommittedDocument), $"{CommittedDocument} is missing: run scripts/openapi.sh");
        var committed = (await File.ReadAllTextAsync(CommittedDocument)).ReplaceLineEndings("\n");
        Assert.True(committed == served, "docs/openapi/v1.json differs from what the gateway serves: run scripts/openapi.sh and commit it");
    }

    [Fact]
    public async Task The_document_needs_no_key_and_reads_without_errors()
    {
        var (_, diagnostic) = await ReadAsync();

        Assert.Empty(diagnostic.Errors);
    }

    [Fact]
    public async Task Every_mapped_route_is_in_the_document_with_the_roles_its_policy_allows()
    {
        var (document, _) = await ReadAsync();
        var described = Operations(document);
        var mapped = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var policies = gateway.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        foreach (var endpoint in gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = endpoint.RoutePattern.RawText!;
            if (OutsideTheDocument.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal))) continue;
            var roles = await RolesOf(endpoint, policies);
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                mapped[$"{method} {path}"] = roles;
        }

        Assert.Equal(mapped.Keys.Order(StringComparer.Ordinal), described.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["GET /healthz", "GET /readyz"], mapped.Where(route => route.Value.Length == 0).Select(route => route.Key).Order(StringComparer.Ordinal));
        Assert.All(mapped, route => Assert.True(route.Value.SequenceEqual(described[route.Key].Roles), $"{route.Key}: the policy allows {string.Join(", ", route.Value)}, the document says {string.Join(", ", described[route.Key].Roles)}"));
    }

    [Fact]
    public async Task Each_operation_names_the_schemes_its_route_takes()
    {
        var (document, _) = await ReadAsync();

        foreach (var (route, (roles, schemes)) in Operations(document))
        {
            string[] expected = route switch
            {
                _ when roles.Length == 0 => [],
                "POST /v1/auth/token" => ["ApiKey"],
                _ when route.StartsWith("POST /compat/", StringComparison.Ordinal) || route == "POST /v1/batch" => ["WriteKey"],
                _ => ["ApiKey", "HubToken"],
            };
            Assert.True(expected.SequenceEqual(schemes), $"{route}: {string.Join(", ", schemes)}");
        }
    }

    [Fact]
    public async Task The_readme_api_table_and_the_document_agree()
    {
        var (document, _) = await ReadAsync();
        var described = Operations(document).ToDictionary(operation => operation.Key, operation => operation.Value.Roles.Length == 0 ? "none" : string.Join(", ", operation.Value.Roles));
        var readme = ReadmeRoutes();

        var inReadmeOnly = readme.Keys.Where(route => !OutsideTheDocument.Any(prefix => route.Split(' ')[1].StartsWith(prefix, StringComparison.Ordinal)))
            .ToDictionary(route => route, route => readme[route]);
        Assert.Equal(described.Keys.Order(StringComparer.Ordinal), inReadmeOnly.Keys.Order(StringComparer.Ordinal));
        Assert.All(described, route => Assert.True(route.Value == inReadmeOnly[route.Key], $"{route.Key}: README says '{inReadmeOnly[route.Key]}', the document '{route.Value}'"));
        Assert.Equal("none", readme["GET /openapi/v1.json"]);
        Assert.Equal("admin", readme["GET /docs"]);
    }

    [Fact]
    public async Task The_reference_is_for_admin_keys_only()
    {
        await ApiAssert.Problem(await gateway.As(null).GetAsync("/docs"), HttpStatusCode.Unauthorized);
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync("/docs"), HttpStatusCode.Forbidden);
        await ApiAssert.Problem(await gateway.As(ProducerKey).GetAsync("/docs"), HttpStatusCode.Forbidden);
        await ApiAssert.Problem(await gateway.As(null).GetAsync("/docs/scalar.js"), HttpStatusCode.Unauthorized);
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync("/docs/scalar.js"), HttpStatusCode.Forbidden);

        var page = await gateway.As(AdminKey).GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_opens_the_reference_with_the_admin_key_as_basic_password()
    {
        var challenge = await gateway.CreateClient().GetAsync("/docs");
        Assert.Equal("Basic", challenge.Headers.WwwAuthenticate.Single().Scheme);

        // The reference redirects /docs to /docs/, where a browser sends the credentials again; HttpClient would not.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/docs/");
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + AdminKey)));
        var page = await gateway.CreateClient().SendAsync(request);
        using var script = new HttpRequestMessage(HttpMethod.Get, "/docs/scalar.js") { Headers = { Authorization = request.Headers.Authorization } };
        var scriptResponse = await gateway.CreateClient().SendAsync(script);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scriptResponse.StatusCode);
    }

    private async Task<string> ServedAsync()
    {
        var response = await gateway.As(null).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).ReplaceLineEndings("\n");
    }

    private async Task<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> ReadAsync()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await ServedAsync()));
        var result = await OpenApiDocument.LoadAsync(stream, "json");
        return (result.Document!, result.Diagnostic!);
    }

    /// <summary>Each operation as <c>METHOD /path</c>, with the roles its security requirements name and their schemes.</summary>
    private static Dictionary<string, (string[] Roles, string[] Schemes)> Operations(OpenApiDocument document)
    {
        var operations = new Dictionary<string, (string[], string[])>(StringComparer.Ordinal);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var requirements = operation.Security ?? [];
                var roles = requirements.SelectMany(requirement => requirement.Values.SelectMany(scopes => scopes)).Distinct().Order(StringComparer.Ordinal).ToArray();
                var schemes = requirements.SelectMany(requirement => requirement.Keys.Select(scheme => scheme.Reference.Id!)).ToArray();
                operations[$"{method.Method} {path}"] = (RoleOrder(roles), schemes);
            }
        }

        return operations;
    }

    private static async Task<string[]> RolesOf(RouteEndpoint endpoint, IAuthorizationPolicyProvider policies)
    {
        if (endpoint.Metadata.GetMetadata<WriteKeyAuthentication>() is { } writeKey) return RoleOrder([.. writeKey.Roles.Select(AgentClaims.RoleName)]);
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) return [];
        var policy = await AuthorizationPolicy.CombineAsync(policies, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>());
        Assert.NotNull(policy);
        return RoleOrder([.. policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(requirement => requirement.AllowedRoles)]);
    }

    /// <summary>Roles in README's order: producer, agent, admin.</summary>
    private static string[] RoleOrder(string[] roles) =>
        [.. roles.Distinct().OrderBy(role => Array.IndexOf(["producer", "agent", "admin"], role))];

    /// <summary>
    /// README's API table as <c>METHOD /path</c> → its roles (<c>producer, admin</c>; <c>none</c>), a row's
    /// <c>{a,b}</c> spelled out as one route each and a query left off.
    /// </summary>
    private static Dictionary<string, string> ReadmeRoutes()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("\n## HTTP API\n", StringComparison.Ordinal);
        var table = readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in table.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = row.Split(" | ");
            var roles = RoleList().Match(cells[1]).Value.Trim();
            foreach (Match route in ReadmeRoute().Matches(cells[0]))
            {
                var path = route.Groups["path"].Value.Split('?')[0];
                foreach (var expanded in Expand(path)) routes.Add($"{route.Groups["method"].Value} {expanded}", roles);
            }
        }

        return routes;
    }

    private static IEnumerable<string> Expand(string path)
    {
        var alternatives = Alternatives().Match(path);
        return alternatives.Success
            ? alternatives.Groups["names"].Value.Split(',').Select(name => path.Replace(alternatives.Value, name, StringComparison.Ordinal))
            : [path];
    }

    [GeneratedRegex(@"`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/[^`]*)`")]
    private static partial Regex ReadmeRoute();

    [GeneratedRegex(@"\{(?<names>[a-z]+(,[a-z]+)+)\}")]
    private static partial Regex Alternatives();

    [GeneratedRegex(@"^[a-z, ]+")]
    private static partial Regex RoleList();
}
