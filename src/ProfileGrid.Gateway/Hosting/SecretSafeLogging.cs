using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Hosting;

/// <summary>
/// Keeps tokens out of the logs. A browser's WebSocket carries its token in the URL (<c>access_token</c>), and
/// ASP.NET Core's hosting diagnostics log every request's URL with its query ("Request starting ...") at
/// Information: that category is held at Warning for every provider, whatever the configuration says (the rules
/// are added after the configuration's, with the full category name, so they win). <see cref="RequestLog"/> logs
/// requests instead, without the query.
/// </summary>
public static class SecretSafeLogging
{
    public const string RequestUrlCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static ILoggingBuilder AddProfileGridSecretSafety(this ILoggingBuilder logging)
    {
        logging.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, HoldRequestUrlsAtWarning>();
        return logging;
    }

    private sealed class HoldRequestUrlsAtWarning : IPostConfigureOptions<LoggerFilterOptions>
    {
        public void PostConfigure(string? name, LoggerFilterOptions options)
        {
            var providers = options.Rules.Select(rule => rule.ProviderName).Distinct().ToList();
            if (!providers.Contains(null)) providers.Add(null);
            foreach (var provider in providers)
                options.Rules.Add(new LoggerFilterRule(provider, RequestUrlCategory, LogLevel.Warning, filter: null));
        }
    }
}
