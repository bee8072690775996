using System.Text;
using System.Text.Json;
using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Jobs;

/// <summary>
/// summary.json's <c>consumed_groups</c>: column names, then one compact row per group on its own line, so a run of
/// ten thousand groups stays a file a person can scroll and grep (an indented object per group would be seven lines).
/// </summary>
public static class ConsumedGroupTable
{
    public const string Key = "consumed_groups";

    public static readonly string[] Columns = ["step", "version", "prompt_id", "oldest_token_version", "newest_token_version"];

    /// <summary>Adds the table as the last member of <paramref name="indentedObject"/> (JSON written with two-space indentation).</summary>
    public static string AppendTo(string indentedObject, IReadOnlyList<ConsumedGroup> groups)
    {
        var end = indentedObject.LastIndexOf('}');
        var text = new StringBuilder(indentedObject[..end].TrimEnd());
        text.Append($",\n  \"{Key}\": {{\n    \"columns\": {JsonSerializer.Serialize(Columns)},\n    \"rows\": [");
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            text.Append(i == 0 ? "\n      " : ",\n      ")
                .Append(JsonSerializer.Serialize(new object?[] { g.Step, g.Version, g.PromptId, g.OldestVersion, g.NewestVersion }));
        }
        text.Append(groups.Count == 0 ? "]\n  }\n}" : "\n    ]\n  }\n}");
        return text.ToString();
    }
}
