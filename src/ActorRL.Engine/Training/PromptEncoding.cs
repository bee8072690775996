using ActorRL.Model;
using ActorRL.Model.Settings;
using ActorRL.Model.Tokenizers;

namespace ActorRL.Engine.Training;

/// <summary>
/// How task text becomes tokens, in one place so generation, warm start, scoring and evaluation agree: a prompt
/// is formatted (a chat template for instruction-tuned models, the raw text otherwise), then BOS (when the
/// vocabulary has one) and its tokens; a supervised target ends with the end of turn (chat) or EOS.
/// </summary>
/// <param name="endOfTurn">
/// The id that closes a reply when prompts are chats (&lt;|im_end|&gt;); demonstrations end with it and sampling stops
/// at it. Null: EOS closes a reply.
/// </param>
public sealed class PromptEncoding(ITokenizer tokenizer, Func<string, string>? format = null, int? endOfTurn = null)
{
    private readonly Func<string, string> _format = format ?? (text => text);
    private readonly int _endOfReply = endOfTurn ?? tokenizer.EosId;

    /// <summary>The tokenizer under the encoding (the learner decodes generators' token ids with it).</summary>
    public ITokenizer Tokenizer => tokenizer;

    /// <summary>The encoding the model settings call for: the folder's chat template and end of turn, or raw text and EOS.</summary>
    public static PromptEncoding For(ModelSettings settings, ITokenizer tokenizer)
    {
        int? endOfTurn = null;
        if (PolicyFactory.EndOfTurnToken(settings) is { } token)
        {
            var ids = tokenizer.Encode(token);
            if (ids.Count != 1)
                throw new ArgumentException($"the chat template closes turns with {token}, which the tokenizer does not encode as one token");
            endOfTurn = ids[0];
        }
        return new PromptEncoding(tokenizer, PolicyFactory.CreatePromptFormatter(settings), endOfTurn);
    }

    public IReadOnlyList<int> Prompt(string text)
    {
        var ids = new List<int>();
        if (tokenizer.BosId is { } bos) ids.Add(bos);
        ids.AddRange(tokenizer.Encode(_format(text)));
        return ids;
    }

    public IReadOnlyList<int> Target(string text) => new List<int>(tokenizer.Encode(text)) { _endOfReply };

    /// <summary>Ids that end a sampled reply besides the tokenizer's EOS (the end of turn when it differs); null when none.</summary>
    public IReadOnlyList<int>? StopTokenIds => _endOfReply == tokenizer.EosId ? null : [_endOfReply];
}
