using System.Text;

namespace ActorRL.Core.Configuration;

/// <summary>
/// Renders a resolved tree back to HOCON: every key and string quoted, so the text is unambiguous. This is how
/// the effective configuration is shown to users and handed to Akka (which then never sees a user's raw file).
/// </summary>
public static class HoconWriter
{
    public static string Render(HoconObject root)
    {
        var sb = new StringBuilder();
        WriteFields(sb, root, 0);
        return sb.ToString();
    }

    private static void WriteFields(StringBuilder sb, HoconObject obj, int indent)
    {
        foreach (var (key, value) in obj.Fields)
        {
            sb.Append(' ', indent).Append(Quote(key)).Append(value is HoconObject ? " " : " = ");
            WriteValue(sb, value, indent);
            sb.Append('\n');
        }
    }

    private static void WriteValue(StringBuilder sb, HoconNode node, int indent)
    {
        switch (node)
        {
            case HoconObject o:
                sb.Append("{\n");
                WriteFields(sb, o, indent + 2);
                sb.Append(' ', indent).Append('}');
                break;
            case HoconArray a:
                sb.Append('[');
                for (var i = 0; i < a.Items.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteValue(sb, a.Items[i], indent);
                }
                sb.Append(']');
                break;
            case HoconScalar { Kind: HoconScalarKind.String } s:
                sb.Append(Quote(s.Text));
                break;
            case HoconScalar s:
                sb.Append(s.Text);
                break;
            default:
                throw new InvalidOperationException($"unresolved {node.Describe()} at {node.Position}");
        }
    }

    public static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ') sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
