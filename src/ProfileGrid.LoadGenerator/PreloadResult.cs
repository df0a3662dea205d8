namespace ProfileGrid.LoadGenerator;

/// <summary>How the history of the hot customer was loaded before the measured run.</summary>
public sealed record PreloadResult(long Events, double Seconds, double EventsPerSecond, long Errors);
