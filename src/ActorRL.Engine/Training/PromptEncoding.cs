using ActorRL.Model.Tokenizers;

namespace ActorRL.Engine.Training;

/// <summary>
/// How task text becomes tokens, in one place so generation, warm start and scoring agree: a prompt is BOS
/// (when the vocabulary has one) followed by its text; a supervised target ends with EOS.
/// </summary>
public static class PromptEncoding
{
    public static IReadOnlyList<int> Prompt(ITokenizer tokenizer, string text)
    {
        var ids = new List<int>();
        if (tokenizer.BosId is { } bos) ids.Add(bos);
        ids.AddRange(tokenizer.Encode(text));
        return ids;
    }

    public static IReadOnlyList<int> Target(ITokenizer tokenizer, string text)
    {
        var ids = new List<int>(tokenizer.Encode(text)) { tokenizer.EosId };
        return ids;
    }
}
