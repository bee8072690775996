namespace ActorRL.Model.Tokenizers;

/// <summary>
/// One token per character of a fixed alphabet, for the built-in tasks where a small vocabulary keeps the
/// model tiny and fast. Ids 0..2 are PAD, BOS and EOS; the alphabet's characters follow in order, so the
/// same alphabet string always yields the same ids (checkpoints stay loadable).
/// </summary>
public sealed class CharTokenizer : ITokenizer
{
    public const int Pad = 0;
    public const int Bos = 1;
    public const int Eos = 2;
    private const int FirstCharacterId = 3;

    private readonly Dictionary<char, int> _ids = new();
    private readonly string[] _texts;

    public CharTokenizer(string alphabet)
    {
        ArgumentNullException.ThrowIfNull(alphabet);
        if (alphabet.Length == 0)
            throw new ArgumentException("the character alphabet is empty", nameof(alphabet));
        foreach (var c in alphabet)
        {
            if (char.IsSurrogate(c))
                throw new ArgumentException($"the character alphabet may not contain surrogate halves (U+{(int)c:X4}); use the BPE tokenizer for such text", nameof(alphabet));
            if (!_ids.TryAdd(c, FirstCharacterId + _ids.Count))
                throw new ArgumentException($"the character alphabet lists '{Printable(c)}' twice", nameof(alphabet));
        }
        Alphabet = alphabet;
        _texts = new string[FirstCharacterId + alphabet.Length];
        _texts[Pad] = _texts[Bos] = _texts[Eos] = "";
        foreach (var (c, id) in _ids) _texts[id] = c.ToString();
    }

    public string Alphabet { get; }
    public int VocabularySize => _texts.Length;
    public int PadId => Pad;
    public int EosId => Eos;
    public int? BosId => Bos;

    public IReadOnlyList<int> Encode(string text)
    {
        var ids = new int[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (!_ids.TryGetValue(text[i], out ids[i]))
                throw new ArgumentException(
                    $"character '{Printable(text[i])}' at offset {i} is not in the tokenizer's alphabet \"{Alphabet}\"", nameof(text));
        }
        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var id in ids) sb.Append(TokenText(id));
        return sb.ToString();
    }

    public string TokenText(int id) =>
        (uint)id < (uint)_texts.Length
            ? _texts[id]
            : throw new ArgumentOutOfRangeException(nameof(id), $"token id {id} is outside the vocabulary (size {_texts.Length})");

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
