using ActorRL.Model.Tokenizers;

namespace ActorRL.Benchmarks.Model;

/// <summary>A vocabulary of opaque ids: benchmarks feed random ids and never need text.</summary>
internal sealed class OpaqueTokenizer(int size) : ITokenizer
{
    public int VocabularySize => size;
    public int PadId => 0;
    public int EosId => 2;
    public int? BosId => 1;
    public IReadOnlyList<int> Encode(string text) => throw new NotSupportedException("the benchmark tokenizer has no text form");
    public string Decode(IEnumerable<int> ids) => "";
    public string TokenText(int id) => "";
}
