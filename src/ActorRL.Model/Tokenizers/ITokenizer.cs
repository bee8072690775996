namespace ActorRL.Model.Tokenizers;

/// <summary>
/// Maps text to token ids and back. Encoding never adds special tokens: callers decide where BOS/EOS go,
/// because prompts, demonstrations and responses each need something different.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of ids the model's embedding and output layer must cover.</summary>
    int VocabularySize { get; }

    /// <summary>Id used to fill padded positions (never attended to, never scored).</summary>
    int PadId { get; }

    /// <summary>End-of-sequence id: sampling stops after emitting it.</summary>
    int EosId { get; }

    /// <summary>Beginning-of-sequence id, when the vocabulary has one.</summary>
    int? BosId { get; }

    IReadOnlyList<int> Encode(string text);

    /// <summary>Text of a token sequence; special tokens decode to the empty string.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>
    /// Text of one token on its own (used for per-token texts in rollouts). For byte-level BPE a token may
    /// hold part of a multi-byte character; the whole sequence should then be decoded with <see cref="Decode"/>.
    /// </summary>
    string TokenText(int id);
}
