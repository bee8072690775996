using ActorRL.Benchmarks.Model;

// Usage: ActorRL.Bench.Model [--quick] [--arch tinygpt,qwen3] [--threads N] [--lengths 32,128,512 --recompute-reps 3,2,1]
//                            [--cache-reps N] [--learner-steps N] [--skip-peer] [--python PATH] [--peer-script PATH]
var options = args.Contains("--quick") ? ModelBenchmarkOptions.Quick : new ModelBenchmarkOptions();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            break;
        case "--arch" when i + 1 < args.Length && Architectures(args[i + 1]) is { } architectures:
            options = options with { Architectures = architectures };
            i++;
            break;
        case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out var threads) && threads > 0:
            options = options with { Threads = threads };
            i++;
            break;
        case "--lengths" when i + 1 < args.Length:
            options = options with { ResponseLengths = Ints(args[++i]) };
            break;
        case "--recompute-reps" when i + 1 < args.Length:
            options = options with { RecomputeRepetitions = Ints(args[++i]) };
            break;
        case "--cache-reps" when i + 1 < args.Length && int.TryParse(args[i + 1], out var reps) && reps > 0:
            options = options with { CacheRepetitions = reps };
            i++;
            break;
        case "--learner-steps" when i + 1 < args.Length && int.TryParse(args[i + 1], out var steps) && steps > 0:
            options = options with { LearnerSteps = steps };
            i++;
            break;
        case "--skip-peer":
            options = options with { SkipPeer = true };
            break;
        case "--python" when i + 1 < args.Length:
            options = options with { Python = args[++i] };
            break;
        case "--peer-script" when i + 1 < args.Length:
            options = options with { PeerScript = args[++i] };
            break;
        default:
            Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'");
            Console.Error.WriteLine("usage: ActorRL.Bench.Model [--quick] [--arch tinygpt,qwen3] [--threads N] [--lengths A,B,.. --recompute-reps a,b,..] " +
                                    "[--cache-reps N] [--learner-steps N] [--skip-peer] [--python PATH] [--peer-script PATH]");
            return 2;
    }
}
if (options.Lengths.Count != options.RecomputeRuns.Count)
{
    Console.Error.WriteLine("--lengths and --recompute-reps need the same number of entries");
    return 2;
}
return await ModelBenchmark.RunAsync(Console.Out, options);

static int[] Ints(string list) => list.Split(',').Select(int.Parse).ToArray();

// "tinygpt,qwen3" (any case, any order, each once); null when a name is no benchmark architecture.
static ModelBenchmarkArchitecture[]? Architectures(string list)
{
    var names = list.Split(',');
    var parsed = names.Select(n => Enum.TryParse<ModelBenchmarkArchitecture>(n, ignoreCase: true, out var a) && Enum.IsDefined(a) ? a : (ModelBenchmarkArchitecture?)null).ToArray();
    return parsed.All(a => a is not null) && parsed.Distinct().Count() == parsed.Length ? parsed.Select(a => a!.Value).ToArray() : null;
}
