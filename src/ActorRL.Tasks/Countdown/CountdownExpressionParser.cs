namespace ActorRL.Tasks.Countdown;

/// <summary>
/// Parses a countdown answer such as <c>(50-25)*3</c> into a <see cref="CountdownNode"/> tree. Grammar:
/// expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*; factor := integer | '(' expr ')'.
/// × · x and ÷ are accepted for * and /. There is no unary minus (countdown cannot negate a number) and
/// nothing is ever executed: the tree is evaluated by <see cref="CountdownVerifier"/>.
/// </summary>
public sealed class CountdownExpressionParser
{
    private const int MaxLength = 500;
    private const int MaxDepth = 50;

    private readonly string _text;
    private int _pos;
    private int _depth;

    private CountdownExpressionParser(string text) => _text = text;

    /// <summary>The tree, or null when <paramref name="text"/> is not a well-formed expression.</summary>
    public static CountdownNode? TryParse(string text)
    {
        if (text.Length == 0 || text.Length > MaxLength) return null;
        var parser = new CountdownExpressionParser(text);
        var node = parser.ParseExpression();
        parser.SkipSpaces();
        return node is not null && parser._pos == text.Length ? node : null;
    }

    private CountdownNode? ParseExpression()
    {
        if (++_depth > MaxDepth) return null;
        var node = ParseTerm();
        while (node is not null && NextOperator("+-") is { } op) node = ParseTerm() is { } right ? new CountdownOperation(op, node, right) : null;
        _depth--;
        return node;
    }

    private CountdownNode? ParseTerm()
    {
        var node = ParseFactor();
        while (node is not null && NextOperator("*/") is { } op) node = ParseFactor() is { } right ? new CountdownOperation(op, node, right) : null;
        return node;
    }

    private CountdownNode? ParseFactor()
    {
        SkipSpaces();
        if (_pos >= _text.Length) return null;
        if (_text[_pos] == '(')
        {
            _pos++;
            var inner = ParseExpression();
            SkipSpaces();
            if (inner is null || _pos >= _text.Length || _text[_pos] != ')') return null;
            _pos++;
            return inner;
        }
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        var digits = _text[start.._pos];
        return digits.Length is > 0 and <= 9 ? new CountdownNumber(int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>Consumes the next operator if it is one of <paramref name="allowed"/> (after mapping × · x ÷).</summary>
    private char? NextOperator(string allowed)
    {
        SkipSpaces();
        if (_pos >= _text.Length) return null;
        var op = _text[_pos] switch
        {
            '×' or '·' or 'x' or 'X' => '*',
            '÷' => '/',
            '−' => '-',
            var c => c,
        };
        if (!allowed.Contains(op)) return null;
        _pos++;
        return op;
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }
}
