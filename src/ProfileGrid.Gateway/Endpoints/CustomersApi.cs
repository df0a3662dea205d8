using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ProfileGrid.Customers;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.OpenApi;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Segments;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Gateway.Views;
using ProfileGrid.Identity;

namespace ProfileGrid.Gateway.Endpoints;

public static class CustomersApi
{
    private const int MaxTraitBodyBytes = 64 * 1024;
    private const string Tag = "Customers";

    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder routes)
    {
        var readers = routes.MapPolicyGroup("/v1", Policies.ReadProfiles, Tag);
        readers.MapGet("/customers/{id}", GetCustomer).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        readers.MapGet("/customers", FindCustomer).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer(DescribeIdentifierQuery);

        var writers = routes.MapPolicyGroup("/v1", Policies.WriteEvents, Tag);
        writers.MapPatch("/customers/{id}/traits", PatchTraits).AcceptsJsonBody<Dictionary<string, JsonElement>>().ProducesProblem(StatusCodes.Status409Conflict);
        writers.MapPost("/identify", Identify).AcceptsJsonBody<IdentifyRequest>().ProducesProblem(StatusCodes.Status409Conflict);
        writers.MapPost("/customers/{id}/consent", SetConsent).AcceptsJsonBody<ConsentRequest>();

        var admins = routes.MapPolicyGroup("/v1", Policies.Admin, Tag);
        admins.MapGet("/customers/{id}/export", ExportCustomer).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admins.MapDelete("/customers/{id}", EraseCustomer).ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    /// <summary>The live profile; identity traits masked unless the key has the <c>pii</c> scope (<see cref="PersonalData"/>).</summary>
    internal static async Task<Results<Ok<ProfileView>, ProblemHttpResult>> GetCustomer(
        string id, ClaimsPrincipal user, CustomerGrains customers, CustomerIdentities identities, SegmentCatalog segments)
    {
        if (CustomerIdentities.IsIdentifier(id))
        {
            var colon = id.IndexOf(':', StringComparison.Ordinal);
            return await ByIdentifier(id[..colon], id[(colon + 1)..], user, customers, identities, segments);
        }

        if (!CustomerKeys.IsValidKey(id)) return Problem.BadRequest($"The customer id must be {CustomerKeys.Rule}, or an identifier (type:value, of {string.Join(", ", ProfileGrid.Identity.Identifier.Types)}).", "id");
        var profile = await customers.Get(id).GetProfile();
        return profile is null
            ? Problem.NotFound($"No customer '{id}' is known.")
            : TypedResults.Ok(PersonalData.For(user, ProfileView.From(profile, await segments.CurrentAsync())));
    }

    /// <summary>The lookup reads its query by hand (exactly one identifier type may be named): the document lists each.</summary>
    private static Task DescribeIdentifierQuery(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        operation.Parameters ??= [];
        foreach (var type in ProfileGrid.Identity.Identifier.Types)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = type,
                In = ParameterLocation.Query,
                Description = "The identifier to look the customer up by; name exactly one.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        return Task.CompletedTask;
    }

    /// <summary><c>?email=…</c> or <c>?phone=…</c>: the customer with that identifier.</summary>
    internal static async Task<Results<Ok<ProfileView>, ProblemHttpResult>> FindCustomer(
        HttpRequest request, ClaimsPrincipal user, CustomerGrains customers, CustomerIdentities identities, SegmentCatalog segments)
    {
        var given = request.Query.Where(q => ProfileGrid.Identity.Identifier.Types.Contains(q.Key)).ToList();
        if (given.Count != 1 || given[0].Value.Count != 1)
            return Problem.BadRequest($"Name one identifier: ?{string.Join("=…, ?", ProfileGrid.Identity.Identifier.Types)}=….");
        return await ByIdentifier(given[0].Key, given[0].Value[0]!, user, customers, identities, segments);
    }

    private static async Task<Results<Ok<ProfileView>, ProblemHttpResult>> ByIdentifier(
        string type, string value, ClaimsPrincipal user, CustomerGrains customers, CustomerIdentities identities, SegmentCatalog segments)
    {
        var (customerId, error) = await identities.ResolveAsync(type, value);
        if (error is not null) return Problem.BadRequest($"{error}.", type);
        // An anonymous id not linked to a customer is its own profile (events that name only it go there).
        if (customerId is null && type == ProfileGrid.Identity.Identifier.Anonymous) customerId = CustomerKeys.ForAnonymous(value);
        if (customerId is null) return Problem.NotFound($"No customer has the {type} '{value}'.");
        var profile = await customers.Get(customerId).GetProfile();
        return profile is null
            ? Problem.NotFound($"No customer has the {type} '{value}'.")
            : TypedResults.Ok(PersonalData.For(user, ProfileView.From(profile, await segments.CurrentAsync())));
    }

    /// <summary>Everything stored about the customer (GDPR access), unmasked: admin keys only.</summary>
    internal static async Task<Results<Ok<CustomerExportView>, ProblemHttpResult>> ExportCustomer(
        string id, CustomerGrains customers, SegmentCatalog segments, TimeProvider clock)
    {
        if (!CustomerKeys.IsValidKey(id)) return Problem.BadRequest($"The customer id must be {CustomerKeys.Rule}.", "id");
        var export = await customers.Get(id).Export();
        return export is null
            ? Problem.NotFound($"No customer '{id}' is known.")
            : TypedResults.Ok(CustomerExportView.From(export, await segments.CurrentAsync(), clock.GetUtcNow()));
    }

    /// <summary>
    /// Erases the customer everywhere (its row, the profiles merged into it, every identifier it held, its segment
    /// memberships, what the destinations' queues and dead letters hold about it), leaving a tombstone that refuses its later events and links: admin keys only. An erasure that
    /// fails part-way is completed by erasing again.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> EraseCustomer(string id, CustomerGrains customers)
    {
        if (!CustomerKeys.IsValidKey(id)) return Problem.BadRequest($"The customer id must be {CustomerKeys.Rule}.", "id");
        await customers.Get(id).EraseProfile();
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Merges a flat traits object (a null value removes a trait), creating the profile if needed. An email or phone
    /// that another customer holds is a 409 and changes nothing.
    /// </summary>
    internal static async Task<Results<Ok<TraitsResponse>, ProblemHttpResult>> PatchTraits(
        string id, HttpRequest request, ClaimsPrincipal user, CustomerGrains customers)
    {
        if (!CustomerKeys.IsValidKey(id)) return Problem.BadRequest($"The customer id must be {CustomerKeys.Rule}.", "id");
        var (body, problem) = await JsonBody.ReadAsync(request, MaxTraitBodyBytes);
        if (body is null) return problem!;
        using (body)
        {
            if (!TraitReader.TryRead(body.Root, consent: null, out var patch, out var error)) return Problem.BadRequest($"{error}.", "traits");
            if (patch.Traits.Count == 0) return Problem.BadRequest("Send at least one trait.", "traits");
            var result = await customers.Get(id).MergeTraits(patch with { By = ApiKeyAuthenticationHandler.ProducerOf(user) });
            return result.Conflict is { } conflict ? Problem.Conflict(conflict, "traits") : TypedResults.Ok(TraitsResponse.From(id, result));
        }
    }

    /// <summary>
    /// <c>{"consent": {"purpose": true|false, ...}, "source": "..."}</c>: sets consent flags, each recorded with its time,
    /// the producer and the source.
    /// </summary>
    internal static async Task<Results<Ok<TraitsResponse>, ProblemHttpResult>> SetConsent(string id, HttpRequest request, ClaimsPrincipal user, CustomerGrains customers)
    {
        if (!CustomerKeys.IsValidKey(id)) return Problem.BadRequest($"The customer id must be {CustomerKeys.Rule}.", "id");
        var (body, problem) = await JsonBody.ReadAsync(request, MaxTraitBodyBytes);
        if (body is null) return problem!;
        using (body)
        {
            var root = body.Root;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("consent", out var consent) || consent.ValueKind != JsonValueKind.Object)
                return Problem.BadRequest("Send {\"consent\": {\"purpose\": true|false}, \"source\": \"...\"}.", "consent");
            if (!TryReadSource(root, out var source, out var sourceProblem)) return sourceProblem!;
            if (!TraitReader.TryRead(EmptyObject, consent, out var patch, out var error)) return Problem.BadRequest($"{error}.", "consent");
            if (patch.Consent.Count == 0) return Problem.BadRequest("Send at least one consent purpose.", "consent");
            var result = await customers.Get(id).MergeTraits(patch with { By = ApiKeyAuthenticationHandler.ProducerOf(user), Source = source });
            return TypedResults.Ok(TraitsResponse.From(id, result));
        }
    }

    /// <summary>
    /// <c>{customerId, anonymousId?, identifiers?, traits?, consent?, source?}</c>: links the identifiers
    /// (<c>anonymousId</c> is <c>anon:{anonymousId}</c>; <c>identifiers</c> up to 20 <c>type:value</c>) to the customer,
    /// sets traits and consent, and merges the anonymous profile into the customer: all of it or nothing. An identifier
    /// or anonymous profile that belongs to another customer, or an erased customer, is a 409 and changes nothing.
    /// </summary>
    internal static async Task<Results<Ok<TraitsResponse>, ProblemHttpResult>> Identify(HttpRequest request, ClaimsPrincipal user, Identification identification)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, MaxTraitBodyBytes);
        if (body is null) return problem!;
        using (body)
        {
            var root = body.Root;
            if (root.ValueKind != JsonValueKind.Object) return Problem.BadRequest("The body must be a JSON object.");
            if (!root.TryGetProperty("customerId", out var customerId) || customerId.ValueKind != JsonValueKind.String
                || !CustomerKeys.IsValidId(customerId.GetString()))
                return Problem.BadRequest($"customerId is required: {CustomerKeys.Rule}.", "customerId");
            if (root.TryGetProperty("anonymousId", out var anonymousId) && anonymousId.ValueKind != JsonValueKind.Null
                && (anonymousId.ValueKind != JsonValueKind.String || !CustomerKeys.IsValidId(anonymousId.GetString())))
                return Problem.BadRequest($"anonymousId must be {CustomerKeys.Rule}.", "anonymousId");
            if (!TryReadIdentifiers(root, out var identifiers, out var identifiersProblem)) return identifiersProblem!;

            var traits = root.TryGetProperty("traits", out var traitsElement) && traitsElement.ValueKind != JsonValueKind.Null
                ? traitsElement
                : EmptyObject;
            JsonElement? consent = root.TryGetProperty("consent", out var consentElement) ? consentElement : null;
            if (!TraitReader.TryRead(traits, consent, out var patch, out var error)) return Problem.BadRequest($"{error}.");
            if (!TryReadSource(root, out var source, out var sourceProblem)) return sourceProblem!;

            var id = customerId.GetString()!;
            var anonymous = anonymousId.ValueKind == JsonValueKind.String ? new Identifier(Identifier.Anonymous, anonymousId.GetString()!) : null;
            var outcome = await identification.IdentifyAsync(id, anonymous, identifiers,
                patch with { By = ApiKeyAuthenticationHandler.ProducerOf(user), Source = source });
            return outcome.Response is { } response ? TypedResults.Ok(response) : Problem.Conflict(outcome.Conflict!, "identifiers");
        }
    }

    private const int MaxIdentifiers = 20;

    /// <summary>The optional <c>identifiers</c>: <c>["device:…", "account:…", "email:…"]</c>, normalized, each once.</summary>
    internal static bool TryReadIdentifiers(JsonElement root, out List<Identifier> identifiers, out ProblemHttpResult? problem)
    {
        (identifiers, problem) = ([], null);
        if (!root.TryGetProperty("identifiers", out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() > MaxIdentifiers)
        {
            problem = Problem.BadRequest($"identifiers is an array of at most {MaxIdentifiers} identifiers, each type:value (e.g. device:ab12, account:981).", "identifiers");
            return false;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                problem = Problem.BadRequest($"identifiers[{index}] must be a string, type:value.", "identifiers");
                return false;
            }

            if (!Identifier.TryParse(item.GetString()!, out var identifier, out var error))
            {
                problem = Problem.BadRequest($"identifiers[{index}]: {error}.", "identifiers");
                return false;
            }

            if (!identifiers.Contains(identifier)) identifiers.Add(identifier);
            index++;
        }

        return true;
    }

    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");

    /// <summary>The optional <c>source</c>: where the producer says the consent was given.</summary>
    private static bool TryReadSource(JsonElement root, out string? source, out ProblemHttpResult? problem)
    {
        (source, problem) = (null, null);
        if (!root.TryGetProperty("source", out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 and <= 128 } text && !text.Any(char.IsControl))
        {
            source = text;
            return true;
        }

        problem = Problem.BadRequest("source must be a string of 1 to 128 printable characters.", "source");
        return false;
    }
}

/// <summary>
/// The body of <c>POST /v1/identify</c>, for the API document only: the route reads it by hand, as it reads traits
/// (<see cref="TraitReader"/>), so that each refused trait is named in <c>rejected</c> while the others apply.
/// </summary>
public sealed record IdentifyRequest(
    string CustomerId, string? AnonymousId = null, string[]? Identifiers = null, Dictionary<string, JsonElement>? Traits = null,
    Dictionary<string, bool>? Consent = null, string? Source = null);

/// <summary>The body of <c>POST /v1/customers/{id}/consent</c>, for the API document only (read by hand as identify's is).</summary>
public sealed record ConsentRequest(Dictionary<string, bool> Consent, string? Source = null);
