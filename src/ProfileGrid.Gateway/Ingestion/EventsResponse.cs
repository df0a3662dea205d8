namespace ProfileGrid.Gateway.Ingestion;

/// <summary>The answer to <c>POST /v1/events</c>: what was stored, what had been stored before, what was refused.</summary>
public sealed record EventsResponse(int Accepted, int Duplicates, List<EventRejection> Rejected);

/// <summary>An event the gateway or its customer refused, by its position in the request.</summary>
public sealed record EventRejection(int Index, string? Id, string Error);
