using Orleans.Configuration;

namespace ProfileGrid.Hosting;

/// <summary>
/// How fast silos declare a crashed silo dead. Orleans probes each silo every <c>ProbeTimeout</c> (5 s by default)
/// and suspects it after <c>NumMissedProbesLimit</c> misses in a row, so a crash left its customers unserved for
/// 11–14 s here. Probing every second suspects after about 3 s; Orleans' adaptive probe timeout and its local
/// health monitoring stretch a probe while the prober itself is starved (GC, CPU), so a busy silo is not declared
/// dead for being slow. Configuration (<c>ProfileGrid:Membership</c>) overrides these; docs/operations.md gives the
/// measured failover.
/// </summary>
internal static class FailureDetection
{
    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 3;
    }
}
