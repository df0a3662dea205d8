using ProfileGrid.Testing;
using YamlDotNet.RepresentationModel;

namespace ProfileGrid.Deployment.Tests;

/// <summary>azure.yaml names the two services azd deploys, each a .NET project that exists, hosted on Container Apps.</summary>
public sealed class AzureYamlTests
{
    [Fact]
    public void Every_service_points_at_a_project_that_exists_and_runs_on_container_apps()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(RepoPaths.Root, "azure.yaml"))) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = (YamlMappingNode)root.Children[new YamlScalarNode("services")];

        Assert.Equal(["gateway", "silo"], services.Children.Keys.Select(key => ((YamlScalarNode)key).Value).Order());
        foreach (var (name, node) in services.Children)
        {
            var service = (YamlMappingNode)node;
            var project = Path.GetFullPath(Path.Combine(RepoPaths.Root, Scalar(service, "project")));
            Assert.True(Directory.Exists(project), $"{name}: {project} does not exist");
            Assert.Single(Directory.GetFiles(project, "*.csproj"));
            Assert.Equal("dotnet", Scalar(service, "language"));
            Assert.Equal("containerapp", Scalar(service, "host"));
        }

        var infra = (YamlMappingNode)root.Children[new YamlScalarNode("infra")];
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, Scalar(infra, "path"), Scalar(infra, "module") + ".bicep")));
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;
}
