using System.CommandLine;
using System.Text.Json;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Cli.Commands;

/// <summary>
/// <c>actorrl model score DIR --ids 1,2,3</c>: log p(id_i | ids_&lt;i) for i ≥ 1 under the folder's model, computed by
/// the same scoring path the learner uses (padded vocabulary rows excluded), as one JSON array on the last line.
/// </summary>
public static class ModelScoreCommand
{
    public static Command Build(TextWriter output)
    {
        var folder = new Argument<string>("DIR") { Description = "A Hugging Face model folder (config.json, *.safetensors, tokenizer.json)" };
        var ids = new Option<string>("--ids") { Description = "Comma-separated token ids; the first is context only", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Compute dtype: float32 | float64 | bfloat16 | float16", DefaultValueFactory = _ => "float32" };
        var command = new Command("score", "Print log p(id_i | ids_<i) for i ≥ 1 as a JSON array (the learner's scoring path; padded vocabulary rows excluded)");
        command.Add(folder);
        command.Add(ids);
        command.Add(dtype);
        command.SetAction(parse =>
        {
            var tokens = ModelCommand.ParseIds(parse.GetValue(ids)!, "--ids");
            if (tokens.Count < 2) throw new UsageException("--ids needs at least two ids (the first is the context of the second)");
            var logProbs = Score(parse.GetValue(folder)!, tokens, ModelCommand.ParseDType(parse.GetValue(dtype)!, "--dtype"));
            output.WriteLine(JsonSerializer.Serialize(logProbs));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>log p(ids[i] | ids[..i]) for i = 1 … n − 1, widened to double.</summary>
    public static double[] Score(string directory, IReadOnlyList<int> ids, ScalarType dtype)
    {
        using var policy = HuggingFaceLoader.LoadPolicy(directory, ids.Count, dtype: dtype);
        foreach (var id in ids)
            if ((uint)id >= (uint)policy.Tokenizer.VocabularySize)
                throw new UsageException($"--ids holds {id}, which is not a token of {directory} (its tokenizer has ids 0 … {policy.Tokenizer.VocabularySize - 1})");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var result = policy.Score([new ScoringSequence([ids[0]], ids.Skip(1).ToList())], new ScoreOptions(ComputeEntropy: false));
        return result.LogProbs.to(ScalarType.Float64).data<double>().ToArray();
    }
}
