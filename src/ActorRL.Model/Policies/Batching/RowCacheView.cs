using static TorchSharp.torch;

namespace ActorRL.Model.Policies.Batching;

/// <summary>One forward pass's window on a <see cref="KvRowCache"/>.</summary>
internal abstract class RowCacheView(KvRowCache cache) : IKeyValueCache
{
    protected KvRowCache Cache { get; } = cache;
    public abstract long Length { get; }
    public abstract (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values);
    public void Advance(long positions) { }
    public virtual Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask, int groups) => Layers.Attention.Compute(q, k, v, mask, groups);

    /// <summary>
    /// A pass from column 0 (a prefill, or a recompute): its keys and values, repeated <paramref name="repeat"/> times per
    /// row (a prompt's G responses), are stored from row <paramref name="firstRow"/> on, and attended to directly.
    /// </summary>
    public sealed class FromStart(KvRowCache cache, int firstRow, int repeat) : RowCacheView(cache)
    {
        public override long Length => 0;

        public override (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
        {
            Cache.WriteBlock(layer, firstRow, repeat > 1 ? keys.repeat_interleave(repeat, 0) : keys,
                repeat > 1 ? values.repeat_interleave(repeat, 0) : values);
            return (keys, values);
        }
    }

    /// <summary>
    /// A decode step over cache rows [0, <paramref name="rows"/>) of which the forward pass carries only the running ones
    /// (<paramref name="liveRows"/>; null: all): each running row's new position goes to its own cell
    /// (<paramref name="cells"/>), and attention reads columns [0, width) per run of neighbouring rows
    /// (<paramref name="parts"/>), each over only its own longest row's keys (views, no copies): a batch where one
    /// sequence is at 250 tokens and most at 30 then reads ~30 keys for most rows, not 250 for all. Finished rows' holes
    /// attend with a neighbour's query (<paramref name="queryRows"/>: per cache row, the running row whose query it
    /// uses), so runs stay whole; their outputs are dropped.
    /// </summary>
    public sealed class Decode(KvRowCache cache, Tensor cells, int rows, int width, IReadOnlyList<AttentionPart> parts, Tensor? queryRows, Tensor? liveRows)
        : RowCacheView(cache)
    {
        public override long Length => 1;

        public override (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
        {
            Cache.WriteColumn(layer, cells, keys, values);
            return Cache.Read(layer, rows, width);
        }

        public override Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask, int groups)
        {
            if (queryRows is not null) q = q.index_select(0, queryRows);
            Tensor Part(AttentionPart p) => p.Count == q.shape[0]
                ? Layers.Attention.DecodeStep(q, k.narrow(2, 0, p.Width), v.narrow(2, 0, p.Width), p.Mask)
                : Layers.Attention.DecodeStep(q.narrow(0, p.First, p.Count), k.narrow(0, p.First, p.Count).narrow(2, 0, p.Width),
                    v.narrow(0, p.First, p.Count).narrow(2, 0, p.Width), p.Mask);
            var y = parts.Count == 1 ? Part(parts[0]) : cat(parts.Select(Part).ToList(), 0);
            return liveRows is null ? y : y.index_select(0, liveRows);
        }
    }
}

/// <summary>Rows [First, First + Count) of a decode step, attending together over <see cref="Width"/> keys with their additive mask [Count, 1, 1, Width] (shared by every layer).</summary>
internal sealed record AttentionPart(int First, int Count, int Width, Tensor Mask)
{
    /// <summary>What one more attention call costs, in keys read by one row (measured roughly on a CPU: a call's overhead ≈ this many keys).</summary>
    private const long CallCost = 512;

    /// <summary>
    /// Cuts rows 0..n−1 (with <paramref name="keys"/> keys each) into runs of neighbours minimising the keys read
    /// (run length × its longest row) plus <see cref="CallCost"/> per run — exact, by dynamic programming over the cut
    /// points.
    /// </summary>
    public static IReadOnlyList<AttentionPart> Plan(IReadOnlyList<int> keys, ScalarType dtype, Device device)
    {
        var n = keys.Count;
        var best = new long[n + 1];
        var cut = new int[n + 1];
        for (var end = 1; end <= n; end++)
        {
            best[end] = long.MaxValue;
            var widest = 0;
            for (var start = end - 1; start >= 0; start--)
            {
                widest = Math.Max(widest, keys[start]);
                var cost = best[start] + CallCost + (long)(end - start) * widest;
                if (cost < best[end]) (best[end], cut[end]) = (cost, start);
            }
        }
        var runs = new List<(int First, int Count)>();
        for (var end = n; end > 0; end = cut[end]) runs.Add((cut[end], end - cut[end]));
        runs.Reverse();
        return runs.Select(r =>
        {
            var width = Enumerable.Range(r.First, r.Count).Max(i => keys[i]);
            var mask = new float[r.Count * width];
            for (var i = 0; i < r.Count; i++) Array.Fill(mask, float.NegativeInfinity, i * width + keys[r.First + i], width - keys[r.First + i]);
            return new AttentionPart(r.First, r.Count, width, tensor(mask, [r.Count, 1, 1, width], device: device).to(dtype));
        }).ToList();
    }
}
