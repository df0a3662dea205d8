using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Security;

/// <summary>
/// Finds the configured key a request presents. Keys are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, against every key without stopping early, so neither
/// a key's length nor its position leaks through timing. Each key's identity is built once: requests share its
/// principal, which nothing changes after authentication. A connection remembers the key it last presented and
/// verified, so its later requests compare what they present with that key (fixed-time) instead of hashing it again.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>Presented keys up to this many UTF-8 bytes are hashed from the stack.</summary>
    private const int StackBytes = 256;

    private readonly (byte[] Digest, KnownApiKey Key)[] _keys;

    public ApiKeyStore(IOptions<ApiKeysOptions> options) =>
        _keys = [.. options.Value.ApiKeys.Select(key => (Digest(key.Key), new KnownApiKey(key, Principal(key))))];

    /// <summary>
    /// The key a request presents: while the request's connection presents the key it presented before, that key,
    /// compared in fixed time; otherwise <see cref="Find(string)"/>, remembered on the connection when it is a key.
    /// Only HTTP/1 connections remember (their requests come one after another; HTTP/2 and 3 interleave requests on
    /// a connection, whose items are not safe for concurrent use).
    /// </summary>
    public KnownApiKey? Find(string presented, HttpContext context)
    {
        var protocol = context.Request.Protocol;
        var connection = HttpProtocol.IsHttp11(protocol) || HttpProtocol.IsHttp10(protocol)
            ? context.Features.Get<IConnectionItemsFeature>()?.Items
            : null;
        if (connection is null) return Find(presented);
        if (connection.TryGetValue(VerifiedKey.Item, out var item) && item is VerifiedKey verified && verified.Matches(presented))
            return verified.Key;
        var key = Find(presented);
        if (key is not null) connection[VerifiedKey.Item] = new VerifiedKey(presented, key);
        return key;
    }

    public KnownApiKey? Find(string presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(presented, digest);
        KnownApiKey? match = null;
        foreach (var (candidate, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, digest)) match = key;
        }

        return match;
    }

    private static ClaimsPrincipal Principal(ApiKeyOptions key) =>
        new(AgentClaims.Identity(key.Name, AgentClaims.RoleName(key.Role), key.Scopes, ApiKeyAuthenticationHandler.SchemeName));

    private static byte[] Digest(string key)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        Digest(key, digest);
        return digest;
    }

    private static void Digest(string key, Span<byte> digest)
    {
        var length = Encoding.UTF8.GetByteCount(key);
        var rented = length > StackBytes ? ArrayPool<byte>.Shared.Rent(length) : null;
        var bytes = rented is null ? stackalloc byte[StackBytes] : rented;
        try
        {
            var written = Encoding.UTF8.GetBytes(key, bytes);
            SHA256.HashData(bytes[..written], digest);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}

/// <summary>The key a connection presented and what it was verified as.</summary>
internal sealed record VerifiedKey(string Presented, KnownApiKey Key)
{
    /// <summary>The connection item's key: this type, which nothing else can name.</summary>
    public static readonly object Item = typeof(VerifiedKey);

    // Equal lengths compare in fixed time; a length tells nothing the connection's own earlier request did not.
    public bool Matches(string presented) => CryptographicOperations.FixedTimeEquals(
        MemoryMarshal.AsBytes(Presented.AsSpan()), MemoryMarshal.AsBytes(presented.AsSpan()));
}

/// <summary>A configured key and the principal a request that presents it authenticates as.</summary>
public sealed record KnownApiKey(ApiKeyOptions Options, ClaimsPrincipal Principal);
