using Microsoft.AspNetCore.Http.HttpResults;

namespace ProfileGrid.Gateway.Problems;

/// <summary>RFC 9457 problem details that say what was wrong and what to do about it.</summary>
internal static class Problem
{
    public static ProblemHttpResult BadRequest(string detail, string? field = null) =>
        Create(StatusCodes.Status400BadRequest, "Invalid request", detail, field);

    /// <summary>A rule that does not read: where (1-based line and column) and why, also as extensions.</summary>
    public static ProblemHttpResult BadRule(ProfileGrid.Rules.RuleError error) =>
        TypedResults.Problem($"The rule does not read: {error}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid request",
            extensions: new Dictionary<string, object?> { ["field"] = "rule", ["line"] = error.Line, ["column"] = error.Column, ["reason"] = error.Reason });

    public static ProblemHttpResult Unauthorized(string detail) =>
        Create(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        Create(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static ProblemHttpResult Conflict(string detail, string? field = null) =>
        Create(StatusCodes.Status409Conflict, "Conflict", detail, field);

    public static ProblemHttpResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult TooLarge(string detail) =>
        Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);

    public static ProblemHttpResult Unavailable(string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail);

    private static ProblemHttpResult Create(int status, string title, string detail, string? field = null)
    {
        Dictionary<string, object?>? extensions = field is null ? null : new() { ["field"] = field };
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
    }
}
