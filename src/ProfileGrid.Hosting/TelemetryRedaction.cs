using System.Diagnostics;
using OpenTelemetry;

namespace ProfileGrid.Hosting;

/// <summary>
/// Takes customer ids and identifiers out of every span before it is exported. Telemetry goes to Application Insights
/// (or an OTLP collector), which an erasure cannot reach, so whatever may name a customer is left out, not hashed (a
/// plain hash of an email address is undone by hashing guesses):
/// <list type="bullet">
/// <item>a request's path becomes its route (<c>/v1/customers/{id}</c>); a path no route matched, the query and full
/// URLs (an Azure table request's names its row) are dropped;</item>
/// <item>a grain id (<c>customer/ann</c>, <c>identity/email:ann@example.com</c>) keeps only its grain type (<c>customer</c>);</item>
/// <item>exception messages and error descriptions, which may quote an id, are dropped; the exception's type stays.</item>
/// </list>
/// ProfileGrid's own spans and meters tag no customer. <c>TelemetryTests</c> reads every span and metric of a customer's
/// story (events, identify, lookups, a watch, erasure) for its id and identifiers.
/// </summary>
public sealed class TelemetryRedaction : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        List<KeyValuePair<string, object?>>? changes = null;
        foreach (var (key, value) in data.TagObjects)
        {
            var kept = Redact(key, value, data);
            if (!ReferenceEquals(kept, value)) (changes ??= []).Add(new(key, kept));
        }

        // Set once the tags are read: setting a tag while enumerating them would change what is enumerated.
        foreach (var (key, value) in changes ?? []) data.SetTag(key, value);
        if (data.StatusDescription is not null) data.SetStatus(data.Status);
    }

    /// <summary>The tag's value as exported: the same object when it names no one; null removes the tag.</summary>
    private static object? Redact(string key, object? value, Activity span) => key switch
    {
        "url.path" => span.GetTagItem("http.route"),
        "url.query" or "url.full" or "http.url" or "http.target" or "exception.message" => null,
        "orleans.rpc.target_id" or "orleans.rpc.source_id" or "orleans.grain.id" or "orleans.durable_job.target_grain_id" => GrainType(value),
        _ => value,
    };

    private static string? GrainType(object? grainId) =>
        grainId is string id && id.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash ? id[..slash] : null;
}
