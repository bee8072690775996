using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorRL.Core.Configuration;

/// <summary>
/// Parses the HOCON we need: objects (braced or root), dotted keys, <c>=</c> / <c>:</c> / <c>+=</c>, lists,
/// quoted, triple-quoted and unquoted strings, numbers, booleans, null, comments, value concatenation on one
/// line, <c>${path}</c> / <c>${?path}</c> substitutions, and <c>include "file"</c> (also <c>file(..)</c>,
/// <c>required(..)</c>). Every syntax error is a <see cref="SettingsException"/> naming the file and line.
/// </summary>
public sealed partial class HoconParser
{
    /// <summary>Resolves an include: (including source, name written) → parsed object.</summary>
    public delegate HoconObject IncludeResolver(string fromSource, string name, int line);

    private const string UnquotedForbidden = "$\"{}[]:=,#`^?!@*&\\";

    /// <summary>Objects, lists and key segments nested deeper than this are refused: no configuration needs it, and the
    /// recursive parse, merge and resolve would otherwise end in a stack overflow (which no handler can catch).</summary>
    public const int MaxDepth = 64;
    private int _depth;
    private readonly string _text;
    private readonly string _source;
    private readonly IncludeResolver? _include;
    private int _pos;
    private int _line = 1;

    private HoconParser(string text, string source, IncludeResolver? include)
    {
        _text = text;
        _source = source;
        _include = include;
    }

    public static HoconObject Parse(string text, string source, IncludeResolver? include = null) =>
        new HoconParser(text, source, include).ParseRoot();

    [GeneratedRegex(@"^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex NumberPattern();

    private HoconPosition Here => new(_source, _line);
    private bool AtEnd => _pos >= _text.Length;
    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private SettingsException Error(string problem, int? line = null) =>
        new("", _source, line ?? _line, $"HOCON syntax error: {problem}");

    private HoconObject ParseRoot()
    {
        if (_text.Length > 0 && _text[0] == '\uFEFF') _pos = 1;
        SkipBlank(newlines: true);
        HoconObject root;
        if (Peek() == '{')
        {
            var open = _line;
            _pos++;
            root = new HoconObject(Here);
            ParseFields(root, '}', open);
            SkipBlank(newlines: true);
            if (!AtEnd) throw Error($"unexpected '{Peek()}' after the closing '}}' of the root object");
        }
        else
        {
            root = new HoconObject(Here);
            ParseFields(root, '\0', 1);
        }
        return root;
    }

    private void ParseFields(HoconObject target, char closing, int openLine)
    {
        while (true)
        {
            SkipBlank(newlines: true, commas: true);
            if (AtEnd)
            {
                if (closing != '\0') throw Error($"expected '}}' to close the object opened at line {openLine}, reached the end of the file");
                return;
            }
            var c = Peek();
            if (c == closing) { _pos++; return; }
            if (c is '}' or ']') throw Error($"unexpected '{c}'");
            if (TryParseInclude(target)) { ExpectEndOfField(closing, "include"); continue; }

            var keyLine = _line;
            var path = ParseKeyPath();
            // A dotted key nests its value as deep as its segments (a.b.c { … } is three objects deep).
            _depth += path.Count - 1;
            SkipBlank(newlines: false);
            c = Peek();
            HoconNode value;
            var append = false;
            if (c == '{')
            {
                value = ParseValue();
            }
            else if (c is '=' or ':')
            {
                _pos++;
                SkipBlank(newlines: true);
                value = ParseValue();
            }
            else if (c == '+' && Peek(1) == '=')
            {
                _pos += 2;
                SkipBlank(newlines: true);
                value = ParseValue();
                append = true;
            }
            else
            {
                throw Error($"expected '=', ':' or '{{' after the key '{string.Join('.', path)}', found {DescribeChar(c)}", keyLine);
            }
            _depth -= path.Count - 1;
            SetPath(target, path, value, append);
            ExpectEndOfField(closing, string.Join('.', path));
        }
    }

    private void ExpectEndOfField(char closing, string what)
    {
        SkipBlank(newlines: false);
        var c = Peek();
        if (AtEnd || c == '\n' || c == ',' || c == closing) return;
        throw Error($"unexpected {DescribeChar(c)} after the value of '{what}' (a value ends at a newline, ',' or '{(closing == '\0' ? "end of file" : closing.ToString())}')");
    }

    private static string DescribeChar(char c) => c switch
    {
        '\0' => "the end of the file",
        '\n' => "a line break",
        _ => $"'{c}'",
    };

    private bool TryParseInclude(HoconObject target)
    {
        if (string.CompareOrdinal(_text, _pos, "include", 0, 7) != 0) return false;
        var after = Peek(7);
        if (after != ' ' && after != '\t') return false;
        var line = _line;
        _pos += 7;
        SkipBlank(newlines: false);
        var name = ParseIncludeTarget();
        if (_include is null) throw Error($"include \"{name}\" is not allowed here", line);
        target.MergeFrom(_include(_source, name, line));
        return true;
    }

    private string ParseIncludeTarget()
    {
        foreach (var wrapper in new[] { "required(", "file(" })
        {
            if (string.CompareOrdinal(_text, _pos, wrapper, 0, wrapper.Length) != 0) continue;
            _pos += wrapper.Length;
            SkipBlank(newlines: false);
            var inner = ParseIncludeTarget();
            SkipBlank(newlines: false);
            if (Peek() != ')') throw Error($"expected ')' after include {wrapper}\"{inner}\"");
            _pos++;
            return inner;
        }
        if (Peek() != '"') throw Error("include must be followed by a quoted file name");
        return ParseQuoted();
    }

    private List<string> ParseKeyPath()
    {
        var segments = new List<string>();
        while (true)
        {
            string segment;
            if (Peek() == '"')
            {
                segment = ParseQuoted();
            }
            else
            {
                var start = _pos;
                while (!AtEnd && !IsKeyTerminator(Peek())) _pos++;
                segment = _text[start.._pos];
                if (segment.Length == 0) throw Error($"expected a key, found {DescribeChar(Peek())}");
            }
            segments.Add(segment);
            if (_depth + segments.Count > MaxDepth) throw Error($"keys and objects are nested more than {MaxDepth} deep");
            if (Peek() != '.') return segments;
            _pos++;
        }
    }

    private bool IsKeyTerminator(char c) =>
        char.IsWhiteSpace(c) || c == '.' || c == '+' || UnquotedForbidden.Contains(c) || (c == '/' && Peek(1) == '/');

    private HoconNode ParseValue()
    {
        var position = Here;
        var parts = new List<HoconNode>();
        var pieces = new StringBuilder();
        var pendingSpace = "";
        while (true)
        {
            var c = Peek();
            if (AtEnd || c is '\n' or ',' or '}' or ']' or '#' || (c == '/' && Peek(1) == '/')) break;
            if (c is ' ' or '\t' or '\r')
            {
                var start = _pos;
                while (Peek() is ' ' or '\t' or '\r') _pos++;
                pendingSpace = _text[start.._pos].Replace("\r", "");
                continue;
            }
            if (c is '{' or '[')
            {
                if (parts.Count > 0) throw Error("an object or list cannot be joined to other text on one line");
                HoconNode structured = c == '{' ? ParseBracedObject() : ParseArray();
                SkipBlank(newlines: false);
                var next = Peek();
                if (!(AtEnd || next is '\n' or ',' or '}' or ']' or '#' || (next == '/' && Peek(1) == '/')))
                    throw Error($"unexpected {DescribeChar(next)} after {structured.Describe()}");
                return structured;
            }
            if (parts.Count > 0 && pendingSpace.Length > 0) parts.Add(new HoconScalar(Here, HoconScalarKind.String, pendingSpace));
            pendingSpace = "";
            if (c == '"')
            {
                var quotedLine = Here;
                parts.Add(new HoconScalar(quotedLine, HoconScalarKind.String, Peek(1) == '"' && Peek(2) == '"' ? ParseTripleQuoted() : ParseQuoted()));
                continue;
            }
            if (c == '$' && Peek(1) == '{')
            {
                parts.Add(ParseSubstitution());
                continue;
            }
            var startUnquoted = _pos;
            while (!AtEnd)
            {
                var u = Peek();
                if (char.IsWhiteSpace(u) || UnquotedForbidden.Contains(u) || (u == '/' && Peek(1) == '/')) break;
                _pos++;
            }
            if (_pos == startUnquoted) throw Error($"unexpected {DescribeChar(c)} in a value");
            parts.Add(Classify(Here, _text[startUnquoted.._pos]));
        }
        if (parts.Count == 0) throw Error("expected a value");
        if (parts.Count == 1) return parts[0];
        if (parts.All(p => p is HoconScalar))
            return new HoconScalar(position, HoconScalarKind.String, string.Concat(parts.Cast<HoconScalar>().Select(p => p.Text)));
        return new HoconConcatenation(position, parts);
    }

    private static HoconScalar Classify(HoconPosition position, string text) => text switch
    {
        "true" or "false" => new HoconScalar(position, HoconScalarKind.Boolean, text),
        "null" => new HoconScalar(position, HoconScalarKind.Null, "null"),
        _ when NumberPattern().IsMatch(text) => new HoconScalar(position, HoconScalarKind.Number, text),
        _ => new HoconScalar(position, HoconScalarKind.String, text),
    };

    private HoconObject ParseBracedObject()
    {
        var open = _line;
        var obj = new HoconObject(Here);
        _pos++;
        Nest();
        ParseFields(obj, '}', open);
        _depth--;
        return obj;
    }

    private void Nest()
    {
        if (++_depth > MaxDepth) throw Error($"objects and lists are nested more than {MaxDepth} deep");
    }

    private HoconArray ParseArray()
    {
        var open = _line;
        var position = Here;
        _pos++;
        Nest();
        var items = new List<HoconNode>();
        while (true)
        {
            SkipBlank(newlines: true, commas: true);
            if (AtEnd) throw Error($"expected ']' to close the list opened at line {open}, reached the end of the file");
            var c = Peek();
            if (c == ']') { _pos++; _depth--; return new HoconArray(position, items); }
            if (c == '}') throw Error($"expected ']' to close the list opened at line {open}, found '}}'");
            items.Add(ParseValue());
            SkipBlank(newlines: false);
            c = Peek();
            if (!(AtEnd || c is '\n' or ',' or ']' or '#' || (c == '/' && Peek(1) == '/')))
                throw Error($"unexpected {DescribeChar(c)} in the list opened at line {open}");
        }
    }

    private HoconSubstitution ParseSubstitution()
    {
        var position = Here;
        _pos += 2;
        var optional = false;
        if (Peek() == '?') { optional = true; _pos++; }
        var start = _pos;
        while (!AtEnd && Peek() != '}' && Peek() != '\n') _pos++;
        if (Peek() != '}') throw Error("unterminated substitution: expected '}'");
        var path = _text[start.._pos].Trim();
        _pos++;
        if (path.Length == 0) throw Error("empty substitution ${}");
        return new HoconSubstitution(position, path, optional);
    }

    private string ParseQuoted()
    {
        var startLine = _line;
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd || Peek() == '\n') throw Error("unterminated quoted string", startLine);
            var c = _text[_pos++];
            if (c == '"') return sb.ToString();
            if (c != '\\') { sb.Append(c); continue; }
            var e = AtEnd ? '\0' : _text[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case '"': case '\\': case '/': sb.Append(e); break;
                case 'u' when _pos + 4 <= _text.Length && ushort.TryParse(_text.AsSpan(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default: throw Error($"bad escape '\\{e}' in a quoted string");
            }
        }
    }

    private string ParseTripleQuoted()
    {
        var startLine = _line;
        _pos += 3;
        var end = _text.IndexOf("\"\"\"", _pos, StringComparison.Ordinal);
        if (end < 0) throw Error("unterminated \"\"\" string", startLine);
        var value = _text[_pos..end];
        _line += value.Count(ch => ch == '\n');
        _pos = end + 3;
        return value;
    }

    private void SkipBlank(bool newlines, bool commas = false)
    {
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '\n')
            {
                if (!newlines) return;
                _line++;
                _pos++;
            }
            else if (c is ' ' or '\t' or '\r' or '\uFEFF') _pos++;
            else if (c == ',' && commas) _pos++;
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (!AtEnd && Peek() != '\n') _pos++;
            }
            else return;
        }
    }

    private static void SetPath(HoconObject target, List<string> path, HoconNode value, bool append)
    {
        var current = target;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (!current.TryGet(path[i], out var next) || next is not HoconObject nextObject)
            {
                nextObject = new HoconObject(value.Position);
                current.Replace(path[i], nextObject);
            }
            current = nextObject;
        }
        var last = path[^1];
        if (append)
        {
            var items = current.TryGet(last, out var existing) && existing is HoconArray array ? array.Items.ToList() : new List<HoconNode>();
            items.Add(value);
            current.Replace(last, new HoconArray(value.Position, items));
            return;
        }
        current.Set(last, value);
    }
}
