using static TorchSharp.torch;

namespace ActorRL.Model.Policies.Batching;

/// <summary>
/// <see cref="IContinuousBatch"/> over a <see cref="CausalLmPolicy"/> and a <see cref="KvTokenPool"/>. Every sequence
/// keeps its own list of pool slots and its own position count, so rows of any length decode side by side: a decode
/// step feeds each row's last token at its own position and attends over its own slots (masked past its length).
/// </summary>
internal sealed class ContinuousBatch : IContinuousBatch
{
    private sealed class Group(long key, IReadOnlyList<int> prompt, long seed, IReadOnlyList<int>? lengths)
    {
        public IReadOnlyList<int>? Lengths { get; } = lengths;
        public long Key { get; } = key;
        public IReadOnlyList<int> Prompt { get; } = prompt;
        public long Seed { get; } = seed;
        public long StartVersion { get; set; }
        public int[] PromptSlots { get; set; } = [];
        public List<Row> Rows { get; } = new();
        public int Running { get; set; }
    }

    private sealed class Row(Group group, int sampleIndex)
    {
        public Group Group { get; } = group;
        public int SampleIndex { get; } = sampleIndex;
        public ResponseBuilder Response { get; } = new(0, sampleIndex, group.Prompt);
        public SamplingStream Stream { get; } = new(group.Seed, sampleIndex);
        /// <summary>Slots of the response tokens fed so far (the last sampled token is fed at the next step).</summary>
        public List<int> Slots { get; } = new();
        public long CacheVersion { get; set; }
        public int CachedLength => Group.Prompt.Count + Slots.Count;
    }

    private readonly CausalLmPolicy _policy;
    private readonly ICausalLanguageModel _model;
    private readonly ContinuousBatchOptions _options;
    private readonly HashSet<int> _stopIds;
    private readonly KvTokenPool _pool;
    private readonly Queue<Group> _waiting = new();
    private readonly List<Row> _active = new();
    private readonly List<FinishedPrompt> _finished = new();
    private long _reserved;
    private long _lastVersion = -1;
    private bool _disposed;

    public ContinuousBatch(CausalLmPolicy policy, ContinuousBatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(policy.Model.VocabularySize);
        _policy = policy;
        _model = policy.Model;
        _options = options;
        _stopIds = [.. options.StopTokenIds ?? []];
        if (!options.IgnoreEos) _stopIds.Add(policy.Tokenizer.EosId);
        _pool = new KvTokenPool(_model.KvLayout, _model.DType, _model.Device, options.KvBudgetTokens);
    }

    public int ActiveSequences => _active.Count;
    public int Waiting => _waiting.Count;
    public bool IsIdle => _active.Count == 0 && _waiting.Count == 0;
    public int Room => Math.Max(0, (_options.MaxSequences - _active.Count) / _options.SamplesPerPrompt - _waiting.Count);
    public (long Reserved, int InUse, int Allocated) KvUsage => (_reserved, _pool.InUse, _pool.Allocated);

    public (long Steps, long Rows) Work { get; private set; }

    public void Add(long key, IReadOnlyList<int> prompt, long seed, IReadOnlyList<int>? responseLengths = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0) throw new ArgumentException("a prompt needs at least one token (e.g. BOS)", nameof(prompt));
        if (prompt.Count + _options.MaxNewTokens > _model.MaxSequenceLength)
            throw new ArgumentException(
                $"the prompt has {prompt.Count} tokens; with max new tokens {_options.MaxNewTokens} that exceeds the model's max sequence length {_model.MaxSequenceLength}",
                nameof(prompt));
        if (_options.Reservation(prompt.Count) > _options.KvBudgetTokens)
            throw new ArgumentException(
                $"the prompt's group needs {_options.Reservation(prompt.Count)} KV token slots (prompt + G × max new tokens), more than the budget of {_options.KvBudgetTokens}",
                nameof(prompt));
        foreach (var id in prompt)
            if ((uint)id >= (uint)_model.VocabularySize)
                throw new ArgumentException($"the prompt holds token id {id}, outside the vocabulary (size {_model.VocabularySize})", nameof(prompt));
        if (responseLengths is not null && (responseLengths.Count != _options.SamplesPerPrompt || responseLengths.Any(l => l < 1 || l > _options.MaxNewTokens)))
            throw new ArgumentException($"response lengths must be {_options.SamplesPerPrompt} numbers in [1, {_options.MaxNewTokens}]", nameof(responseLengths));
        _waiting.Enqueue(new Group(key, prompt, seed, responseLengths));
    }

    public IReadOnlyList<FinishedPrompt> TakeFinished()
    {
        var finished = _finished.ToList();
        _finished.Clear();
        return finished;
    }

    public int Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsIdle) return 0;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var version = _policy.Version; // the weights this step's forward passes use
        if (_options.OnWeightUpdate == WeightUpdateMode.RecomputeCache && version != _lastVersion && _active.Any(r => r.CacheVersion != version))
            Recompute(version);
        _lastVersion = version;

        var running = _active.ToList();
        var starting = Start(version);
        var parts = new List<Tensor>(2);
        if (running.Count > 0) parts.Add(Decode(running));
        if (starting.Count > 0) parts.Add(Prefill(starting));
        var rows = running.Concat(starting.SelectMany(g => g.Rows)).ToList();
        var logits = parts.Count == 1 ? parts[0] : cat(parts, 0);
        var uniforms = rows.Select(r => r.Stream.Uniform(r.Response.Length)).ToArray();
        var drawn = TokenSampler.Draw(logits, uniforms, _options.Filters, _policy.Tokenizer.VocabularySize);
        _active.AddRange(starting.SelectMany(g => g.Rows));
        Work = (Work.Steps + 1, Work.Rows + rows.Count);

        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var token = (int)drawn[i * 4];
            var text = _policy.Tokenizer.TokenText(token);
            // Keys and values this token attended to were computed by the row's cache version or later weights.
            var label = Math.Min(version, row.CacheVersion);
            row.Response.Append(token, text, (float)drawn[i * 4 + 1], (float)drawn[i * 4 + 2], (float)drawn[i * 4 + 3], label);
            if (_stopIds.Contains(token) || (_options.StopStrings is { Count: > 0 } stops && row.Response.EndsAStopString(stops, text.Length)))
                Finish(row, FinishReason.Stop);
            else if (row.Response.Length >= (row.Group.Lengths?[row.SampleIndex] ?? _options.MaxNewTokens))
                Finish(row, FinishReason.Length);
        }
        return rows.Count;
    }

    /// <summary>Starts waiting prompts, first come first served, while their rows and worst-case KV slots fit.</summary>
    private List<Group> Start(long version)
    {
        var started = new List<Group>();
        var g = _options.SamplesPerPrompt;
        while (_waiting.TryPeek(out var group)
               && _active.Count + (started.Count + 1) * g <= _options.MaxSequences
               && _reserved + _options.Reservation(group.Prompt.Count) <= _options.KvBudgetTokens)
        {
            _waiting.Dequeue();
            _reserved += _options.Reservation(group.Prompt.Count);
            group.StartVersion = version;
            group.PromptSlots = group.Prompt.Select(_ => _pool.TakeSlot()).ToArray();
            for (var s = 0; s < g; s++) group.Rows.Add(new Row(group, s) { CacheVersion = version });
            group.Running = g;
            started.Add(group);
        }
        return started;
    }

    /// <summary>Runs the starting prompts (right-padded, one row each) into their slots; next-token logits per response row.</summary>
    private Tensor Prefill(List<Group> groups)
    {
        var n = groups.Count;
        var width = groups.Max(x => x.Prompt.Count);
        var tokens = new long[n * width];
        var positions = new long[n * width];
        var mask = new bool[n * width * width];
        var from = new List<long>();
        var to = new List<long>();
        var last = new long[n];
        Array.Fill(tokens, _policy.Tokenizer.PadId);
        for (var p = 0; p < n; p++)
        {
            var prompt = groups[p].Prompt;
            for (var t = 0; t < width; t++)
            {
                positions[p * width + t] = t;
                for (var j = 0; j <= t; j++) mask[(p * width + t) * width + j] = j < prompt.Count || j == t;
            }
            for (var t = 0; t < prompt.Count; t++)
            {
                tokens[p * width + t] = prompt[t];
                from.Add(p * width + t);
                to.Add(groups[p].PromptSlots[t]);
            }
            last[p] = prompt.Count - 1;
        }
        var hidden = Forward(tokens, positions, [n, width], mask, [n, 1, width, width], from, to, readSlots: null);
        var device = _model.Device;
        var index = tensor(last, [n, 1, 1], device: device).expand(n, 1, hidden.shape[2]);
        var logits = _model.Logits(hidden.gather(1, index)).squeeze(1);
        return _options.SamplesPerPrompt > 1 ? logits.repeat_interleave(_options.SamplesPerPrompt, 0) : logits;
    }

    /// <summary>Feeds each running row's last token at its own position, attending over its own slots.</summary>
    private Tensor Decode(List<Row> rows)
    {
        var b = rows.Count;
        var newSlots = rows.Select(_ => (long)_pool.TakeSlot()).ToArray();
        var width = rows.Max(r => r.CachedLength) + 1;
        var tokens = new long[b];
        var positions = new long[b];
        var read = new long[b * width];
        var mask = new bool[b * width];
        for (var i = 0; i < b; i++)
        {
            var row = rows[i];
            tokens[i] = row.Response.Ids[^1];
            positions[i] = row.CachedLength;
            var offset = i * width;
            foreach (var slot in row.Group.PromptSlots) read[offset++] = slot;
            foreach (var slot in row.Slots) read[offset++] = slot;
            read[offset] = newSlots[i];
            for (var j = 0; j <= row.CachedLength; j++) mask[i * width + j] = true;
            row.Slots.Add((int)newSlots[i]);
        }
        var hidden = Forward(tokens, positions, [b, 1], mask, [b, 1, 1, width], Enumerable.Range(0, b).Select(i => (long)i).ToList(), newSlots, read, [b, width]);
        return _model.Logits(hidden).squeeze(1);
    }

    /// <summary>
    /// New weights under running sequences (<see cref="WeightUpdateMode.RecomputeCache"/>): every running sequence is run
    /// again from its first token with them, overwriting its keys and values (a shared prompt's once).
    /// </summary>
    private void Recompute(long version)
    {
        var rows = _active;
        var b = rows.Count;
        var width = rows.Max(r => r.CachedLength);
        var tokens = new long[b * width];
        var positions = new long[b * width];
        var mask = new bool[b * width * width];
        var from = new List<long>();
        var to = new List<long>();
        var promptWritten = new HashSet<Group>();
        Array.Fill(tokens, _policy.Tokenizer.PadId);
        for (var i = 0; i < b; i++)
        {
            var row = rows[i];
            var prompt = row.Group.Prompt;
            var length = row.CachedLength;
            var writePrompt = promptWritten.Add(row.Group);
            for (var t = 0; t < width; t++)
            {
                positions[i * width + t] = t;
                for (var j = 0; j <= t; j++) mask[(i * width + t) * width + j] = j < length || j == t;
            }
            for (var t = 0; t < length; t++)
            {
                tokens[i * width + t] = t < prompt.Count ? prompt[t] : row.Response.Ids[t - prompt.Count];
                if (t >= prompt.Count || writePrompt)
                {
                    from.Add(i * width + t);
                    to.Add(t < prompt.Count ? row.Group.PromptSlots[t] : row.Slots[t - prompt.Count]);
                }
            }
            row.CacheVersion = version;
        }
        Forward(tokens, positions, [b, width], mask, [b, 1, width, width], from, to, readSlots: null);
    }

    private Tensor Forward(long[] tokens, long[] positions, long[] shape, bool[] mask, long[] maskShape,
        IReadOnlyList<long> from, IReadOnlyList<long> to, long[]? readSlots, long[]? readShape = null)
    {
        var device = _model.Device;
        var view = new PooledKvView(_pool, tensor(from.ToArray(), device: device), tensor(to.ToArray(), device: device),
            readSlots is null ? null : tensor(readSlots, readShape!, device: device));
        return _model.Forward(tensor(tokens, shape, device: device), tensor(positions, shape, device: device),
            tensor(mask, maskShape, device: device), view);
    }

    private void Finish(Row row, FinishReason reason)
    {
        row.Response.Finish(reason);
        _active.Remove(row);
        _pool.Release(row.Slots);
        row.Slots.Clear();
        _reserved -= _options.MaxNewTokens;
        var group = row.Group;
        if (--group.Running > 0) return;
        _pool.Release(group.PromptSlots);
        _reserved -= group.Prompt.Count;
        var responses = group.Rows.Select(r => r.Response.Build(_policy.Tokenizer.Decode(r.Response.Ids))).ToList();
        _finished.Add(new FinishedPrompt(group.Key, group.StartVersion, responses));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _pool.Dispose();
    }
}
