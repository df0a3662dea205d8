using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Keeps every log line in memory: level, category, message, structured values, scopes and exception.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static void AppendValues(StringBuilder line, object? state)
    {
        if (state is not IEnumerable<KeyValuePair<string, object?>> values) return;
        foreach (var (key, value) in values) line.Append(' ').Append(key).Append('=').Append(value);
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            AppendValues(line, state);
            provider._scopes.ForEachScope((scope, builder) =>
            {
                builder.Append(" => ").Append(scope);
                AppendValues(builder, scope);
            }, line);
            if (exception is not null) line.Append(' ').Append(exception);
            provider.Lines.Enqueue(line.ToString());
        }
    }
}
