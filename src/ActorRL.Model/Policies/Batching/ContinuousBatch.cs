using static TorchSharp.torch;

namespace ActorRL.Model.Policies.Batching;

/// <summary>
/// <see cref="IContinuousBatch"/> over a <see cref="CausalLmPolicy"/> and a <see cref="KvRowCache"/>. Each running sequence
/// owns a row of the cache and keeps its own position count, so rows of any length decode side by side: a decode step
/// feeds each row's last token at its own position and attends over its own columns (masked past its length). Rows stay
/// in the order their sequences started, so neighbours have similar lengths and attention can run over runs of them
/// (<see cref="AttentionPart"/>); a finished sequence leaves a hole (decoded as padding, its output ignored) until holes
/// make up a quarter of the rows, when the cache is compacted.
/// </summary>
internal sealed class ContinuousBatch : IContinuousBatch
{
    private sealed class Group(long key, IReadOnlyList<int> prompt, long seed, IReadOnlyList<int>? lengths)
    {
        public long Key { get; } = key;
        public IReadOnlyList<int> Prompt { get; } = prompt;
        public long Seed { get; } = seed;
        public IReadOnlyList<int>? Lengths { get; } = lengths;
        public long StartVersion { get; set; }
        public List<Row> Rows { get; } = new();
        public int Running { get; set; }
    }

    private sealed class Row(Group group, int sampleIndex)
    {
        public Group Group { get; } = group;
        public int SampleIndex { get; } = sampleIndex;
        public ResponseBuilder Response { get; } = new(0, sampleIndex, group.Prompt);
        public SamplingStream Stream { get; } = new(group.Seed, sampleIndex);
        /// <summary>This sequence's row in the cache.</summary>
        public int Index { get; set; }
        public long CacheVersion { get; set; }
        /// <summary>Positions cached: the prompt and every response token but the last sampled one (fed at the next step).</summary>
        public int CachedLength => Group.Prompt.Count + Response.Length - 1;
        public int Limit(int maxNewTokens) => Group.Lengths?[SampleIndex] ?? maxNewTokens;
    }

    private readonly CausalLmPolicy _policy;
    private readonly ICausalLanguageModel _model;
    private readonly ContinuousBatchOptions _options;
    private readonly HashSet<int> _stopIds;
    private readonly KvRowCache _cache;
    private readonly Queue<Group> _waiting = new();
    private List<Row?> _rows = new();                   // by cache row; null = a finished sequence's hole
    private int _live;
    private readonly List<FinishedPrompt> _finished = new();
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
        _cache = new KvRowCache(_model.KvLayout, _model.DType, _model.Device, options.CacheRows, options.KvBudgetTokens);
    }

    public int ActiveSequences => _live;
    public int Waiting => _waiting.Count;
    public bool IsIdle => _live == 0 && _waiting.Count == 0;
    public int Room => Math.Max(0, (_options.MaxSequences - _live) / _options.SamplesPerPrompt - _waiting.Count);

    public (long Reserved, int InUse, int Allocated) KvUsage =>
        (_options.Slots(_live, LongestRunningPrompt), Running.Sum(r => r.CachedLength), (int)_cache.Allocated);

    public (long Steps, long Rows) Work { get; private set; }

    private IEnumerable<Row> Running => _rows.OfType<Row>();

    private int LongestRunningPrompt => _live == 0 ? 0 : Running.Max(r => r.Group.Prompt.Count);

    public void Add(long key, IReadOnlyList<int> prompt, long seed, IReadOnlyList<int>? responseLengths = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0) throw new ArgumentException("a prompt needs at least one token (e.g. BOS)", nameof(prompt));
        if (prompt.Count + _options.MaxNewTokens > _model.MaxSequenceLength)
            throw new ArgumentException(
                $"the prompt has {prompt.Count} tokens; with max new tokens {_options.MaxNewTokens} that exceeds the model's max sequence length {_model.MaxSequenceLength}",
                nameof(prompt));
        var alone = _options.Slots(_options.SamplesPerPrompt, prompt.Count);
        if (alone > _options.KvBudgetTokens)
            throw new ArgumentException(
                $"the prompt's group needs {alone} KV token slots (G × (prompt + max new tokens)), more than the budget of {_options.KvBudgetTokens}",
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
        var holes = _rows.Count - _live;
        if (holes > 0 && (4 * holes >= _rows.Count || _live == 0)) Compact();
        if (_options.OnWeightUpdate == WeightUpdateMode.RecomputeCache && version != _lastVersion && Running.Any(r => r.CacheVersion != version))
            Recompute(version);
        _lastVersion = version;

        var starting = Start(version);
        var decoding = _rows.ToList();
        var parts = new List<Tensor>(2);
        if (decoding.Count > 0) parts.Add(Decode(decoding));
        if (starting.Count > 0) parts.Add(Prefill(starting, decoding.Count));
        var rows = Running.Concat(starting.SelectMany(g => g.Rows)).ToList();
        var logits = parts.Count == 1 ? parts[0] : cat(parts, 0);
        var uniforms = rows.Select(r => r.Stream.Uniform(r.Response.Length)).ToArray();
        var drawn = TokenSampler.Draw(logits, uniforms, _options.Filters, _policy.Tokenizer.VocabularySize);
        foreach (var row in starting.SelectMany(g => g.Rows))
        {
            row.Index = _rows.Count;
            _rows.Add(row);
            _live++;
        }
        Work = (Work.Steps + 1, Work.Rows + rows.Count);

        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var token = (int)drawn[i * 4];
            var text = _policy.Tokenizer.TokenText(token);
            // Keys and values this token attended to were computed by the row's cache version or later weights.
            var label = Math.Min(version, row.CacheVersion);
            row.Response.Append(token, text, (float)drawn[i * 4 + 1], (float)drawn[i * 4 + 2], (float)drawn[i * 4 + 3], label);
            if (row.Response.FinishIfDone(token, text, _stopIds, _options.StopStrings, row.Limit(_options.MaxNewTokens))) Finish(row);
        }
        return rows.Count;
    }

    /// <summary>
    /// Starts waiting prompts, first come first served, while their G rows fit beside the running ones and the rows'
    /// rectangle (rows × longest prompt + max new tokens) fits the KV budget; makes the cache that large.
    /// </summary>
    private List<Group> Start(long version)
    {
        var started = new List<Group>();
        var g = _options.SamplesPerPrompt;
        var rows = _live;
        var longest = LongestRunningPrompt;
        while (_waiting.TryPeek(out var group)
               && rows + g <= _options.MaxSequences
               && _options.Slots(rows + g, Math.Max(longest, group.Prompt.Count)) <= _options.KvBudgetTokens)
        {
            _waiting.Dequeue();
            rows += g;
            longest = Math.Max(longest, group.Prompt.Count);
            group.StartVersion = version;
            for (var s = 0; s < g; s++) group.Rows.Add(new Row(group, s) { CacheVersion = version });
            group.Running = g;
            started.Add(group);
        }
        if (started.Count == 0) return started;
        // Holes count as rows until compacted: make them room first if the new rows would not fit beside them.
        var adding = rows - _live;
        if (_rows.Count + adding > _options.CacheRows || _options.Slots(_rows.Count + adding, longest) > _options.KvBudgetTokens) Compact();
        _cache.Reserve(_rows.Count + adding, _options.Columns(longest), keep: _rows.Count);
        return started;
    }

    /// <summary>Runs the starting prompts (right-padded, one row each) into rows from <paramref name="firstRow"/> on, G rows per prompt; next-token logits per response row.</summary>
    private Tensor Prefill(List<Group> groups, int firstRow)
    {
        var n = groups.Count;
        var width = groups.Max(x => x.Prompt.Count);
        var tokens = new long[n * width];
        var positions = new long[n * width];
        var mask = new bool[n * width * width];
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
            for (var t = 0; t < prompt.Count; t++) tokens[p * width + t] = prompt[t];
            last[p] = prompt.Count - 1;
        }
        var view = new RowCacheView.FromStart(_cache, firstRow, _options.SamplesPerPrompt);
        var hidden = Forward(tokens, positions, [n, width], mask, [n, 1, width, width], view);
        var index = tensor(last, [n, 1, 1], device: _model.Device).expand(n, 1, hidden.shape[2]);
        var logits = _model.Logits(hidden.gather(1, index)).squeeze(1);
        return _options.SamplesPerPrompt > 1 ? logits.repeat_interleave(_options.SamplesPerPrompt, 0) : logits;
    }

    /// <summary>
    /// Feeds each running row's last token at its own position, attending over its own columns; next-token logits per
    /// running row, in row order. Holes cost no dense compute: only running rows enter the forward pass. In attention a
    /// hole rides along as a copy of a neighbour's query over as many (stale, finite) columns as that neighbour, so it
    /// never splits a run of rows into two attention calls; its output is dropped.
    /// </summary>
    private Tensor Decode(List<Row?> rows)
    {
        var b = rows.Count;
        var keys = new int[b];
        for (var i = 0; i < b; i++) keys[i] = rows[i] is { } row ? row.CachedLength + 1 : i > 0 ? keys[i - 1] : 1;
        var width = keys.Max();
        var live = Enumerable.Range(0, b).Where(i => rows[i] is not null).ToArray();
        var n = live.Length;
        var tokens = new long[n];
        var positions = new long[n];
        var mask = new bool[n * width];
        for (var j = 0; j < n; j++)
        {
            var row = rows[live[j]]!;
            tokens[j] = row.Response.Ids[^1];
            positions[j] = row.CachedLength;
            Array.Fill(mask, true, j * width, keys[live[j]]);
        }
        var device = _model.Device;
        var cells = tensor(_cache.Cells(live, positions), device: device);
        Tensor? queryRows = null, liveRows = null;
        if (n < b)
        {
            var neighbour = new long[b];
            for (int i = 0, j = 0; i < b; i++)
            {
                if (j < n - 1 && live[j] < i) j++;
                neighbour[i] = j;
            }
            queryRows = tensor(neighbour, device: device);
            liveRows = tensor(live.Select(i => (long)i).ToArray(), device: device);
        }
        var parts = AttentionPart.Plan(keys, _model.DType, device);
        var hidden = Forward(tokens, positions, [n, 1], mask, [n, 1, 1, width], new RowCacheView.Decode(_cache, cells, b, width, parts, queryRows, liveRows));
        return _model.Logits(hidden).squeeze(1);
    }

    /// <summary>
    /// New weights under running sequences (<see cref="WeightUpdateMode.RecomputeCache"/>): every running sequence is run
    /// again from its first token with them, overwriting its row of keys and values.
    /// </summary>
    private void Recompute(long version)
    {
        Compact();
        var b = _rows.Count;
        var width = Running.Max(r => r.CachedLength);
        var tokens = new long[b * width];
        var positions = new long[b * width];
        var mask = new bool[b * width * width];
        Array.Fill(tokens, _policy.Tokenizer.PadId);
        for (var i = 0; i < b; i++)
        {
            var row = _rows[i]!;
            var prompt = row.Group.Prompt;
            var length = row.CachedLength;
            for (var t = 0; t < width; t++)
            {
                positions[i * width + t] = t;
                for (var j = 0; j <= t; j++) mask[(i * width + t) * width + j] = j < length || j == t;
            }
            for (var t = 0; t < length; t++) tokens[i * width + t] = t < prompt.Count ? prompt[t] : row.Response.Ids[t - prompt.Count];
            row.CacheVersion = version;
        }
        Forward(tokens, positions, [b, width], mask, [b, 1, width, width], new RowCacheView.FromStart(_cache, 0, 1));
    }

    private Tensor Forward(long[] tokens, long[] positions, long[] shape, bool[] mask, long[] maskShape, IKeyValueCache view)
    {
        var device = _model.Device;
        return _model.Forward(tensor(tokens, shape, device: device), tensor(positions, shape, device: device),
            tensor(mask, maskShape, device: device), view);
    }

    /// <summary>Drops the holes: running rows move to the front of the cache, in order.</summary>
    private void Compact()
    {
        if (_rows.Count == _live) return;
        var first = _rows.IndexOf(null);
        var keep = Enumerable.Range(first, _rows.Count - first).Where(i => _rows[i] is not null).Select(i => (long)i).ToArray();
        if (keep.Length > 0) _cache.Compact(first, tensor(keep, device: _model.Device), Running.Max(r => r.CachedLength));
        _rows = Running.ToList<Row?>();
        for (var i = 0; i < _rows.Count; i++) _rows[i]!.Index = i;
    }

    /// <summary>Ends a response; its row becomes a hole until the next compaction.</summary>
    private void Finish(Row row)
    {
        _rows[row.Index] = null;
        _live--;
        var group = row.Group;
        if (--group.Running > 0) return;
        var responses = group.Rows.Select(r => r.Response.Build(_policy.Tokenizer.Decode(r.Response.Ids))).ToList();
        _finished.Add(new FinishedPrompt(group.Key, group.StartVersion, responses));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cache.Dispose();
    }
}
