using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Security;

/// <summary>
/// Finds the configured key a request presents. Keys are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, against every key without stopping early, so neither
/// a key's length nor its position leaks through timing.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly (byte[] Digest, ApiKeyOptions Key)[] _keys;

    public ApiKeyStore(IOptions<ApiKeysOptions> options) =>
        _keys = [.. options.Value.ApiKeys.Select(key => (Digest(key.Key), key))];

    public ApiKeyOptions? Find(string presented)
    {
        var digest = Digest(presented);
        ApiKeyOptions? match = null;
        foreach (var (candidate, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, digest)) match = key;
        }

        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
