namespace ProfileGrid.LoadGenerator;

/// <summary>
/// Draws customer indexes 0..n-1 with probability proportional to 1/(rank+1)^s: s = 0 is uniform, s ≈ 1 is the
/// usual "few customers do most of the traffic". The cumulative weights are computed once; a draw is a binary search.
/// </summary>
public sealed class ZipfSampler
{
    private readonly double[]? _cumulative;
    private readonly int _population;

    public ZipfSampler(int population, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(population, 1);
        _population = population;
        if (exponent == 0 || population == 1) return;
        _cumulative = new double[population];
        var sum = 0.0;
        for (var rank = 0; rank < population; rank++)
        {
            sum += 1.0 / Math.Pow(rank + 1, exponent);
            _cumulative[rank] = sum;
        }

        for (var rank = 0; rank < population; rank++) _cumulative[rank] /= sum;
    }

    public int Next(Random random)
    {
        if (_cumulative is null) return _population == 1 ? 0 : random.Next(_population);
        var index = Array.BinarySearch(_cumulative, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, _population - 1);
    }
}
