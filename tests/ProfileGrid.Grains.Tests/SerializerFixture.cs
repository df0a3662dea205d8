using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace ProfileGrid.Grains.Tests;

/// <summary>Orleans' binary serializer, as grain storage uses it, for size and round-trip checks.</summary>
internal static class SerializerFixture
{
    public static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(ProfileGrid.Customers.CustomerState).Assembly).AddAssembly(typeof(ProfileGrid.Events.CustomerEvent).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    public static byte[] Serialize<T>(T value) => Serializer.SerializeToArray(value);

    public static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serialize(value))!;

    /// <summary>The codec of the customer journal, on this serializer.</summary>
    public static ProfileGrid.Customers.CustomerCodec Codec { get; } = new(Serializer);
}
