using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// The units an importance ratio is taken over: every token of a padded [B,T] batch belongs to exactly one
/// unit (itself, its subsentence span, or its whole response). A unit's ratio is the geometric mean of its
/// tokens' ratios, i.e. exp of the unit mean of the log-ratios; one helper computes every level's mean.
/// </summary>
public sealed class RatioUnits
{
    private readonly Tensor _flatIds;   // [B·T] int64: the unit of every position (padding adds zero weight)
    private readonly Tensor _mask;      // [B,T] bool
    private readonly Tensor _unitSizes; // [B·T] tokens per unit id (0 for unused ids)

    private RatioUnits(Tensor unitIds, Tensor mask)
    {
        _mask = mask;
        _flatIds = unitIds.reshape(-1);
        var capacity = mask.numel();
        _unitSizes = zeros(capacity, ScalarType.Int64, mask.device).index_add(0, _flatIds, mask.reshape(-1).to_type(ScalarType.Int64), 1);
        SizeOfUnit = _unitSizes.index_select(0, _flatIds).reshape(mask.shape);
    }

    /// <summary>[B,T] int64: how many tokens share each token's unit (padding: size of the unit its id names).</summary>
    public Tensor SizeOfUnit { get; }

    /// <summary>Each token is its own unit (GRPO, DAPO).</summary>
    public static RatioUnits Tokens(Tensor mask) =>
        new(arange(mask.numel(), ScalarType.Int64, mask.device).reshape(mask.shape), mask);

    /// <summary>Each response is one unit (GSPO, LUSPO).</summary>
    public static RatioUnits Sequences(Tensor mask) =>
        new(arange(mask.shape[0], ScalarType.Int64, mask.device).unsqueeze(1).expand(mask.shape), mask);

    /// <summary>Each subsentence span is one unit (SSPO). <paramref name="spanIds"/> [B,T] int64 in [0, T).</summary>
    public static RatioUnits Spans(Tensor spanIds, Tensor mask)
    {
        var rowOffset = arange(mask.shape[0], ScalarType.Int64, mask.device).unsqueeze(1) * mask.shape[1];
        return new(rowOffset + spanIds.to_type(ScalarType.Int64), mask);
    }

    /// <summary>
    /// [B,T] → [B,T]: every position gets the mean of <paramref name="values"/> over the real tokens of its
    /// unit. Differentiable; padded positions never contribute.
    /// </summary>
    public Tensor UnitMean(Tensor values)
    {
        var masked = values.masked_fill(_mask.logical_not(), 0).reshape(-1);
        var sums = zeros(_flatIds.shape[0], values.dtype, values.device).index_add(0, _flatIds, masked, 1);
        var sizes = _unitSizes.to_type(values.dtype).clamp_min(1);
        return (sums / sizes).index_select(0, _flatIds).reshape(values.shape);
    }
}
