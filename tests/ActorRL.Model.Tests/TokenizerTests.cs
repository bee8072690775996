using System.Text.Json;
using ActorRL.Model.Tokenizers;

namespace ActorRL.Model.Tests;

public sealed class CharTokenizerTests
{
    [Fact]
    public void Encodes_each_character_after_the_three_specials_and_decodes_back()
    {
        var tokenizer = new CharTokenizer("ab=\n");
        Assert.Equal(7, tokenizer.VocabularySize);
        Assert.Equal([3, 4, 5, 6, 3], tokenizer.Encode("ab=\na"));
        Assert.Equal("ab=\na", tokenizer.Decode([CharTokenizer.Bos, 3, 4, 5, 6, 3, CharTokenizer.Eos, CharTokenizer.Pad]));
        Assert.Equal("=", tokenizer.TokenText(5));
        Assert.Equal("", tokenizer.TokenText(tokenizer.EosId));
    }

    [Fact]
    public void Unknown_characters_and_bad_alphabets_are_reported()
    {
        var tokenizer = new CharTokenizer("0123456789");
        var unknown = Assert.Throws<ArgumentException>(() => tokenizer.Encode("12x"));
        Assert.Contains("character 'x' at offset 2", unknown.Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new CharTokenizer("abca")).Message);
        Assert.Throws<ArgumentException>(() => new CharTokenizer(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.TokenText(13));
    }
}

public sealed class ByteLevelBpeTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-bpe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>GPT-2's reversible byte → printable character map, which byte-level BPE vocabularies are written in.</summary>
    private static Dictionary<byte, char> BytesToUnicode()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var map = printable.ToDictionary(b => (byte)b, b => (char)b);
        var next = 0;
        for (var b = 0; b < 256; b++)
            if (!map.ContainsKey((byte)b)) map[(byte)b] = (char)(256 + next++);
        return map;
    }

    private static readonly string[] MergeList =
        ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d", "1 2"];

    /// <summary>Writes a small but real tokenizer.json: all 256 byte tokens, a few merges, three added tokens.</summary>
    private string Write(bool qwenStyle, bool pairMerges = false, string? normalizer = null, bool config = true)
    {
        var vocab = new Dictionary<string, int>();
        foreach (var (_, c) in BytesToUnicode().OrderBy(kv => kv.Key)) vocab[c.ToString()] = vocab.Count;
        foreach (var merge in MergeList) vocab[merge.Replace(" ", "")] = vocab.Count;
        var first = vocab.Count;
        object preTokenizer = qwenStyle
            ? new
            {
                type = "Sequence",
                pretokenizers = new object[]
                {
                    new { type = "Split", pattern = new { Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+" }, behavior = "Isolated", invert = false },
                    new { type = "ByteLevel", add_prefix_space = false, trim_offsets = false, use_regex = false },
                },
            }
            : new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = true };
        var json = new
        {
            version = "1.0",
            added_tokens = new object[]
            {
                new { id = first, content = "<|endoftext|>", special = true },
                new { id = first + 1, content = "<|im_start|>", special = true },
                new { id = first + 2, content = "<|im_end|>", special = true },
            },
            normalizer = normalizer is null ? null : new { type = normalizer },
            pre_tokenizer = preTokenizer,
            decoder = new { type = "ByteLevel" },
            model = new
            {
                type = "BPE",
                unk_token = (string?)null,
                byte_fallback = false,
                vocab,
                merges = pairMerges ? MergeList.Select(m => (object)m.Split(' ')).ToArray() : MergeList.Cast<object>().ToArray(),
            },
        };
        var path = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(path, JsonSerializer.Serialize(json));
        var configPath = Path.Combine(_dir, "tokenizer_config.json");
        if (config) File.WriteAllText(configPath, """{"eos_token": "<|im_end|>", "pad_token": {"content": "<|endoftext|>"}}""");
        else File.Delete(configPath);
        return path;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Applies_merges_and_keeps_added_tokens_whole(bool qwenStyle, bool pairMerges)
    {
        var tokenizer = ByteLevelBpeTokenizer.Load(Write(qwenStyle, pairMerges));
        var hello = tokenizer.IdOf("hello")!.Value;
        var world = tokenizer.IdOf("Ġworld")!.Value;
        var imEnd = tokenizer.IdOf("<|im_end|>")!.Value;
        Assert.Equal([hello, world], tokenizer.Encode("hello world"));
        Assert.Equal([hello, imEnd, hello], tokenizer.Encode("hello<|im_end|>hello"));
        Assert.Equal(256 + MergeList.Length + 3, tokenizer.VocabularySize);
        Assert.Equal(imEnd, tokenizer.EosId);
        Assert.Equal(tokenizer.IdOf("<|endoftext|>"), tokenizer.PadId);
        Assert.Equal(" world", tokenizer.TokenText(world));
        Assert.Equal("", tokenizer.TokenText(imEnd));
        Assert.Equal("hello world", tokenizer.Decode([hello, world, imEnd]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Any_unicode_text_round_trips_through_byte_tokens(bool qwenStyle)
    {
        var tokenizer = ByteLevelBpeTokenizer.Load(Write(qwenStyle));
        const string text = "héllo wörld ✓ 12+30 = 42\n\tdone — 数学 🎉";
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void Gpt2_regex_groups_digits_and_qwen_regex_splits_them()
    {
        var gpt2 = ByteLevelBpeTokenizer.Load(Write(qwenStyle: false));
        Assert.Equal([gpt2.IdOf("12")!.Value], gpt2.Encode("12"));
        var qwen = ByteLevelBpeTokenizer.Load(Write(qwenStyle: true));
        Assert.Equal([qwen.IdOf("1")!.Value, qwen.IdOf("2")!.Value], qwen.Encode("12"));
    }

    [Fact]
    public void Nfc_normalizer_makes_composed_and_decomposed_text_identical()
    {
        var tokenizer = ByteLevelBpeTokenizer.Load(Write(qwenStyle: true, normalizer: "NFC"));
        Assert.Equal(tokenizer.Encode("caf\u00e9"), tokenizer.Encode("cafe\u0301"));
        var raw = ByteLevelBpeTokenizer.Load(Write(qwenStyle: true));
        Assert.NotEqual(raw.Encode("caf\u00e9"), raw.Encode("cafe\u0301"));
    }

    [Fact]
    public void Without_tokenizer_config_eos_falls_back_to_endoftext()
    {
        var tokenizer = ByteLevelBpeTokenizer.Load(Write(qwenStyle: false, config: false));
        Assert.Equal(tokenizer.IdOf("<|endoftext|>"), tokenizer.EosId);
        Assert.Equal(tokenizer.EosId, tokenizer.PadId);
    }

    [Theory]
    [InlineData("\"type\":\"BPE\"", "\"type\":\"WordPiece\"", "model type is 'WordPiece'")]
    [InlineData("\"type\":\"NFC\"", "\"type\":\"Lowercase\"", "normalizer 'Lowercase' is not supported")]
    [InlineData("\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true", "\"type\":\"Whitespace\",\"add_prefix_space\":false,\"trim_offsets\":true", "pre-tokenizer 'Whitespace' is not supported")]
    [InlineData("\"byte_fallback\":false", "\"byte_fallback\":true", "byte_fallback")]
    public void Unsupported_tokenizer_files_are_rejected_naming_the_part(string find, string replace, string expected)
    {
        var path = Write(qwenStyle: false, normalizer: "NFC");
        var text = File.ReadAllText(path);
        Assert.Contains(find, text);
        File.WriteAllText(path, text.Replace(find, replace));
        var error = Assert.Throws<InvalidDataException>(() => ByteLevelBpeTokenizer.Load(path));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(path, error.Message);
    }
}
