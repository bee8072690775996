using ActorRL.Tasks.Numerics;

namespace ActorRL.Tasks.MathAnswers;

/// <summary>
/// A recursive-descent parser for the expressions final answers are written in, LaTeX or plain:
/// <c>-\frac{3}{4}</c>, <c>\frac34</c>, <c>2\sqrt{3}</c>, <c>\sqrt[3]{8}</c>, <c>(x+1)^2</c>, <c>3x^2-2x</c>,
/// <c>2\pi r</c>, <c>\sin(x)</c>, <c>5!</c>, <c>|x|</c>, <c>2\frac{1}{2}</c> (a mixed number).
/// It only builds a tree; nothing in the input is ever executed. Input length and nesting depth are bounded,
/// so a hostile response can neither overflow the stack nor run for long.
/// </summary>
/// <remarks>
/// Grammar (precedence low → high): sum := ['+'|'-'] product (('+'|'-') product)*;
/// product := power (('*'|'/')? power)* — juxtaposition is multiplication; power := postfix ('^' exponent)?;
/// postfix := primary '!'*; primary := number | variable | (…) | […] | {…} | |…| | \command arguments.
/// Plain multi-letter words other than function names are products of one-letter variables (<c>xy</c> = x·y).
/// </remarks>
public sealed class MathExpressionParser
{
    public const int MaxLength = 2000;
    public const int MaxDepth = 200;

    private static readonly HashSet<string> Functions = ["sqrt", "sin", "cos", "tan", "ln", "log", "exp", "abs"];
    private static readonly HashSet<string> NotOperands =
        ["cdot", "times", "div", "cup", "cap", "pm", "mp", "le", "leq", "ge", "geq", "lt", "gt", "neq", "ne", "to", "in", "approx", "quad", "qquad", "right", "left"];

    private readonly string _text;
    private readonly CancellationToken _cancellation;
    private int _pos;
    private int _depth;

    private MathExpressionParser(string text, CancellationToken cancellation)
    {
        _text = text;
        _cancellation = cancellation;
    }

    /// <summary>The expression tree, or null when <paramref name="text"/> is not a single well-formed expression.</summary>
    public static MathNode? TryParse(string text, CancellationToken cancellation = default)
    {
        if (text.Length == 0 || text.Length > MaxLength) return null;
        var parser = new MathExpressionParser(text, cancellation);
        try
        {
            var node = parser.ParseSum();
            parser.SkipSpaces();
            return parser.AtEnd ? node : null;
        }
        catch (MathSyntaxException)
        {
            return null;
        }
    }

    private bool AtEnd => _pos >= _text.Length;
    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void SkipSpaces()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private bool TryConsume(char c)
    {
        SkipSpaces();
        if (Peek() != c) return false;
        _pos++;
        return true;
    }

    private bool TryConsumeCommand(string name)
    {
        SkipSpaces();
        if (Peek() != '\\' || PeekCommand() != name) return false;
        _pos += name.Length + 1;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c)) throw new MathSyntaxException($"expected '{c}' at {_pos}");
    }

    private MathNode ParseSum()
    {
        Enter();
        var node = ParseSigned();
        while (true)
        {
            if (TryConsume('+')) node = new BinaryNode('+', node, ParseSigned());
            else if (TryConsume('-')) node = new BinaryNode('-', node, ParseSigned());
            else break;
        }
        Leave();
        return node;
    }

    private MathNode ParseSigned()
    {
        Enter();
        MathNode node = TryConsume('-') ? new NegateNode(ParseSigned())
            : TryConsume('+') ? ParseSigned()
            : ParseProduct();
        Leave();
        return node;
    }

    private MathNode ParseProduct()
    {
        var node = ParsePower();
        while (true)
        {
            if (TryConsume('*') || TryConsumeCommand("cdot") || TryConsumeCommand("times")) node = new BinaryNode('*', node, ParseSignedPower());
            else if (TryConsume('/') || TryConsumeCommand("div")) node = new BinaryNode('/', node, ParseSignedPower());
            else if (StartsImplicitOperand())
            {
                var right = ParsePower();
                // "2\frac{1}{2}" is the mixed number 2½, not 2·½.
                node = IsMixedNumber(node, right) ? new BinaryNode('+', node, right) : new BinaryNode('*', node, right);
            }
            else break;
        }
        return node;
    }

    private MathNode ParseSignedPower() => TryConsume('-') ? new NegateNode(ParseSignedPower()) : ParsePower();

    private static bool IsMixedNumber(MathNode left, MathNode right) =>
        left is NumberNode { Value.IsInteger: true } && right is BinaryNode('/', NumberNode { Value.IsInteger: true }, NumberNode { Value.IsInteger: true }) { IsFromFrac: true };

    /// <summary>Juxtaposition multiplies when the next thing starts an operand that is not a bare number ("2 3" is an error).</summary>
    private bool StartsImplicitOperand()
    {
        SkipSpaces();
        var c = Peek();
        if (char.IsAsciiLetter(c) || c is '(' or '{') return true;
        if (c != '\\') return false;
        var name = PeekCommand();
        return name.Length > 0 && !NotOperands.Contains(name);
    }

    private MathNode ParsePower()
    {
        Enter();
        var node = ParsePostfix();
        if (TryConsume('^')) node = new BinaryNode('^', node, ParseExponent());
        Leave();
        return node;
    }

    private MathNode ParseExponent()
    {
        Enter();
        SkipSpaces();
        MathNode node = Peek() == '-' ? ConsumeThen(() => new NegateNode(ParseExponent()))
            : Peek() == '{' ? ParseGroup('{', '}')
            : ParsePower();
        Leave();
        return node;
    }

    private MathNode ConsumeThen(Func<MathNode> next)
    {
        _pos++;
        return next();
    }

    private MathNode ParsePostfix()
    {
        var node = ParsePrimary();
        while (TryConsume('!')) node = new FunctionNode("factorial", node);
        return node;
    }

    private MathNode ParsePrimary()
    {
        Enter();
        SkipSpaces();
        var c = Peek();
        MathNode node;
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1)))) node = ParseNumber();
        else if (c == '(') node = ParseGroup('(', ')');
        else if (c == '[') node = ParseGroup('[', ']');
        else if (c == '{') node = ParseGroup('{', '}');
        else if (c == '|') node = new FunctionNode("abs", ParseGroup('|', '|'));
        else if (char.IsAsciiLetter(c)) node = ParseWord();
        else if (c == '\\') node = ParseCommand();
        else throw new MathSyntaxException(AtEnd ? "unexpected end" : $"unexpected '{c}' at {_pos}");
        Leave();
        return node;
    }

    private MathNode ParseGroup(char open, char close)
    {
        Expect(open);
        var inner = ParseSum();
        Expect(close);
        return inner;
    }

    private NumberNode ParseNumber()
    {
        var start = _pos;
        while (char.IsAsciiDigit(Peek())) _pos++;
        if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
        {
            _pos++;
            while (char.IsAsciiDigit(Peek())) _pos++;
        }
        if (!Rational.TryParseDecimal(_text[start.._pos], out var value)) throw new MathSyntaxException($"bad number at {start}");
        return new NumberNode(value);
    }

    /// <summary>A plain word: a function name or pi, else a one-letter variable (with an optional subscript).</summary>
    private MathNode ParseWord()
    {
        var start = _pos;
        var end = _pos;
        while (end < _text.Length && char.IsAsciiLetter(_text[end])) end++;
        var word = _text[start..end].ToLowerInvariant();
        if (word == "pi") { _pos = end; return new ConstantNode(MathConstant.Pi); }
        if (word is "inf" or "infinity") { _pos = end; return new ConstantNode(MathConstant.Infinity); }
        if (Functions.Contains(word)) { _pos = end; return new FunctionNode(word, ParseFunctionArgument()); }
        _pos = start + 1;
        return new VariableNode(_text[start].ToString() + ParseSubscript());
    }

    private string ParseSubscript()
    {
        if (Peek() != '_') return "";
        _pos++;
        if (Peek() == '{')
        {
            var close = _text.IndexOf('}', _pos);
            if (close < 0) throw new MathSyntaxException("unclosed subscript");
            var sub = _text[(_pos + 1)..close];
            _pos = close + 1;
            return "_" + sub.Trim();
        }
        if (char.IsAsciiLetterOrDigit(Peek())) return "_" + _text[_pos++];
        throw new MathSyntaxException($"bad subscript at {_pos}");
    }

    private string PeekCommand()
    {
        var end = _pos + 1;
        while (end < _text.Length && char.IsAsciiLetter(_text[end])) end++;
        return _text[(_pos + 1)..end];
    }

    private MathNode ParseCommand()
    {
        var name = PeekCommand();
        if (name.Length == 0) throw new MathSyntaxException($"bad command at {_pos}");
        _pos += name.Length + 1;
        switch (name)
        {
            case "frac":
            case "over":
                var numerator = ParseArgument();
                var denominator = ParseArgument();
                return new BinaryNode('/', numerator, denominator) { IsFromFrac = true };
            case "sqrt":
                SkipSpaces();
                if (Peek() == '[') return new RootNode(ParseGroup('[', ']'), ParseArgument());
                return new FunctionNode("sqrt", ParseArgument());
            case "pi":
                return new ConstantNode(MathConstant.Pi);
            case "infty":
            case "infinity":
                return new ConstantNode(MathConstant.Infinity);
            case "sin" or "cos" or "tan" or "ln" or "log" or "exp":
                return new FunctionNode(name, ParseFunctionArgument());
            case "operatorname" or "mathrm" or "mathbf" or "text":
                return ParseArgument();
            default:
                if (NotOperands.Contains(name)) throw new MathSyntaxException($"'\\{name}' is not an operand");
                // Greek letters and other symbols are variables.
                return new VariableNode(name + ParseSubscript());
        }
    }

    /// <summary>A TeX argument: a braced group, else a single digit, letter or command (<c>\frac34</c>, <c>\sqrt2</c>).</summary>
    private MathNode ParseArgument()
    {
        Enter();
        SkipSpaces();
        var c = Peek();
        MathNode node;
        if (c == '{') node = ParseGroup('{', '}');
        else if (c == '(') node = ParseGroup('(', ')');
        else if (char.IsAsciiDigit(c)) { _pos++; node = new NumberNode(Rational.FromInteger(c - '0')); }
        else if (char.IsAsciiLetter(c)) { _pos++; node = new VariableNode(c.ToString()); }
        else if (c == '\\') node = ParseCommand();
        else throw new MathSyntaxException($"expected an argument at {_pos}");
        Leave();
        return node;
    }

    /// <summary>A function's argument: parenthesised or braced, else the next power ("\sin x", "sqrt 2").</summary>
    private MathNode ParseFunctionArgument()
    {
        SkipSpaces();
        return Peek() switch
        {
            '(' => ParseGroup('(', ')'),
            '{' => ParseGroup('{', '}'),
            _ => ParsePower(),
        };
    }

    private void Enter()
    {
        if (++_depth > MaxDepth) throw new MathSyntaxException("nested too deeply");
        _cancellation.ThrowIfCancellationRequested();
    }

    private void Leave() => _depth--;

    private sealed class MathSyntaxException(string message) : Exception(message);
}
