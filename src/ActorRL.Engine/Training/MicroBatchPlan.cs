namespace ActorRL.Engine.Training;

/// <summary>
/// How the responses of one optimizer update are cut into micro-batches under <c>learner.micro-batch-tokens</c>: a
/// micro-batch is scored as one padded [rows, longest prompt + response] batch, so its cost in activations and
/// logits is rows × longest, and that is what must stay within the budget. Longest first, then greedily filled: sequences
/// of similar length share a micro-batch, so little of the budget goes to padding.
/// </summary>
public static class MicroBatchPlan
{
    /// <summary>Indices into <paramref name="sequenceLengths"/>, one array per micro-batch; every index exactly once.</summary>
    /// <param name="sequenceLengths">Prompt + response tokens of each response of the update.</param>
    /// <param name="tokenBudget">Most padded tokens per micro-batch; null: the whole update is one micro-batch, in order.</param>
    public static IReadOnlyList<int[]> Pack(IReadOnlyList<int> sequenceLengths, int? tokenBudget)
    {
        ArgumentNullException.ThrowIfNull(sequenceLengths);
        if (sequenceLengths.Count == 0) return [];
        if (tokenBudget is not { } budget) return [Enumerable.Range(0, sequenceLengths.Count).ToArray()];
        var longest = sequenceLengths.Max();
        if (longest > budget)
            throw new ArgumentException($"a sequence of {longest} tokens does not fit a micro-batch budget of {budget} tokens");

        var byLength = Enumerable.Range(0, sequenceLengths.Count).OrderByDescending(i => sequenceLengths[i]).ThenBy(i => i).ToList();
        var packed = new List<int[]>();
        var current = new List<int>();
        var width = 0;
        foreach (var i in byLength)
        {
            // Sorted longest first, so the first sequence of a micro-batch sets its padded width.
            if (current.Count > 0 && (current.Count + 1L) * width > budget)
            {
                packed.Add(current.ToArray());
                current.Clear();
            }
            if (current.Count == 0) width = sequenceLengths[i];
            current.Add(i);
        }
        packed.Add(current.ToArray());
        return packed;
    }
}
