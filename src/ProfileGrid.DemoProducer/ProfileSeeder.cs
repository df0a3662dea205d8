namespace ProfileGrid.DemoProducer;

/// <summary>Gives every customer a profile first: identity traits and email consent through identify, plan and city as traits.</summary>
internal sealed class ProfileSeeder(GatewayClient gateway)
{
    private const int Parallelism = 8;

    public async Task SeedAsync(IReadOnlyList<SyntheticCustomer> customers, CancellationToken cancellationToken)
    {
        var failed = 0;
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (customer, ct) =>
            {
                var identified = await gateway.IdentifyAsync(new
                {
                    customerId = customer.Id,
                    traits = new { name = customer.Name, email = customer.Email },
                    consent = new { email = customer.EmailConsent },
                }, ct);
                var patched = await gateway.PatchTraitsAsync(customer.Id, new { plan = customer.Plan, city = customer.City }, ct);
                if (!identified || !patched) Interlocked.Increment(ref failed);
            });
        Console.WriteLine(failed == 0
            ? $"Profiles of {customers.Count} customers set (identify + traits)."
            : $"Profiles set for {customers.Count - failed} of {customers.Count} customers; see the errors above.");
    }
}
