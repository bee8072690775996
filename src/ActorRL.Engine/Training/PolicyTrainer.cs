using ActorRL.Core.Algorithms;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Pipeline;
using ActorRL.Model.Checkpoints;
using ActorRL.Model.Policies;
using ActorRL.Model.Settings;
using ActorRL.Model.Training;
using ActorRL.Tasks;
using static TorchSharp.torch;

namespace ActorRL.Engine.Training;

/// <summary>Everything the learner's compute is configured by.</summary>
public sealed record TrainerSettings(
    AlgorithmSettings Algorithm,
    LearnerSettings Learner,
    WarmStartSettings WarmStart,
    PipelineSettings Pipeline,
    GenerationSettings Generation);

/// <summary>
/// The learner's compute, read top to bottom like the algorithm: warm start (supervised steps on
/// demonstrations), then RL steps — advantages per group, then ppo-epochs × mini-batches of
/// score → policy loss → backward → clip → AdamW — and greedy evaluation on the held-out split.
/// Every step runs inside a dispose scope; only the policy's parameters and the optimizer state persist.
/// </summary>
public sealed class PolicyTrainer : IPolicyTrainer
{
    /// <summary>The KL reference's weights inside a checkpoint directory (present when the run has a KL penalty).</summary>
    public const string ReferenceFolder = "reference";

    private readonly IPolicy _policy;
    private IPolicy? _reference;
    private readonly TrainerSettings _settings;
    private readonly AlgorithmSettings _algorithm;
    private readonly IVerifiableTask _task;
    private readonly Func<string, string, bool> _isCorrect;
    private readonly AdamW _optimizer;
    private readonly PolicyLoss _loss;
    private readonly PromptEncoding _encoding;
    private readonly LearningRateSchedule _warmStartSchedule;
    private readonly LearningRateSchedule _rlSchedule;
    private long _rlUpdates;

    /// <param name="isCorrect">(gold, response) → correct; the evaluation's judge (the task's verifier, isolated).</param>
    public PolicyTrainer(IPolicy policy, TrainerSettings settings, IVerifiableTask task, Func<string, string, bool> isCorrect,
        PromptEncoding? encoding = null)
    {
        _encoding = encoding ?? new PromptEncoding(policy.Tokenizer);
        _policy = policy;
        _settings = settings;
        _task = task;
        _isCorrect = isCorrect;
        // Dr. GRPO's constant normaliser defaults to the longest possible response, not the batch's padded width.
        _algorithm = settings.Algorithm.Aggregation == LossAggregations.SeqMeanTokenSumNorm && settings.Algorithm.NormLength is null
            ? settings.Algorithm with { NormLength = settings.Generation.MaxNewTokens }
            : settings.Algorithm;
        _loss = new PolicyLoss(_algorithm);
        var learner = settings.Learner;
        _optimizer = new AdamW(policy.NamedParameters(), learner.Beta1, learner.Beta2, learner.Epsilon, learner.WeightDecay);
        _warmStartSchedule = new LearningRateSchedule(settings.WarmStart.LearningRate, learner.WarmupSteps, LearningRateDecay.Cosine,
            Math.Max(1, settings.WarmStart.Steps), learner.MinLearningRateRatio);
        var pipeline = settings.Pipeline;
        var rlUpdates = (long)pipeline.RlSteps * pipeline.PpoEpochs * pipeline.MiniBatches;
        _rlSchedule = new LearningRateSchedule(learner.LearningRate, learner.WarmupSteps, learner.Schedule,
            learner.DecaySteps ?? Math.Max(1, rlUpdates), learner.MinLearningRateRatio);
    }

    public long Version => _policy.Version;

    public IPolicy Policy => _policy;

    public AdamW Optimizer => _optimizer;

    /// <summary>The frozen policy of the KL penalty (kl.reference = initial): the weights RL started from; null before that or without KL.</summary>
    public IPolicy? Reference => _reference;

    /// <summary>With a KL penalty, the reference is a frozen copy of the weights now: the policy RL starts from.</summary>
    public void RlStartsHere()
    {
        if (!_algorithm.Kl.Enabled) return;
        _reference?.Dispose();
        _reference = _policy.CreateReplica();
    }

    public IReadOnlyDictionary<string, double> WarmStartStep(int step)
    {
        using var scope = NewDisposeScope();
        var size = _settings.WarmStart.BatchSize;
        var demos = Enumerable.Range(0, size).Select(i => _task.DemonstrationAt((long)step * size + i)).ToList();
        var sequences = demos
            .Select(d => new ScoringSequence(_encoding.Prompt(d.Prompt), _encoding.Target(d.Target)))
            .ToList();
        var scored = _policy.Score(sequences, new ScoreOptions(1.0, ComputeEntropy: false));
        // Mean negative log-likelihood per target token.
        var loss = -(scored.LogProbs * scored.Mask).sum() / scored.Mask.sum();
        var lr = _warmStartSchedule.At(step);
        var gradNorm = Update(loss, lr);
        return new Dictionary<string, double>
        {
            ["loss"] = loss.item<float>(),
            ["lr"] = lr,
            ["grad_norm"] = gradNorm,
            ["mistake_fraction"] = demos.Count(d => d.HasMistake) / (double)demos.Count,
        };
    }

    public IReadOnlyDictionary<string, double> Train(IReadOnlyList<RolloutGroup> batch)
    {
        using var scope = NewDisposeScope();
        var responses = batch.SelectMany((g, gi) => g.Rollouts.Select(r => (Group: g, GroupIndex: gi, Rollout: r))).ToList();
        var rewards = tensor(responses.Select(r => r.Rollout.Reward).ToArray(), ScalarType.Float64);
        var groupIndex = tensor(responses.Select(r => (long)r.GroupIndex).ToArray());
        var advantage = AdvantageEstimators.Compute(_algorithm.Advantage, rewards, groupIndex, _algorithm.AdvantageOptions);
        var advantages = advantage.Advantages.to(ScalarType.Float32).data<float>().ToArray();

        var metrics = new MetricsAccumulator();
        var updates = SplitGroups(batch.Count, _settings.Pipeline.MiniBatches)
            .Select(groups => UpdateBatch.Of(responses.Select((r, i) => new TrainingResponse(r.Group, r.Rollout, advantages[i]))
                .Where((_, i) => groups.Contains(responses[i].GroupIndex))
                .ToList(), _settings.Learner.MicroBatchTokens))
            .ToList();
        // Log-probs that must not move during the step: the proximal policy (AReaL's decoupled objective: the
        // weights at the start of this learner step, for every mini-batch and epoch) and the reference policy.
        var fixedLogProbs = updates.Select(u => u.MicroBatches.Select(FixedLogProbs).ToList()).ToList();
        for (var epoch = 0; epoch < _settings.Pipeline.PpoEpochs; epoch++)
        {
            for (var p = 0; p < updates.Count; p++)
            {
                using var stepScope = NewDisposeScope();
                var lr = _rlSchedule.At(_rlUpdates++);
                var (lossValue, lossMetrics, gradNorm) = UpdateOn(updates[p], fixedLogProbs[p], lr);
                metrics.Add(lossValue, lossMetrics, gradNorm, lr);
            }
        }
        _policy.SetVersion(_policy.Version + 1);
        var values = metrics.Summary();
        values["advantage_abs_mean"] = advantages.Length == 0 ? 0 : advantages.Average(a => Math.Abs(a));
        values["singleton_groups"] = advantage.SingletonGroups;
        values["zero_advantage_fraction"] = advantages.Length == 0 ? 0 : advantages.Count(a => a == 0) / (double)advantages.Length;
        values["micro_batches"] = updates.Count == 0 ? 0 : updates.Average(u => u.MicroBatches.Count);
        return values;
    }

    private static List<ScoringSequence> Sequences(IReadOnlyList<TrainingResponse> part) =>
        part.Select(p => new ScoringSequence(p.Group.PromptTokenIds, p.Rollout.TokenIds)).ToList();

    /// <summary>Proximal and reference log-probs of a micro-batch, scored once before any update of the step.</summary>
    private (Tensor? Proximal, Tensor? Reference) FixedLogProbs(IReadOnlyList<TrainingResponse> part)
    {
        using var noGrad = no_grad();
        var options = new ScoreOptions(ScoringTemperature, ComputeEntropy: false);
        var sequences = Sequences(part);
        var proximal = _algorithm.OffPolicy.Decoupled ? _policy.Score(sequences, options).LogProbs.detach() : null;
        var reference = _algorithm.Kl.Enabled ? Frozen(_reference).Score(sequences, options).LogProbs.detach() : null;
        return (proximal, reference);
    }

    private static IPolicy Frozen(IPolicy? reference) => reference
        ?? throw new InvalidOperationException("the KL reference is taken when RL starts (RlStartsHere) or restored from a checkpoint; neither happened");

    /// <summary>
    /// One optimizer update: every micro-batch scored, its loss (normalised by the whole update's totals) back-propagated
    /// and the gradients accumulated, then one clip and one AdamW step. Returns the update's loss, metrics and gradient norm.
    /// </summary>
    private (double Loss, PolicyLossMetrics Metrics, double GradNorm) UpdateOn(
        UpdateBatch update, IReadOnlyList<(Tensor? Proximal, Tensor? Reference)> fixedLogProbs, double lr)
    {
        // A single micro-batch is the whole update and normalises by its own counts, exactly as before micro-batching.
        var totals = update.MicroBatches.Count == 1 ? null
            : _algorithm.EntropyAdaptiveClip.Enabled ? update.Totals with { MeanEntropy = MeanEntropy(update) }
            : update.Totals;
        _optimizer.ZeroGrad();
        var loss = 0.0;
        var metrics = new List<PolicyLossMetrics>(update.MicroBatches.Count);
        for (var m = 0; m < update.MicroBatches.Count; m++)
        {
            using var microScope = NewDisposeScope();
            var result = _loss.Compute(PolicyBatchOf(update.MicroBatches[m], fixedLogProbs[m], totals));
            result.Loss.backward();
            // Half-precision weights: each micro-batch's gradient is added into float32, not summed in bf16.
            _optimizer.AccumulateGradients();
            loss += result.Loss.to(ScalarType.Float64).item<double>();
            metrics.Add(result.Metrics);
        }
        return (loss, PolicyLossMetrics.Combine(metrics), ClipAndStep(lr));
    }

    private PolicyBatch PolicyBatchOf(IReadOnlyList<TrainingResponse> part, (Tensor? Proximal, Tensor? Reference) fixedLogProbs, BatchTotals? totals)
    {
        var scored = _policy.Score(Sequences(part), new ScoreOptions(ScoringTemperature, ComputeEntropy: true, EntropyGradient: _algorithm.EntropyCoef != 0));
        var width = scored.LogProbs.shape[1];
        var behaviour = new float[part.Count * width];
        for (var i = 0; i < part.Count; i++)
        {
            var logProbs = part[i].Rollout.BehaviourLogProbs;
            for (var t = 0; t < logProbs.Count; t++) behaviour[i * width + t] = logProbs[t];
        }
        var device = scored.LogProbs.device;
        return new PolicyBatch(
            scored.LogProbs,
            tensor(behaviour, [part.Count, width], device: device),
            scored.Mask,
            tensor(part.Select(p => p.Advantage).ToArray(), device: device))
        {
            ProximalLogProbs = fixedLogProbs.Proximal,
            ReferenceLogProbs = fixedLogProbs.Reference,
            Entropies = scored.Entropies,
            TokenTexts = part.Select(p => p.Rollout.TokenTexts).ToList(),
            Totals = totals,
        };
    }

    /// <summary>
    /// H̄ of the whole update under the current weights, for entropy-adaptive clipping over micro-batches: one extra
    /// gradient-free scoring pass, the price of a clip range that must not depend on how the update was cut.
    /// </summary>
    private double MeanEntropy(UpdateBatch update)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sum = 0.0;
        foreach (var part in update.MicroBatches)
        {
            var scored = _policy.Score(Sequences(part), new ScoreOptions(ScoringTemperature, ComputeEntropy: true, EntropyGradient: false));
            sum += (scored.Entropies! * scored.Mask).sum().to(ScalarType.Float64).item<double>();
        }
        return sum / update.Totals.Tokens;
    }

    /// <summary>The learner scores at the temperature the generators sampled at (greedy generation scores at 1).</summary>
    private double ScoringTemperature => _settings.Generation.Temperature > 0 ? _settings.Generation.Temperature : 1.0;

    private double Update(Tensor loss, double lr)
    {
        _optimizer.ZeroGrad();
        loss.backward();
        return ClipAndStep(lr);
    }

    private double ClipAndStep(double lr)
    {
        var gradNorm = _settings.Learner.GradientClip > 0 ? _optimizer.ClipGradientNorm(_settings.Learner.GradientClip) : double.NaN;
        _optimizer.Step(lr);
        return gradNorm;
    }

    private static List<HashSet<int>> SplitGroups(int groups, int parts)
    {
        var split = Enumerable.Range(0, parts).Select(_ => new HashSet<int>()).ToList();
        for (var g = 0; g < groups; g++) split[g * parts / groups].Add(g);
        return split.Where(s => s.Count > 0).ToList();
    }

    public IReadOnlyDictionary<string, double> Evaluate()
    {
        var prompts = _task.EvalPrompts.Take(_settings.Pipeline.EvalSize).ToList();
        if (prompts.Count == 0) return new Dictionary<string, double>();
        var correct = 0;
        long length = 0;
        const int chunk = 100;
        for (var start = 0; start < prompts.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var part = prompts.Skip(start).Take(chunk).ToList();
            var request = new SamplingRequest(part.Select(p => _encoding.Prompt(p.Text)).ToList(),
                SamplesPerPrompt: 1, Temperature: 0, MaxNewTokens: _settings.Generation.MaxNewTokens,
                StopTokenIds: _encoding.StopTokenIds,
                StopStrings: _settings.Generation.StopStrings.Count > 0 ? _settings.Generation.StopStrings : null);
            foreach (var response in _policy.Sample(request))
            {
                length += response.Length;
                if (_isCorrect(part[response.PromptIndex].Gold, response.Text)) correct++;
            }
        }
        return new Dictionary<string, double>
        {
            ["accuracy"] = correct / (double)prompts.Count,
            ["eval_response_length_mean"] = length / (double)prompts.Count,
            ["eval_prompts"] = prompts.Count,
        };
    }

    public PolicySnapshot Snapshot() => SnapshotConversion.Export(_policy, Version);

    /// <summary>
    /// Weights (with the version), AdamW moments and step, and with a KL penalty the reference's weights in
    /// <see cref="ReferenceFolder"/>: a resumed run penalises against the policy RL started from, as an uninterrupted one
    /// does. The LR schedule's position follows from the step.
    /// </summary>
    public IReadOnlyList<CommittedFile> SaveCheckpoint(string directory, int rlStep)
    {
        var metadata = new Dictionary<string, string> { ["actorrl.rl-step"] = rlStep.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var files = Checkpoint.Save(directory, _policy, _optimizer, metadata: metadata).ToList();
        if (_algorithm.Kl.Enabled) files.AddRange(Checkpoint.Save(Path.Combine(directory, ReferenceFolder), Frozen(_reference)));
        return files.Select(f => new CommittedFile(Path.GetRelativePath(directory, f.Path).Replace('\\', '/'), f.Bytes, f.Sha256)).ToList();
    }

    public void LoadCheckpoint(string directory, int rlStep)
    {
        try
        {
            Checkpoint.Load(directory, _policy, _optimizer);
        }
        catch (CheckpointMismatchException e)
        {
            throw new CheckpointUnavailableException(e.Message + "; restore that base folder, or start over with --fresh");
        }
        _rlUpdates = (long)rlStep * _settings.Pipeline.PpoEpochs * _settings.Pipeline.MiniBatches;
        if (!_algorithm.Kl.Enabled) return;
        var reference = Path.Combine(directory, ReferenceFolder);
        if (!File.Exists(Path.Combine(reference, Checkpoint.WeightsFile)))
            throw new CheckpointUnavailableException(
                $"{directory} holds no KL reference ({ReferenceFolder}/{Checkpoint.WeightsFile}), so the run cannot go on penalising against the policy it " +
                "started RL from (a checkpoint written before references were saved?); start over with --fresh, or set actorrl.algorithm.kl.coef = 0");
        _reference ??= _policy.CreateReplica();
        Checkpoint.Load(reference, _reference);
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _reference?.Dispose();
        _policy.Dispose();
    }
}
