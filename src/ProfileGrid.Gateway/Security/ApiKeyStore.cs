using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Security;

/// <summary>
/// Finds the configured key a request presents. Keys are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, against every key without stopping early, so neither
/// a key's length nor its position leaks through timing. Each key's identity is built once: requests share its
/// principal, which nothing changes after authentication.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>Presented keys up to this many UTF-8 bytes are hashed from the stack.</summary>
    private const int StackBytes = 256;

    private readonly (byte[] Digest, KnownApiKey Key)[] _keys;

    public ApiKeyStore(IOptions<ApiKeysOptions> options) =>
        _keys = [.. options.Value.ApiKeys.Select(key => (Digest(key.Key), new KnownApiKey(key, Principal(key))))];

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

/// <summary>A configured key and the principal a request that presents it authenticates as.</summary>
public sealed record KnownApiKey(ApiKeyOptions Options, ClaimsPrincipal Principal);
