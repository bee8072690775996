using ActorRL.Model.Tokenizers;

namespace ActorRL.Engine.Training;

/// <summary>
/// How task text becomes tokens, in one place so generation, warm start, scoring and evaluation agree: a prompt
/// is formatted (a chat template for instruction-tuned models, the raw text otherwise), then BOS (when the
/// vocabulary has one) and its tokens; a supervised target ends with EOS.
/// </summary>
public sealed class PromptEncoding(ITokenizer tokenizer, Func<string, string>? format = null)
{
    private readonly Func<string, string> _format = format ?? (text => text);

    public IReadOnlyList<int> Prompt(string text)
    {
        var ids = new List<int>();
        if (tokenizer.BosId is { } bos) ids.Add(bos);
        ids.AddRange(tokenizer.Encode(_format(text)));
        return ids;
    }

    public IReadOnlyList<int> Target(string text) => new List<int>(tokenizer.Encode(text)) { tokenizer.EosId };
}
