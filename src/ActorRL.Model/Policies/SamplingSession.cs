using static TorchSharp.torch;

namespace ActorRL.Model.Policies;

/// <summary>
/// Batched, step-wise decoding. Prompts are left-padded to a common width; every row's position ids count only
/// its real tokens and padded keys are masked out, so a row's numbers match decoding that prompt alone. Each
/// prompt is prefilled once and its cache repeated for its <c>SamplesPerPrompt</c> rows. Rows whose response
/// has finished keep their slot (their output is ignored) until a quarter of the batch has finished, then the
/// batch is compacted so finished rows stop costing compute.
/// </summary>
internal sealed class SamplingSession : ISamplingSession
{
    private readonly CausalLmPolicy _policy;
    private readonly ICausalLanguageModel _model;
    private readonly SamplingRequest _request;
    private readonly HashSet<int> _stopIds;
    private readonly IReadOnlyList<string> _stopStrings;
    private readonly ResponseBuilder[] _responses;
    private readonly SamplingStream[] _streams;   // per response
    private readonly int _promptWidth;
    private readonly long _capacity;

    // Per batch row (rows are compacted as responses finish):
    private int[] _rowResponse;      // index into _responses
    private long[] _nextPosition;    // position id of the token fed next
    private long[] _lastToken;       // token sampled last, fed at the next step
    private List<long>[]? _rowTokens;     // full token rows, only when recomputing without a cache
    private List<long>[]? _rowPositions;  // their position ids

    private KvCache? _cache;
    private Tensor? _keyValid;       // [rows, capacity] bool: false at left padding
    private long _filled;            // positions present per row (prompt width + tokens fed so far)
    private int _steps;
    private IReadOnlyList<SampledResponse>? _results;
    private bool _disposed;

    public SamplingSession(CausalLmPolicy policy, SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(policy.MaxSequenceLength, policy.Model.VocabularySize);
        _policy = policy;
        _model = policy.Model;
        _request = request;
        _stopIds = [.. request.StopTokenIds ?? []];
        if (!request.IgnoreEos) _stopIds.Add(policy.Tokenizer.EosId);
        _stopStrings = request.StopStrings ?? [];
        var n = request.SamplesPerPrompt;
        _responses = new ResponseBuilder[request.Prompts.Count * n];
        for (var i = 0; i < _responses.Length; i++)
            _responses[i] = new ResponseBuilder(i / n, i % n, request.Prompts[i / n]);
        _promptWidth = request.Prompts.Max(p => p.Count);
        _capacity = _promptWidth + request.MaxNewTokens;
        _rowResponse = Enumerable.Range(0, _responses.Length).ToArray();
        _nextPosition = _rowResponse.Select(i => (long)_responses[i].Prompt.Count).ToArray();
        _lastToken = new long[_responses.Length];
        _streams = new SamplingStream[_responses.Length];
        for (var i = 0; i < _responses.Length; i++) _streams[i] = new SamplingStream(request.SeedOf(i / n), i % n);
    }

    public bool IsFinished => _results is not null;

    /// <summary>Rows currently in the decode batch (finished rows linger until the next compaction).</summary>
    internal int BatchRows => _rowResponse.Length;
    public int ActiveCount => _responses.Count(r => r.Finished is null);

    public IReadOnlyList<SampledResponse> Results =>
        _results ?? throw new InvalidOperationException("sampling has not finished; call Step() until IsFinished");

    public int Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished) return 0;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var version = _policy.Version; // the weights this step's forward pass uses
        var logits = _steps == 0 ? Prefill() : _request.UseKvCache ? DecodeWithCache() : DecodeByRecomputing();
        var drawn = Draw(logits);
        var produced = 0;
        for (var row = 0; row < _rowResponse.Length; row++)
        {
            var response = _responses[_rowResponse[row]];
            var token = (int)drawn[row * 4];
            _lastToken[row] = token;
            if (response.Finished is not null) continue;
            var text = _policy.Tokenizer.TokenText(token);
            response.Append(token, text, (float)drawn[row * 4 + 1], (float)drawn[row * 4 + 2], (float)drawn[row * 4 + 3], version);
            produced++;
            response.FinishIfDone(token, text, _stopIds, _stopStrings, _request.MaxNewTokens);
        }
        _steps++;
        var active = ActiveCount;
        if (active == 0) Complete();
        else if (active <= _rowResponse.Length * 3 / 4) Compact();
        return produced;
    }

    /// <summary>Runs every prompt once (left-padded) and returns the next-token logits of each response row.</summary>
    private Tensor Prefill()
    {
        var prompts = _request.Prompts;
        var (count, width) = (prompts.Count, _promptWidth);
        var tokens = new long[count * width];
        var positions = new long[count * width];
        var valid = new bool[count * _capacity];
        for (var p = 0; p < count; p++)
        {
            var pad = width - prompts[p].Count;
            Array.Fill(tokens, _policy.Tokenizer.PadId, p * width, pad);
            for (var i = 0; i < prompts[p].Count; i++)
            {
                tokens[p * width + pad + i] = prompts[p][i];
                positions[p * width + pad + i] = i;
                valid[p * _capacity + pad + i] = true;
            }
        }
        var device = _model.Device;
        var keyValid = tensor(valid, [count, _capacity], device: device);
        var mask = CausalMask(keyValid, width);
        var tokenTensor = tensor(tokens, [count, width], device: device);
        var positionTensor = tensor(positions, [count, width], device: device);
        var n = _request.SamplesPerPrompt;
        Tensor hidden;
        if (_request.UseKvCache)
        {
            _cache = _model.CreateKvCache(count, _capacity);
            hidden = _model.Forward(tokenTensor, positionTensor, mask, _cache);
            if (n > 1) _cache.RepeatRows(n);
        }
        else
        {
            hidden = _model.Forward(tokenTensor, positionTensor, mask, cache: null);
            _rowTokens = new List<long>[_responses.Length];
            _rowPositions = new List<long>[_responses.Length];
            for (var r = 0; r < _responses.Length; r++)
            {
                var p = r / n;
                _rowTokens[r] = [.. tokens.AsSpan(p * width, width)];
                _rowPositions[r] = [.. positions.AsSpan(p * width, width)];
            }
        }
        _keyValid = (n > 1 ? keyValid.repeat_interleave(n, 0) : keyValid).DetachFromDisposeScope();
        _filled = width;
        var logits = _model.Logits(hidden.narrow(1, width - 1, 1)).squeeze(1);
        return n > 1 ? logits.repeat_interleave(n, 0) : logits;
    }

    /// <summary>Feeds each row's last token through the cache: one query against all cached keys.</summary>
    private Tensor DecodeWithCache()
    {
        var device = _model.Device;
        var rows = _rowResponse.Length;
        _keyValid!.narrow(1, _filled, 1).fill_(true);
        _filled++;
        var mask = _keyValid.narrow(1, 0, _filled).view(rows, 1, 1, _filled);
        var tokens = tensor(_lastToken, [rows, 1], device: device);
        var positions = tensor(_nextPosition, [rows, 1], device: device);
        for (var r = 0; r < rows; r++) _nextPosition[r]++;
        var hidden = _model.Forward(tokens, positions, mask, _cache);
        return _model.Logits(hidden).squeeze(1);
    }

    /// <summary>The reference path: runs every row's whole sequence again and keeps the last position's logits.</summary>
    private Tensor DecodeByRecomputing()
    {
        var device = _model.Device;
        var rows = _rowResponse.Length;
        _keyValid!.narrow(1, _filled, 1).fill_(true);
        _filled++;
        for (var r = 0; r < rows; r++)
        {
            _rowTokens![r].Add(_lastToken[r]);
            _rowPositions![r].Add(_nextPosition[r]++);
        }
        var width = (int)_filled;
        var tokens = tensor(_rowTokens!.SelectMany(t => t).ToArray(), [rows, width], device: device);
        var positions = tensor(_rowPositions!.SelectMany(t => t).ToArray(), [rows, width], device: device);
        var hidden = _model.Forward(tokens, positions, CausalMask(_keyValid, width), cache: null);
        return _model.Logits(hidden.narrow(1, width - 1, 1)).squeeze(1);
    }

    /// <summary>
    /// [rows, 1, width, width] boolean mask: causal, no padded keys, and every query may see itself (so a padded
    /// query row is never all-masked, which would turn its softmax into NaN).
    /// </summary>
    private static Tensor CausalMask(Tensor keyValid, long width)
    {
        var device = keyValid.device;
        var causal = ones(width, width, ScalarType.Bool, device).tril();
        var keys = keyValid.narrow(1, 0, width).unsqueeze(1);
        return ((causal.unsqueeze(0) & keys) | eye(width, dtype: ScalarType.Bool, device: device)).unsqueeze(1);
    }

    /// <summary>Draws one token per row, each from its response's own stream (see <see cref="TokenSampler"/>).</summary>
    private double[] Draw(Tensor logits)
    {
        var uniforms = new double[_rowResponse.Length];
        for (var row = 0; row < uniforms.Length; row++)
        {
            var response = _rowResponse[row];
            uniforms[row] = _streams[response].Uniform(_responses[response].Length);
        }
        return TokenSampler.Draw(logits, uniforms, _request.Filters, _policy.Tokenizer.VocabularySize);
    }

    /// <summary>Drops the rows of finished responses from the batch (cache, masks, bookkeeping).</summary>
    private void Compact()
    {
        var keep = Enumerable.Range(0, _rowResponse.Length).Where(r => _responses[_rowResponse[r]].Finished is null).ToArray();
        using (var scope = NewDisposeScope())
        {
            var index = tensor(keep.Select(r => (long)r).ToArray(), device: _model.Device);
            _cache?.SelectRows(index);
            var keyValid = _keyValid!.index_select(0, index).DetachFromDisposeScope();
            _keyValid.Dispose();
            _keyValid = keyValid;
        }
        _rowResponse = keep.Select(r => _rowResponse[r]).ToArray();
        _nextPosition = keep.Select(r => _nextPosition[r]).ToArray();
        _lastToken = keep.Select(r => _lastToken[r]).ToArray();
        if (_rowTokens is not null)
        {
            _rowTokens = keep.Select(r => _rowTokens[r]).ToArray();
            _rowPositions = keep.Select(r => _rowPositions![r]).ToArray();
        }
    }

    private void Complete()
    {
        _results = _responses.Select(r => r.Build(_policy.Tokenizer.Decode(r.Ids))).ToList();
        ReleaseTensors();
    }

    private void ReleaseTensors()
    {
        _cache?.Dispose();
        _cache = null;
        _keyValid?.Dispose();
        _keyValid = null;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        ReleaseTensors();
    }
}
