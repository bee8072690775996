namespace ActorRL.Tasks;

/// <summary>Builds the sorted, duplicate-free character sets tasks expose as <see cref="IVerifiableTask.Alphabet"/>.</summary>
public static class Alphabets
{
    public static string Of(params string[] texts) =>
        new(texts.SelectMany(t => t).Distinct().Order().ToArray());
}
