using static TorchSharp.torch;

namespace ActorRL.Model.Policies.Batching;

/// <summary>
/// Keys and values of a continuous batch, [rows, H, capacity, Dh] per layer: sequence i of the batch lives in row i,
/// its position p at column p, so a decode step attends over a plain view of the first rows and columns (no gather
/// of scattered pages: on a CPU that copy cost more than the attention it fed). Rows stay in the order sequences
/// started (so roughly longest first); finished rows are dropped by an occasional <see cref="Compact"/>, and each row
/// writes its new token at its own column. The buffers
/// grow (rows and columns, geometrically) only as running sequences need, never past <see cref="MaxSlots"/> token slots.
/// </summary>
internal sealed class KvRowCache : IDisposable
{
    private readonly KvLayout _layout;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private readonly int _maxRows;
    private Tensor[] _keys;
    private Tensor[] _values;

    public KvRowCache(KvLayout layout, ScalarType dtype, Device device, int maxRows, long maxSlots)
    {
        _layout = layout;
        _dtype = dtype;
        _device = device;
        _maxRows = maxRows;
        MaxSlots = maxSlots;
        _keys = new Tensor[layout.Layers];
        _values = new Tensor[layout.Layers];
    }

    /// <summary>Token slots the cache may ever allocate (the KV budget).</summary>
    public long MaxSlots { get; }

    public int Rows { get; private set; }
    public int Columns { get; private set; }
    public long Allocated => (long)Rows * Columns;

    /// <summary>Makes room for <paramref name="rows"/> rows of <paramref name="columns"/> positions, keeping the first <paramref name="keep"/> rows.</summary>
    public void Reserve(int rows, int columns, int keep)
    {
        if ((long)rows * columns > MaxSlots)
            throw new InvalidOperationException($"{rows} rows × {columns} positions exceed the KV budget of {MaxSlots} token slots");
        if (rows <= Rows && columns <= Columns) return;
        // Grow geometrically within the budget, so a batch that fills up does not reallocate at every admission.
        var newColumns = Math.Max(columns, Columns);
        if ((long)rows * newColumns > MaxSlots) newColumns = columns;
        var newRows = (int)Math.Min(Math.Min(Math.Max(rows, 2L * Rows), _maxRows), MaxSlots / newColumns);
        newRows = Math.Max(newRows, rows);
        using var scope = NewDisposeScope();
        for (var i = 0; i < _layout.Layers; i++)
        {
            _keys[i] = Regrown(_keys[i], newRows, newColumns, keep);
            _values[i] = Regrown(_values[i], newRows, newColumns, keep);
        }
        (Rows, Columns) = (newRows, newColumns);
    }

    private Tensor Regrown(Tensor? old, int rows, int columns, int keep)
    {
        var grown = zeros([rows, _layout.Heads, columns, _layout.HeadDim], _dtype, _device);
        if (old is not null)
        {
            var (r, c) = (Math.Min(keep, Rows), Math.Min(columns, Columns));
            if (r > 0) grown.narrow(0, 0, r).narrow(2, 0, c).copy_(old.narrow(0, 0, r).narrow(2, 0, c));
            old.Dispose();
        }
        return grown.DetachFromDisposeScope();
    }

    /// <summary>Writes [n, H, T, Dh] into rows [<paramref name="row"/>, row + n), columns [0, T).</summary>
    public void WriteBlock(int layer, int row, Tensor keys, Tensor values)
    {
        var (n, t) = (keys.shape[0], keys.shape[2]);
        _keys[layer].narrow(0, row, n).narrow(2, 0, t).copy_(keys);
        _values[layer].narrow(0, row, n).narrow(2, 0, t).copy_(values);
    }

    /// <summary>Writes one position per row: [n, H, 1, Dh] at the flat indices <paramref name="cells"/> ([n·H], see <see cref="Cells"/>).</summary>
    public void WriteColumn(int layer, Tensor cells, Tensor keys, Tensor values)
    {
        var (b, h, d) = (keys.shape[0], keys.shape[1], keys.shape[3]);
        _keys[layer].view(-1, d).index_copy_(0, cells, keys.reshape(b * h, d));
        _values[layer].view(-1, d).index_copy_(0, cells, values.reshape(b * h, d));
    }

    /// <summary>Flat indices of (row <paramref name="rows"/>[i], every head, column <paramref name="columns"/>[i]) for <see cref="WriteColumn"/>.</summary>
    public long[] Cells(IReadOnlyList<int> rows, IReadOnlyList<long> columns)
    {
        var heads = _layout.Heads;
        var cells = new long[columns.Count * heads];
        for (var i = 0; i < columns.Count; i++)
            for (var h = 0; h < heads; h++)
                cells[i * heads + h] = ((long)rows[i] * heads + h) * Columns + columns[i];
        return cells;
    }

    /// <summary>Rows [0, <paramref name="rows"/>), columns [0, <paramref name="columns"/>) as views [rows, H, columns, Dh].</summary>
    public (Tensor Keys, Tensor Values) Read(int layer, int rows, int columns) =>
        (_keys[layer].narrow(0, 0, rows).narrow(2, 0, columns), _values[layer].narrow(0, 0, rows).narrow(2, 0, columns));

    /// <summary>
    /// Moves rows <paramref name="keep"/> (int64, ascending, all ≥ <paramref name="first"/>) to rows [first, first + n),
    /// in order, copying only their first <paramref name="columns"/> columns: rows before the first hole stay put, and
    /// nothing past the longest running sequence is moved.
    /// </summary>
    public void Compact(int first, Tensor keep, int columns)
    {
        var n = keep.shape[0];
        for (var i = 0; i < _layout.Layers; i++)
        {
            _keys[i].narrow(0, first, n).narrow(2, 0, columns).copy_(_keys[i].narrow(2, 0, columns).index_select(0, keep));
            _values[i].narrow(0, first, n).narrow(2, 0, columns).copy_(_values[i].narrow(2, 0, columns).index_select(0, keep));
        }
    }

    public void Dispose()
    {
        foreach (var t in _keys) t?.Dispose();
        foreach (var t in _values) t?.Dispose();
    }
}
