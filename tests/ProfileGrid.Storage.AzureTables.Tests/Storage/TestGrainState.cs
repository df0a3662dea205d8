using System.Diagnostics.CodeAnalysis;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

/// <summary>What an activation holds for one persistent state.</summary>
internal sealed class TestGrainState : IGrainState<ProfileState>
{
    [AllowNull]
    public ProfileState State
    {
        get;
        set => field = value ?? new ProfileState();
    } = new();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
