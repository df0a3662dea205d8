using Microsoft.AspNetCore.Mvc;
using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Problems;

/// <summary>
/// The 503 or 500 of a request stored in part (<see cref="PartlyStoredException"/>): the detail says how much was
/// stored and that a retry of the whole request is safe, and the extensions <c>stored</c> (<c>index</c>, <c>id</c>,
/// <c>outcome</c>), <c>notStored</c> (<c>index</c>, <c>id</c>) and <c>rejected</c> (as a <c>202</c> lists them) say which.
/// </summary>
internal static class PartlyStoredProblem
{
    /// <summary>Describes a request stored in part, ending the detail with <paramref name="advice"/>; false for any other failure.</summary>
    public static bool TryDescribe(ProblemDetails problem, Exception exception, string advice)
    {
        if (exception is not PartlyStoredException partial) return false;
        problem.Detail = $"{partial.Stored.Count} of the request's events were stored and {partial.NotStored.Count} were not, because the call to their customer failed " +
            $"(stored and notStored list them by index). Retrying the whole request is safe: the events stored then count as duplicates. {advice}";
        problem.Extensions["stored"] = partial.Stored;
        problem.Extensions["notStored"] = partial.NotStored;
        problem.Extensions["rejected"] = partial.Rejected;
        return true;
    }
}
