using System.CommandLine;
using System.Globalization;
using ActorRL.Model.Settings;
using static TorchSharp.torch;

namespace ActorRL.Cli.Commands;

/// <summary>
/// <c>actorrl model init|score|generate</c>: make, score and sample Hugging Face model folders directly, for users
/// checking a checkpoint and for tests that compare against an independent implementation.
/// </summary>
public static class ModelCommand
{
    public static Command Build(TextWriter output)
    {
        var command = new Command("model", "Hugging Face model folders: write a randomly initialised one, score token ids, generate text");
        command.Add(ModelInitCommand.Build(output));
        command.Add(ModelScoreCommand.Build(output));
        command.Add(ModelGenerateCommand.Build(output));
        return command;
    }

    /// <summary>"1,2,3" → [1, 2, 3]; anything else is a usage error naming the option.</summary>
    public static IReadOnlyList<int> ParseIds(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var ids = new List<int>(parts.Length);
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                throw new UsageException($"{option} takes comma-separated non-negative token ids, got '{part}'");
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>float32 | float64 | bfloat16 | float16 → the dtype; anything else is a usage error naming the option.</summary>
    public static ScalarType ParseDType(string text, string option) => text switch
    {
        "float32" => ScalarType.Float32,
        "float64" => ScalarType.Float64,
        "bfloat16" => ScalarType.BFloat16,
        "float16" => ScalarType.Float16,
        _ => throw new UsageException($"{option} must be float32, float64, bfloat16 or float16, got '{text}'"),
    };

    /// <summary>qwen2 | qwen3 | llama → the decoder family.</summary>
    public static Model.Decoder.DecoderFamily ParseFamily(string text) =>
        ModelSettings.FamilyOf(text) ?? throw new UsageException($"--architecture must be qwen2, qwen3 or llama, got '{text}'");
}
