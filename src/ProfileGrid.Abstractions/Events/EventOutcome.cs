namespace ProfileGrid.Events;

[GenerateSerializer, Alias("pg.EventOutcome")]
public enum EventOutcome : byte
{
    Accepted = 0,
    Duplicate = 1,
    Rejected = 2,
}
