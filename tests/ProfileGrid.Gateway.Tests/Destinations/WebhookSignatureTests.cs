using System.Text;
using ProfileGrid.Destinations;

namespace ProfileGrid.Gateway.Tests.Destinations;

public sealed class WebhookSignatureTests
{
    // Published with the Standard Webhooks reference implementations (svix's test suites): secret, id, timestamp, body and signature.
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorBody = """{"test": 2432232314}""";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void The_signer_reproduces_the_published_test_vector() =>
        Assert.Equal(VectorSignature, WebhookSigner.Sign(VectorSecret, VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody)));

    [Fact]
    public void The_independent_implementation_reproduces_the_published_test_vector() =>
        Assert.Equal(VectorSignature, IndependentSignature.Expected(VectorSecret, VectorId, "1614265330", VectorBody));

    [Fact]
    public void Signatures_of_generated_secrets_verify_independently_and_differ_per_secret_id_and_timestamp()
    {
        var secret = WebhookSecret.Generate();
        var body = """{"specversion":"1.0","id":"msg_1","data":{"customerId":"c-1","note":"é ✓"}}""";
        var signature = WebhookSigner.Sign(secret, "msg_1", 1_800_000_000, Encoding.UTF8.GetBytes(body));
        Assert.True(IndependentSignature.Verifies(secret, "msg_1", "1800000000", body, signature));
        Assert.False(IndependentSignature.Verifies(WebhookSecret.Generate(), "msg_1", "1800000000", body, signature));
        Assert.False(IndependentSignature.Verifies(secret, "msg_2", "1800000000", body, signature));
        Assert.False(IndependentSignature.Verifies(secret, "msg_1", "1800000001", body, signature));
    }

    [Fact]
    public void Generated_secrets_are_whsec_and_32_random_bytes_and_are_masked_to_their_first_characters()
    {
        var secret = WebhookSecret.Generate();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.True(WebhookSecret.TryDecode(secret, out var key));
        Assert.Equal(32, key.Length);
        Assert.NotEqual(secret, WebhookSecret.Generate());
        Assert.Equal(secret[..10] + "…", WebhookSecret.Mask(secret));
        Assert.Null(DestinationRules.CheckSecret(secret));
        Assert.NotNull(DestinationRules.CheckSecret("whsec_c2hvcnQ="));
        Assert.NotNull(DestinationRules.CheckSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }

    [Theory]
    [InlineData("https://hooks.example.com/profilegrid", true)]
    [InlineData("http://localhost:5099/hooks/a", true)]
    [InlineData("http://127.0.0.1:5099/hooks/a", true)]
    [InlineData("http://[::1]:5099/hooks/a", true)]
    [InlineData("http://hooks.example.com/profilegrid", false)]
    [InlineData("http://10.0.0.5/hook", false)]
    [InlineData("ftp://hooks.example.com/", false)]
    [InlineData("https://user:pw@hooks.example.com/", false)]
    [InlineData("/relative", false)]
    public void Urls_are_https_or_plain_http_to_a_loopback_host(string url, bool valid) =>
        Assert.Equal(valid, DestinationRules.CheckUrl(url) is null);
}
