namespace ProfileGrid.Cli;

/// <summary>What <c>import</c> was asked: the file, the gateway and key, the producer and the format.</summary>
public sealed record ImportArguments(string File, Uri Gateway, string ApiKey, string? Producer, string? Format)
{
    public static bool TryParse(string[] args, Func<string, string?> environment, out ImportArguments arguments, out string problem)
    {
        arguments = null!;
        problem = "";
        string? file = null, gateway = environment("PROFILEGRID_GATEWAY"), key = environment("PROFILEGRID_API_KEY"), producer = null, format = null;
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            if (!option.StartsWith("--", StringComparison.Ordinal))
            {
                if (file is not null)
                {
                    problem = $"one file at a time: '{file}' and '{option}' were given";
                    return false;
                }

                file = option;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                problem = $"{option} needs a value";
                return false;
            }

            var value = args[++i];
            switch (option)
            {
                case "--gateway": gateway = value; break;
                case "--api-key": key = value; break;
                case "--producer": producer = value; break;
                case "--format" when value is "ndjson" or "csv": format = value; break;
                case "--format":
                    problem = $"--format is ndjson or csv, not '{value}'";
                    return false;
                default:
                    problem = $"unknown option {option}";
                    return false;
            }
        }

        if (file is null) problem = "the file to import is required";
        else if (!System.IO.File.Exists(file)) problem = $"no file '{file}'";
        else if (string.IsNullOrWhiteSpace(key)) problem = "an admin API key is required: --api-key KEY or PROFILEGRID_API_KEY";
        else if (!Uri.TryCreate(gateway ?? CliProgram.DefaultGateway, UriKind.Absolute, out var gatewayUri)) problem = $"--gateway must be an absolute URL, not '{gateway}'";
        else arguments = new ImportArguments(file, gatewayUri, key, producer, format);
        return problem.Length == 0;
    }
}
