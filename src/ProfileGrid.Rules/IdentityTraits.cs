namespace ProfileGrid.Rules;

/// <summary>
/// The traits that say who a customer is (name, email, phone, addresses, account ids...): personal data, which agents
/// see only with the <c>pii</c> scope. The one list: the gateway groups and masks traits by it, and a rule's reasons
/// mark a value of one of these as personal.
/// </summary>
public static class IdentityTraits
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "name", "firstName", "lastName", "email", "phone", "mobile", "address", "addresses", "accountIds",
        "username", "birthday", "userId", "avatar", "company",
    };

    /// <summary>Whether the trait (named in any case) is an identity trait.</summary>
    public static bool Contains(string name) => Names.Contains(name);
}
