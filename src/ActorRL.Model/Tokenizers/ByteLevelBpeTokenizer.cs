using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace ActorRL.Model.Tokenizers;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> with a byte-level BPE model (GPT-2, Qwen2, Llama 3 style), run by
/// Microsoft.ML.Tokenizers. Microsoft.ML.Tokenizers has no loader for this file, so we read it ourselves and build
/// the equivalent <see cref="BpeTokenizer"/>: vocabulary, merges (either "a b" strings or ["a", "b"] pairs), added
/// tokens (matched whole, before pre-tokenization), the normalizer (none or Unicode NFC/NFD/NFKC/NFKD) and the
/// pre-tokenizer (ByteLevel with GPT-2's regex, or a Split regex followed by ByteLevel as in Qwen2). Anything else
/// is rejected with an error naming the file and the unsupported part, never approximated.
/// EOS/PAD/BOS come from <c>tokenizer_config.json</c> next to the file when present.
/// </summary>
public sealed class ByteLevelBpeTokenizer : ITokenizer
{
    /// <summary>GPT-2's pre-tokenization regex (what ByteLevel's use_regex = true means).</summary>
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _bpe;
    private readonly HashSet<int> _specialIds;
    private readonly Dictionary<int, string> _addedText;

    private ByteLevelBpeTokenizer(BpeTokenizer bpe, int vocabularySize, HashSet<int> specialIds, Dictionary<int, string> addedText, int eos, int pad, int? bos)
    {
        _bpe = bpe;
        VocabularySize = vocabularySize;
        _specialIds = specialIds;
        _addedText = addedText;
        EosId = eos;
        PadId = pad;
        BosId = bos;
    }

    public int VocabularySize { get; }
    public int PadId { get; }
    public int EosId { get; }
    public int? BosId { get; }

    /// <summary>The id of <paramref name="token"/> (a vocabulary entry or an added token), or null.</summary>
    public int? IdOf(string token) =>
        _bpe.SpecialTokens?.TryGetValue(token, out var special) == true ? special
        : _bpe.Vocabulary.TryGetValue(token, out var id) ? id
        : null;

    public IReadOnlyList<int> Encode(string text) => _bpe.EncodeToIds(text);

    /// <summary>
    /// Special tokens decode to nothing; added tokens that are not special (Qwen3's &lt;think&gt; and &lt;/think&gt;)
    /// decode to their text, as Hugging Face's decode(skip_special_tokens=True) does, so a verifier sees them.
    /// Runs of ordinary ids between them are decoded together (a multi-byte character may span tokens).
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        var run = new List<int>();
        foreach (var id in ids)
        {
            if (_addedText.TryGetValue(id, out var added))
            {
                Flush();
                if (!_specialIds.Contains(id)) text.Append(added);
            }
            else run.Add(id);
        }
        Flush();
        return text.ToString();

        void Flush()
        {
            if (run.Count == 0) return;
            text.Append(_bpe.Decode(run, considerSpecialTokens: false));
            run.Clear();
        }
    }

    public string TokenText(int id) =>
        (uint)id < (uint)VocabularySize
            ? Decode([id])
            : throw new ArgumentOutOfRangeException(nameof(id), $"token id {id} is outside the vocabulary (size {VocabularySize})");

    /// <param name="path">tokenizer.json.</param>
    /// <param name="eosToken">EOS token text; null = tokenizer_config.json's eos_token, else &lt;|endoftext|&gt; or &lt;/s&gt;.</param>
    public static ByteLevelBpeTokenizer Load(string path, string? eosToken = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer file not found: {path}", path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw Bad(path, $"not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                throw Bad(path, "no \"model\" object");
            var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != "BPE") throw Bad(path, $"model type is '{type}', only BPE is supported");
            if (model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True)
                throw Bad(path, "byte_fallback BPE (SentencePiece-style) is not supported; byte-level BPE is");

            var vocabulary = ReadVocabulary(path, model);
            var merges = ReadMerges(path, model);
            var (added, specialIds) = ReadAddedTokens(path, root);
            var normalizer = ReadNormalizer(path, root);
            var pattern = ReadPreTokenizerPattern(path, root);

            var options = new BpeOptions(vocabulary)
            {
                Merges = merges,
                SpecialTokens = added,
                ByteLevel = true,
                PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), added),
                Normalizer = normalizer,
            };
            if (model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String) options.UnknownToken = unk.GetString();
            var bpe = BpeTokenizer.Create(options);

            var size = Math.Max(vocabulary.Max(kv => kv.Value), added.Count == 0 ? -1 : added.Values.Max()) + 1;
            var config = ReadTokenizerConfig(path);
            var eosText = eosToken ?? config.GetValueOrDefault("eos_token")
                ?? new[] { "<|endoftext|>", "</s>" }.FirstOrDefault(added.ContainsKey)
                ?? throw Bad(path, "cannot tell which token is EOS: no tokenizer_config.json eos_token and no <|endoftext|> or </s>; pass it explicitly");
            var eos = Resolve(eosText, "EOS");
            var pad = config.TryGetValue("pad_token", out var padText) ? Resolve(padText, "PAD") : eos;
            int? bos = config.TryGetValue("bos_token", out var bosText) ? Resolve(bosText, "BOS") : null;
            return new ByteLevelBpeTokenizer(bpe, size, specialIds, added.ToDictionary(kv => kv.Value, kv => kv.Key), eos, pad, bos);

            int Resolve(string token, string role) =>
                added.TryGetValue(token, out var id) ? id
                : vocabulary.FirstOrDefault(kv => kv.Key == token) is { Key: not null } entry ? entry.Value
                : throw Bad(path, $"{role} token '{token}' is not in the vocabulary or added tokens");
        }
    }

    private static List<KeyValuePair<string, int>> ReadVocabulary(string path, JsonElement model)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw Bad(path, "model has no \"vocab\" object");
        var entries = vocab.EnumerateObject()
            .Select(p => p.Value.TryGetInt32(out var id) && id >= 0
                ? new KeyValuePair<string, int>(p.Name, id)
                : throw Bad(path, $"vocab entry '{p.Name}' has no non-negative integer id"))
            .ToList();
        if (entries.Count == 0) throw Bad(path, "the vocabulary is empty");
        return entries;
    }

    private static List<string> ReadMerges(string path, JsonElement model)
    {
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind != JsonValueKind.Array)
            throw Bad(path, "model has no \"merges\" array");
        return merges.EnumerateArray().Select((m, i) => m.ValueKind switch
        {
            JsonValueKind.String => m.GetString()!,
            JsonValueKind.Array when m.GetArrayLength() == 2 => $"{m[0].GetString()} {m[1].GetString()}",
            _ => throw Bad(path, $"merge {i} is neither \"a b\" nor [\"a\", \"b\"]"),
        }).ToList();
    }

    private static (Dictionary<string, int> Added, HashSet<int> SpecialIds) ReadAddedTokens(string path, JsonElement root)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new HashSet<int>();
        if (!root.TryGetProperty("added_tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Array) return (added, special);
        foreach (var token in tokens.EnumerateArray())
        {
            var content = token.TryGetProperty("content", out var c) ? c.GetString() : null;
            if (string.IsNullOrEmpty(content) || !token.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out var id))
                throw Bad(path, "an added token lacks content or an integer id");
            // Every added token is matched whole, as Hugging Face does; only "special" ones decode to nothing.
            added[content] = id;
            if (token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True) special.Add(id);
        }
        return (added, special);
    }

    private static Normalizer? ReadNormalizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null) return null;
        var forms = new List<NormalizationForm>();
        Collect(normalizer);
        return forms.Count == 0 ? null : new UnicodeNormalizer(forms);

        void Collect(JsonElement n)
        {
            var type = n.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "NFC": forms.Add(NormalizationForm.FormC); break;
                case "NFD": forms.Add(NormalizationForm.FormD); break;
                case "NFKC": forms.Add(NormalizationForm.FormKC); break;
                case "NFKD": forms.Add(NormalizationForm.FormKD); break;
                case "Sequence":
                    foreach (var inner in n.GetProperty("normalizers").EnumerateArray()) Collect(inner);
                    break;
                default:
                    throw Bad(path, $"normalizer '{type}' is not supported (supported: NFC, NFD, NFKC, NFKD, Sequence of those)");
            }
        }
    }

    /// <summary>The regex that splits text into words before BPE, from ByteLevel(use_regex) or Sequence[Split, ByteLevel].</summary>
    private static string ReadPreTokenizerPattern(string path, JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
            throw Bad(path, "no pre_tokenizer; a byte-level BPE tokenizer needs a ByteLevel pre-tokenizer");
        var steps = Type(pre) == "Sequence" ? pre.GetProperty("pretokenizers").EnumerateArray().ToList() : [pre];
        string? pattern = null;
        var sawByteLevel = false;
        foreach (var step in steps)
        {
            switch (Type(step))
            {
                case "Split":
                    if (pattern is not null) throw Bad(path, "more than one Split pre-tokenizer is not supported");
                    if (!step.TryGetProperty("pattern", out var p) || !p.TryGetProperty("Regex", out var regex))
                        throw Bad(path, "Split pre-tokenizer without a Regex pattern is not supported");
                    var behavior = step.TryGetProperty("behavior", out var b) ? b.GetString() : null;
                    if (behavior != "Isolated" || (step.TryGetProperty("invert", out var inv) && inv.ValueKind == JsonValueKind.True))
                        throw Bad(path, $"Split pre-tokenizer behaviour '{behavior}' (or invert) is not supported; only Isolated");
                    pattern = regex.GetString();
                    break;
                case "ByteLevel":
                    sawByteLevel = true;
                    if (step.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
                        throw Bad(path, "ByteLevel add_prefix_space = true is not supported");
                    var useRegex = !step.TryGetProperty("use_regex", out var u) || u.ValueKind != JsonValueKind.False;
                    if (useRegex)
                    {
                        if (pattern is not null) throw Bad(path, "a Split regex followed by ByteLevel(use_regex = true) is not supported");
                        pattern = Gpt2Pattern;
                    }
                    break;
                default:
                    throw Bad(path, $"pre-tokenizer '{Type(step)}' is not supported (supported: ByteLevel, Sequence[Split, ByteLevel])");
            }
        }
        if (!sawByteLevel) throw Bad(path, "the pre-tokenizer has no ByteLevel step, so this is not a byte-level BPE tokenizer");
        return pattern ?? throw Bad(path, "the pre-tokenizer defines no splitting regex");

        static string? Type(JsonElement e) => e.TryGetProperty("type", out var t) ? t.GetString() : null;
    }

    private static Dictionary<string, string> ReadTokenizerConfig(string tokenizerPath)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tokenizerPath))!, "tokenizer_config.json");
        if (!File.Exists(configPath)) return result;
        using var config = JsonDocument.Parse(File.ReadAllBytes(configPath));
        foreach (var key in new[] { "eos_token", "pad_token", "bos_token" })
        {
            if (!config.RootElement.TryGetProperty(key, out var value)) continue;
            // Either "text" or {"content": "text", ...} (older transformers versions).
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Object when value.TryGetProperty("content", out var c) => c.GetString(),
                _ => null,
            };
            if (text is not null) result[key] = text;
        }
        return result;
    }

    private static InvalidDataException Bad(string path, string problem) => new($"{path}: unsupported or invalid tokenizer.json: {problem}");

    /// <summary>Unicode normalisation forms applied in order (HF's NFC/NFD/NFKC/NFKD normalizers).</summary>
    private sealed class UnicodeNormalizer(IReadOnlyList<NormalizationForm> forms) : Normalizer
    {
        public override string Normalize(string original)
        {
            foreach (var form in forms) original = original.Normalize(form);
            return original;
        }

        public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
    }
}
