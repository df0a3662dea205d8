using System.Text.Json;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>The body of a <c>202</c> from <c>POST /v1/events</c>.</summary>
internal sealed record EventsAnswer(int Accepted, int Duplicates, int Rejected)
{
    public static EventsAnswer Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new(root.GetProperty("accepted").GetInt32(), root.GetProperty("duplicates").GetInt32(),
            root.GetProperty("rejected").GetArrayLength());
    }
}
