using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A gateway whose archivers poll every 50 ms, over an archive store that can be made to fail
/// (<see cref="ArchiveStore"/>): before a blob is written, or after (as an archiver that crashed between writing a
/// blob and deleting its outbox row).
/// </summary>
public sealed class ArchiveGatewayFixture : GatewayFixture
{
    /// <summary>Days the archive keeps: the retention job runs every second.</summary>
    public const int RetentionDays = 30;

    public FlakyArchiveStore ArchiveStore { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ProfileGrid:Archive:PollPeriod", "00:00:00.050");
        builder.UseSetting("ProfileGrid:Archive:KeepRunningPeriod", "00:00:00.200");
        builder.UseSetting("ProfileGrid:Archive:RetentionDays", RetentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:Archive:RetentionPeriod", "00:00:01");
        builder.ConfigureServices(services => services.AddSingleton<IArchiveStore>(ArchiveStore));
    }

    public sealed class FlakyArchiveStore : IArchiveStore
    {
        public MemoryArchiveStore Inner { get; } = new();

        private volatile bool _failBeforeWrite;
        private volatile bool _failAfterWrite;

        /// <summary>Refuses every write, as an unreachable blob service would.</summary>
        public bool FailBeforeWrite
        {
            get => _failBeforeWrite;
            set => _failBeforeWrite = value;
        }

        /// <summary>Writes, then fails the call: the archiver stops before it deletes the outbox row.</summary>
        public bool FailAfterWrite
        {
            get => _failAfterWrite;
            set => _failAfterWrite = value;
        }

        public async Task<string?> TryCreateAsync(string name, ReadOnlyMemory<byte> content, string tag, CancellationToken cancellationToken = default)
        {
            if (FailBeforeWrite) throw new IOException("blob service unreachable (test switch)");
            var earlier = await Inner.TryCreateAsync(name, content, tag, cancellationToken);
            return FailAfterWrite ? throw new IOException("archiver stopped after writing the blob (test switch)") : earlier;
        }

        public Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken = default) => Inner.ReadAsync(name, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => Inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => Inner.DeleteAsync(name, cancellationToken);
    }
}

[CollectionDefinition(Name)]
public sealed class ArchiveGatewayCollection : ICollectionFixture<ArchiveGatewayFixture>
{
    public const string Name = "archive gateway";
}
