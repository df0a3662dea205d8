namespace ProfileGrid.Gateway.Realtime;

/// <summary>Whether a renewal pushes the profile again, and why.</summary>
internal enum RenewalPush
{
    None,
    Missed,
    Rolling,
}
