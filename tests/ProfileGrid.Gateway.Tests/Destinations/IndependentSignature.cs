using System.Security.Cryptography;
using System.Text;

namespace ProfileGrid.Gateway.Tests.Destinations;

/// <summary>
/// The Standard Webhooks scheme written again from the specification, for the tests only, sharing no code with the
/// signing: strip <c>whsec_</c>, base64-decode the rest as the HMAC key, MAC <c>msg_id.timestamp.body</c> with
/// SHA-256, compare to each <c>v1,</c> entry of the header.
/// </summary>
internal static class IndependentSignature
{
    public static string Expected(string secret, string id, string timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.Split('_', 2)[1]);
        var mac = new HMACSHA256(key).ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        return "v1," + Convert.ToBase64String(mac);
    }

    public static bool Verifies(string secret, string id, string timestamp, string body, string header) =>
        header.Split(' ').Contains(Expected(secret, id, timestamp, body), StringComparer.Ordinal);
}
