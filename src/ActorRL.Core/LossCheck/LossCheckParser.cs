using System.Text.Json;
using ActorRL.Core.Algorithms;
using ActorRL.Core.Configuration;

namespace ActorRL.Core.LossCheck;

/// <summary>
/// Parses one <c>loss-check</c> JSONL line. The <c>algorithm</c> object goes through the same HOCON path as a
/// pipeline file (JSON is HOCON), so it gets the same defaults, presets, unknown-key rejection and validation.
/// Unknown fields are rejected so a misspelt field name never silently falls back to a default.
/// </summary>
public static class LossCheckParser
{
    private static readonly string[] LineFields = { "id", "algorithm", "responses" };
    private static readonly string[] ResponseFields =
    {
        "group", "reward", "tokens", "old_logprobs", "new_logprobs", "entropies", "proximal_logprobs", "reference_logprobs",
    };

    /// <summary>The id of a line if it has a string one, for error lines about malformed input.</summary>
    public static string? TryReadId(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    /// <summary>Builds a case from a parsed line; <see cref="InvalidDataException"/> names what is wrong.</summary>
    public static LossCheckCase Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("a line must be a JSON object");
        RejectUnknown(root, LineFields, "");
        var id = Required(root, "id", "").ValueKind == JsonValueKind.String
            ? root.GetProperty("id").GetString()!
            : throw new InvalidDataException("\"id\" must be a string");
        var algorithm = Required(root, "algorithm", "");
        if (algorithm.ValueKind != JsonValueKind.Object) throw new InvalidDataException("\"algorithm\" must be an object");
        var responsesElement = Required(root, "responses", "");
        if (responsesElement.ValueKind != JsonValueKind.Array || responsesElement.GetArrayLength() == 0)
            throw new InvalidDataException("\"responses\" must be a non-empty array");
        var responses = responsesElement.EnumerateArray().Select((r, i) => ParseResponse(r, $"responses[{i}]")).ToList();
        return new LossCheckCase(id, ParseAlgorithm(algorithm), responses);
    }

    /// <summary>The algorithm object read as <c>actorrl.algorithm</c> on top of reference.conf.</summary>
    public static AlgorithmSettings ParseAlgorithm(JsonElement algorithm)
    {
        try
        {
            var config = PipelineConfig.FromText("actorrl.algorithm " + algorithm.GetRawText(), "algorithm");
            return AlgorithmSettings.FromConfig(config.Reader("actorrl.algorithm"));
        }
        catch (SettingsException e)
        {
            // The whole object sits on one line: report the key and the problem, not a meaningless line number.
            var key = e.Key.StartsWith("actorrl.", StringComparison.Ordinal) ? e.Key["actorrl.".Length..] : e.Key;
            throw new InvalidDataException(key.Length == 0 ? $"algorithm: {e.Problem}" : $"{key}: {e.Problem}");
        }
    }

    private static LossCheckResponse ParseResponse(JsonElement r, string at)
    {
        if (r.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{at} must be an object");
        RejectUnknown(r, ResponseFields, at + ".");
        var group = Required(r, "group", at);
        if (group.ValueKind != JsonValueKind.Number || !group.TryGetInt64(out var groupId))
            throw new InvalidDataException($"{at}.group must be an integer");
        var tokensElement = Required(r, "tokens", at);
        if (tokensElement.ValueKind != JsonValueKind.Array || tokensElement.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            throw new InvalidDataException($"{at}.tokens must be an array of strings");
        var tokens = tokensElement.EnumerateArray().Select(x => x.GetString()!).ToList();
        if (tokens.Count == 0) throw new InvalidDataException($"{at}.tokens is empty; a zero-token response has no loss");
        var entropies = Numbers(r, "entropies", at, tokens.Count, optional: true);
        if (entropies is not null && entropies.Any(h => h < 0))
            throw new InvalidDataException($"{at}.entropies must be ≥ 0 (token entropies)");
        return new LossCheckResponse(
            groupId,
            Number(Required(r, "reward", at), $"{at}.reward"),
            tokens,
            Numbers(r, "old_logprobs", at, tokens.Count, optional: false)!,
            Numbers(r, "new_logprobs", at, tokens.Count, optional: false)!,
            entropies,
            Numbers(r, "proximal_logprobs", at, tokens.Count, optional: true),
            Numbers(r, "reference_logprobs", at, tokens.Count, optional: true));
    }

    private static double[]? Numbers(JsonElement r, string name, string at, int count, bool optional)
    {
        if (!r.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            return optional ? null : throw new InvalidDataException($"{at}.{name} is missing");
        if (element.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{at}.{name} must be an array of numbers");
        var values = element.EnumerateArray().Select((x, i) => Number(x, $"{at}.{name}[{i}]")).ToArray();
        if (values.Length != count)
            throw new InvalidDataException($"{at}.{name} has {values.Length} values for {count} tokens");
        return values;
    }

    private static double Number(JsonElement x, string at) =>
        x.ValueKind == JsonValueKind.Number && x.TryGetDouble(out var v) && double.IsFinite(v)
            ? v
            : throw new InvalidDataException($"{at} must be a finite number, got {x.GetRawText()}");

    private static JsonElement Required(JsonElement obj, string name, string at) =>
        obj.TryGetProperty(name, out var value)
            ? value
            : throw new InvalidDataException(at.Length == 0 ? $"\"{name}\" is missing" : $"{at}.{name} is missing");

    private static void RejectUnknown(JsonElement obj, string[] known, string prefix)
    {
        foreach (var property in obj.EnumerateObject())
            if (Array.IndexOf(known, property.Name) < 0)
                throw new InvalidDataException($"unknown field {prefix}{property.Name}; expected {string.Join(", ", known)}");
    }
}
