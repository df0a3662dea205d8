using System.Text.Json.Nodes;

namespace ProfileGrid.Deployment.Tests;

/// <summary>
/// infra/main.bicep compiles and lints without an error or a warning, and the template it compiles to wires what
/// operations rely on: keyless tables, the identity's roles, internal silos with their ports, external gateway
/// ingress, probes, replica bounds and the API keys as secrets.
/// </summary>
public sealed class BicepTests
{
    private static readonly Lazy<Task<JsonObject>> Compiled = new(CompileAsync);

    private static async Task<JsonObject> CompileAsync()
    {
        var (exitCode, output, error) = await BicepCli.RunAsync("build", BicepCli.MainTemplate, "--stdout");
        Assert.True(exitCode == 0, $"bicep build exited with {exitCode}: {error}");
        return JsonNode.Parse(output)!.AsObject();
    }

    [Fact]
    public async Task Bicep_build_reports_no_error_and_no_warning()
    {
        var (exitCode, _, error) = await BicepCli.RunAsync("build", BicepCli.MainTemplate, "--stdout");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error.Trim());
    }

    [Fact]
    public async Task Bicep_lint_reports_no_error_and_no_warning()
    {
        var (exitCode, output, error) = await BicepCli.RunAsync("lint", BicepCli.MainTemplate);

        Assert.True(exitCode == 0, $"bicep lint exited with {exitCode}: {output}{error}");
        Assert.Equal("", (output + error).Trim());
    }

    [Fact]
    public async Task Storage_allows_no_shared_key_and_the_identity_gets_table_data_and_pull_roles()
    {
        var found = Resources(await Compiled.Value);
        var resources = found.Select(pair => pair.Resource).ToList();

        var account = Assert.Single(resources, resource => Type(resource) == "Microsoft.Storage/storageAccounts");
        Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        var roles = found.Where(pair => Type(pair.Resource) == "Microsoft.Authorization/roleAssignments")
            .Select(pair => Resolve(pair.Template, pair.Resource["properties"]!["roleDefinitionId"]!).ToJsonString()).ToList();
        Assert.Contains(roles, role => role.Contains("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StringComparison.Ordinal)); // Storage Table Data Contributor
        Assert.Contains(roles, role => role.Contains("7f951dda-4ed3-4680-a7ca-43fe172d538d", StringComparison.Ordinal)); // AcrPull
        var registry = Assert.Single(resources, resource => Type(resource) == "Microsoft.ContainerRegistry/registries");
        Assert.False(registry["properties"]!["adminUserEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_archive_gets_blob_data_access_and_a_lifecycle_policy_deleting_it_after_the_retention_days()
    {
        var compiled = await Compiled.Value;
        var found = Resources(compiled);
        var roles = found.Where(pair => Type(pair.Resource) == "Microsoft.Authorization/roleAssignments")
            .Select(pair => Resolve(pair.Template, pair.Resource["properties"]!["roleDefinitionId"]!).ToJsonString()).ToList();
        Assert.Contains(roles, role => role.Contains("ba92f5b4-2d11-453d-a403-e96b0029c9fe", StringComparison.Ordinal)); // Storage Blob Data Contributor

        var (policy, template) = Assert.Single(found, pair => Type(pair.Resource) == "Microsoft.Storage/storageAccounts/managementPolicies");
        var rules = policy["properties"]!["policy"]!["rules"]!.AsArray();
        Assert.Equal(["archive-retention", "import-staging"], rules.Select(rule => rule!["name"]!.GetValue<string>()));
        var archive = rules[0]!;
        Assert.Equal("Lifecycle", archive["type"]!.GetValue<string>());
        Assert.Equal("[greater(parameters('archiveRetentionDays'), 0)]", archive["enabled"]!.GetValue<string>());
        Assert.Equal("[format('{0}/', parameters('archiveContainerName'))]", archive["definition"]!["filters"]!["prefixMatch"]![0]!.GetValue<string>());
        Assert.Equal("[parameters('archiveRetentionDays')]", archive["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterCreationGreaterThan"]!.GetValue<string>());
        Assert.Equal(365, compiled["parameters"]!["archiveRetentionDays"]!["defaultValue"]!.GetValue<int>());

        // The imports' staging area (orphan uploads): the gateways write uploads/{guid} in the container "imports".
        var staging = rules[1]!;
        Assert.True(staging["enabled"]!.GetValue<bool>());
        Assert.Equal("imports/uploads/", staging["definition"]!["filters"]!["prefixMatch"]![0]!.GetValue<string>());
        Assert.Equal("[parameters('importStagingDays')]", staging["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterCreationGreaterThan"]!.GetValue<string>());
        Assert.Equal(7, template!["parameters"]!["importStagingDays"]!["defaultValue"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_silo_app_is_internal_with_its_ports_probes_and_at_least_two_replicas()
    {
        var (silo, module) = App(await Compiled.Value, "silo");

        var ingress = silo["properties"]!["configuration"]!["ingress"]!;
        Assert.False(ingress["external"]!.GetValue<bool>());
        var ports = ingress["additionalPortMappings"]!.AsArray().Select(mapping => Int(module, mapping!["targetPort"]!)).Order();
        Assert.Equal([11111, 30000], ports);
        var template = silo["properties"]!["template"]!;
        Assert.Equal(2, template["scale"]!["minReplicas"]!.GetValue<int>());
        Assert.Equal("cpu", template["scale"]!["rules"]![0]!["custom"]!["type"]!.GetValue<string>());
        Assert.Contains("/readyz", template["containers"]![0]!["probes"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("/healthz", template["containers"]![0]!["probes"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.True(template["terminationGracePeriodSeconds"]!.GetValue<int>() >= 30);
    }

    [Fact]
    public async Task The_gateway_app_is_external_sticky_scaled_by_http_and_takes_its_keys_from_secrets()
    {
        var (gateway, _) = App(await Compiled.Value, "gateway");

        var configuration = gateway["properties"]!["configuration"]!;
        Assert.True(configuration["ingress"]!["external"]!.GetValue<bool>());
        Assert.False(configuration["ingress"]!["allowInsecure"]!.GetValue<bool>());
        Assert.Equal("sticky", configuration["ingress"]!["stickySessions"]!["affinity"]!.GetValue<string>());
        var template = gateway["properties"]!["template"]!;
        Assert.Equal(1, template["scale"]!["minReplicas"]!.GetValue<int>());
        Assert.NotNull(template["scale"]!["rules"]![0]!["http"]);
        var env = template["containers"]![0]!["env"]!.AsArray();
        foreach (var name in new[] { "ProfileGrid__ApiKeys__0__Key", "ProfileGrid__ApiKeys__1__Key", "ProfileGrid__ApiKeys__2__Key", "ProfileGrid__Tokens__SigningKey" })
        {
            var variable = Assert.Single(env, variable => variable!["name"]!.GetValue<string>() == name);
            Assert.NotNull(variable!["secretRef"]);
            Assert.Null(variable["value"]);
        }

        Assert.Equal("Client", Assert.Single(env, variable => variable!["name"]!.GetValue<string>() == "ProfileGrid__Cluster__Mode")!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_outputs_azd_needs_are_there()
    {
        var outputs = (await Compiled.Value)["outputs"]!.AsObject();

        foreach (var name in new[] { "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_CONTAINER_APPS_ENVIRONMENT_ID", "AZURE_RESOURCE_GROUP", "SERVICE_GATEWAY_URI" })
        {
            Assert.True(outputs.ContainsKey(name), $"no output {name}");
        }
    }

    /// <summary>Every resource of the template and of its nested module deployments, each with the template that holds it.</summary>
    private static List<(JsonObject Resource, JsonObject Template)> Resources(JsonObject template)
    {
        var found = new List<(JsonObject, JsonObject)>();
        foreach (var resource in ResourcesOf(template))
        {
            found.Add((resource, template));
            if (Type(resource) == "Microsoft.Resources/deployments") found.AddRange(Resources(resource["properties"]!["template"]!.AsObject()));
        }

        return found;
    }

    // A template's resources are an array, or with symbolic names (languageVersion 2.0) an object.
    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(resource => resource!.AsObject()),
        JsonObject named => named.Select(pair => pair.Value!.AsObject()),
        _ => [],
    };

    /// <summary>The container app the module of <paramref name="service"/> deploys (named <c>ca-&lt;service&gt;-…</c>).</summary>
    private static (JsonObject App, JsonObject Template) App(JsonObject template, string service) =>
        Assert.Single(Resources(template), found => Type(found.Resource) == "Microsoft.App/containerApps"
            && found.Resource["name"]!.GetValue<string>().Contains($"'ca-{service}-", StringComparison.Ordinal));

    /// <summary>A number, written as such or as a reference to one of the template's variables.</summary>
    private static int Int(JsonObject template, JsonNode value) => Resolve(template, value).GetValue<int>();

    /// <summary>A value, or the value of the template variable it refers to (<c>[variables('name')]</c>).</summary>
    private static JsonNode Resolve(JsonObject template, JsonNode value)
    {
        const string prefix = "[variables('";
        return value.GetValueKind() == System.Text.Json.JsonValueKind.String && value.GetValue<string>() is var text
            && text.StartsWith(prefix, StringComparison.Ordinal) && text.EndsWith("')]", StringComparison.Ordinal)
            ? template["variables"]![text[prefix.Length..^3]]!
            : value;
    }

    private static string Type(JsonObject resource) => resource["type"]!.GetValue<string>();
}
