using System.Runtime.InteropServices;
using System.Text.Json;
using ProfileGrid.Customers;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>Reads trait and consent objects into a <see cref="TraitPatch"/>, or says which rule one breaks.</summary>
internal static class TraitReader
{
    public const int MaxTraits = 100;
    public const int MaxNameLength = 64;
    public const int MaxValueBytes = 4 * 1024;

    public static bool TryRead(JsonElement traits, JsonElement? consent, out TraitPatch patch, out string error)
    {
        patch = new TraitPatch(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        if (traits.ValueKind != JsonValueKind.Object) return Fail("traits must be a JSON object", out error);
        foreach (var trait in traits.EnumerateObject())
        {
            if (patch.Traits.Count == MaxTraits) return Fail($"at most {MaxTraits} traits can be set at once", out error);
            if (!IsValidName(trait.Name)) return Fail($"trait names must be 1 to {MaxNameLength} printable characters", out error);
            if (JsonMarshal.GetRawUtf8Value(trait.Value).Length > MaxValueBytes)
                return Fail($"trait '{trait.Name}' must be at most {MaxValueBytes} bytes of JSON", out error);
            patch.Traits[trait.Name] = trait.Value.ValueKind == JsonValueKind.Null ? null : trait.Value.GetRawText();
        }

        if (consent is { ValueKind: not JsonValueKind.Null } flags)
        {
            if (flags.ValueKind != JsonValueKind.Object) return Fail("consent must be an object of true/false flags", out error);
            foreach (var flag in flags.EnumerateObject())
            {
                if (!IsValidName(flag.Name) || flag.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return Fail($"consent '{flag.Name}' must be true or false, named by 1 to {MaxNameLength} printable characters", out error);
                patch.Consent[flag.Name] = flag.Value.GetBoolean();
            }
        }

        error = "";
        return true;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length is 0 or > MaxNameLength) return false;
        foreach (var c in name)
        {
            if (char.IsControl(c)) return false;
        }

        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
