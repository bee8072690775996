using ActorRL.Model.Benchmarks;

// Usage: ActorRL.Bench.Model [--quick] [--threads N] [--skip-peer] [--python PATH] [--peer-script PATH]
var options = args.Contains("--quick") ? ModelBenchmarkOptions.Quick : new ModelBenchmarkOptions();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            break;
        case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out var threads) && threads > 0:
            options = options with { Threads = threads };
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
            Console.Error.WriteLine("usage: ActorRL.Bench.Model [--quick] [--threads N] [--skip-peer] [--python PATH] [--peer-script PATH]");
            return 2;
    }
}
return await ModelBenchmark.RunAsync(Console.Out, options);
